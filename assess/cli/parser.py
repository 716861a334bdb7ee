"""The `assess` command line's arguments: every command, its options and their help."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from assess import __version__
from assess.record.errors import AssessError


class UsageError(AssessError):
    """The command was given wrong arguments (exit status 2)."""


def _signed_record_arguments(p: argparse.ArgumentParser) -> None:
    """Which record `sign` and `addendum` are about: a patient's visit (--type) or toxin session (--product)."""
    p.add_argument("mrn", metavar="MRN")
    p.add_argument("--date", required=True, type=_iso_date, metavar="DATE")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--type", metavar="VISIT_TYPE", help="the visit's type (e.g. follow_up)")
    which.add_argument("--product", metavar="PRODUCT", help="the toxin session's product")


def _format_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("assess-record/1", "fhir-r4"), default="assess-record/1",
                   help="the file format (default assess-record/1)")
    p.add_argument("--mrn-system", metavar="URI", help="fhir-r4: the identifier system of the clinic's medical "
                   "record numbers (default: assess's own, https://assess.example.org/fhir/mrn)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assess",
        description="Spasticity assessment records. With no command, opens the window (or, with no display, "
        "says how to use the commands).",
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: $ASSESS_DATABASE_URL, else the "
                        "SQLite file in your data folder), e.g. postgresql+psycopg://user@host/assess")
    parser.add_argument("--user", metavar="NAME", help="log in as this user (default: $ASSESS_USER); the "
                        "password comes from $ASSESS_PASSWORD or a prompt. Needed once the database has users")
    parser.add_argument("--version", action="version", version=f"assess {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("import", help="import assess-record/1 files or FHIR R4 Bundles (all or nothing)",
                            description="Import assess-record/1 files, or FHIR R4 Bundles (a referral's Patient "
                            "resources, or an assess FHIR export). Every file is checked first; a bad value or a "
                            "conflict with a stored record refuses the whole import.")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check and report what would be added; write nothing")
    _format_arguments(p)

    p = commands.add_parser("export", help="export patients as an assess-record/1 file or a FHIR R4 Bundle",
                            description="Write patients (all, or those named) as one assess-record/1 file, or as "
                            "one FHIR R4 Bundle for an EHR (docs/fhir.md).")
    p.add_argument("--out", required=True, metavar="FILE", help="file to write ('-' for standard output)")
    p.add_argument("--patient", action="append", default=[], metavar="MRN", help="export this patient "
                   "(repeat for more); default: every patient")
    _format_arguments(p)
    p.add_argument("--letter", action="store_true", help="fhir-r4: attach the letter of each patient's latest "
                   "visit as a PDF (about a second per patient)")

    p = commands.add_parser("patients", help="list patients", description="List patients by name.")
    p.add_argument("--search", default="", metavar="TEXT", help="words of the name or MRN, or a birth date "
                   "YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = commands.add_parser("show", help="a patient's summary", description="A readable summary of one "
                            "patient: latest findings with the change since the previous visit, treatments.")
    p.add_argument("mrn", metavar="MRN")

    p = commands.add_parser("alerts", help="safety warnings and follow-ups due",
                            description="Open alerts: toxin, drug and pump limits, refills and follow-ups due "
                            "or overdue, worsening; for every patient or the one named.")
    p.add_argument("--patient", metavar="MRN", help="only this patient")
    p.add_argument("--as-of", metavar="DATE", type=_iso_date, help="the day to judge from (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON: a list of alert objects")

    p = commands.add_parser("report", help="the PDF report for the primary care doctor",
                            description="Write the report of a visit (default: the latest) for the patient's "
                            "primary care doctor as a PDF.")
    p.add_argument("mrn", metavar="MRN")
    p.add_argument("--out", required=True, metavar="FILE.pdf", type=Path, help="the PDF to write")
    p.add_argument("--visit", metavar="DATE", type=_iso_date, help="the visit's date (default: the latest visit)")
    p.add_argument("--since", metavar="DATE", type=_iso_date,
                   help="report treatments since this day (default: since the visit before)")
    p.add_argument("--today-alerts", action="store_true", help="judge medicines, alerts and due dates as of today "
                   "(default: as of the visit reported)")

    p = commands.add_parser("clinic", help="the clinic's letterhead for reports",
                            description="Show or set the clinic's name, address, phone, fax and paper size, "
                            "shared by every workstation. A report needs the name and phone.")
    p.add_argument("--name", help="the clinic's name")
    p.add_argument("--address", help="the clinic's address (\\n between lines)")
    p.add_argument("--phone", help="the clinic's phone, for the primary care doctor")
    p.add_argument("--fax", help="the clinic's fax")
    p.add_argument("--paper", choices=("letter", "a4"), help="the reports' paper size (default letter)")

    p = commands.add_parser("demo", help="add synthetic demo patients", description="Add realistic synthetic "
                            "patients (MRNs DEMO-000001...) for trying assess and for benchmarks.")
    p.add_argument("--patients", type=int, default=50, metavar="N", help="how many (default 50)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="processes that generate and check the "
                   "patients while this one writes them (default: one per core; 0: all in this process)")

    p = commands.add_parser("users", help="users and roles", description="Users and their roles: clinician "
                            "(everything, signs), therapist (findings, visit scores, therapy, orthoses), reader "
                            "(views and exports). The first user must be a clinician; from then on every entry "
                            "needs a login.")
    user_commands = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    q = user_commands.add_parser("add", help="add a user", description="Add a user (only a clinician may, "
                                 "except for the first user, who must be a clinician).")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, choices=("clinician", "therapist", "reader"))
    q.add_argument("--password-stdin", action="store_true", help="read the new user's password from the first "
                   "line of standard input (default: ask twice)")
    user_commands.add_parser("list", help="list users", description="List users and their roles.")
    q = user_commands.add_parser("password", help="set a new password",
                                 description="Set a new password: your own, or (as a clinician) anyone's.")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--password-stdin", action="store_true", help="read the new password from the first line of "
                   "standard input (default: ask twice)")
    q = user_commands.add_parser("idle-lock", help="minutes before an idle window locks",
                                 description="Set (or, without MINUTES, show) the minutes without a key press "
                                 "or click after which every workstation's window locks (0: never; default 10).")
    q.add_argument("minutes", nargs="?", type=int, metavar="MINUTES")

    p = commands.add_parser("audit", help="the audit trail", description="List audit events, newest first "
                            "(who, when, where, what changed), or check the chain with 'assess audit verify'.")
    p.add_argument("action", nargs="?", choices=("verify",), help="verify: recompute every event's hash and every "
                   "signed record's and user's seal, and name what was changed outside assess (exit status 1)")
    p.add_argument("--expect", metavar="HASH", help="with verify: a head hash printed by an earlier verify and kept "
                   "outside the database; the chain must still contain it, unchanged")
    p.add_argument("--patient", metavar="MRN", help="only this patient's events")
    p.add_argument("--limit", type=int, metavar="N", help="only the N newest events")
    p.add_argument("--json", action="store_true", help="print JSON: a list of event objects")

    p = commands.add_parser("sign", help="sign a visit or a toxin session (clinicians)",
                            description="Sign a saved visit (--type) or toxin session (--product) of a patient. "
                            "A signed record is never changed; correct it with 'assess addendum'.")
    _signed_record_arguments(p)

    p = commands.add_parser("addendum", help="add a correction to a signed record (clinicians)",
                            description="Append an addendum to a signed visit (--type) or toxin session "
                            "(--product); the signed original is kept as it was.")
    _signed_record_arguments(p)
    p.add_argument("--text", required=True, help="what was wrong and what is right")

    p = commands.add_parser("db", help="database upkeep", description="Database upkeep.")
    db_commands = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="migrate the database to this version of assess",
                           description="Create or migrate the database (a SQLite file is backed up first).")
    q = db_commands.add_parser("backup", help="write a backup copy",
                               description="Write a consistent backup, safe while assess is in use: a copy of "
                               "the SQLite file, or a pg_dump archive of a PostgreSQL database.")
    q.add_argument("--out", required=True, metavar="FILE", type=Path)
    q = db_commands.add_parser("restore", help="replace the database with a backup",
                               description="Replace the database with a backup made by 'assess db backup'. The "
                               "backup is checked first (it opens, passes SQLite's check or pg_restore's reading, "
                               "and holds an assess schema this version knows); the current database is kept as "
                               "a copy; the replacement is all or nothing. Works on a damaged database too. Once "
                               "the database has users, a clinician logs in; the restored database keeps the users "
                               "of the database it replaces.")
    q.add_argument("file", metavar="FILE", type=Path)
    q.add_argument("--users-from-backup", action="store_true", help="give the restored database the backup's users "
                   "instead of keeping the current ones")
    q = db_commands.add_parser("due", help="work out the worklist's due items",
                               description="Work out the stored due items that the worklist and 'assess alerts' "
                               "read: those not up to date for today (after an upgrade, a restore, or as dates "
                               "pass), or every patient's with --rebuild (after a change to the rules or to "
                               "limits.json).")
    q.add_argument("--rebuild", action="store_true", help="every patient's, not only those out of date")
    q = db_commands.add_parser("check", help="check the whole database file",
                               description="SQLite's quick_check of every page of the file (the window runs it at "
                               "each start; other commands check only the pages they read). With --full, "
                               "integrity_check: also every index against its table (slower). Exit status 1 "
                               "names the damage.")
    q.add_argument("--full", action="store_true", help="integrity_check instead of quick_check")
    return parser


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
