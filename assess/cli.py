"""The `assess` command line: import, export, list, show, demo data and database upkeep."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from assess import __version__
from assess.bulk import collector_paused
from assess.db import Database, current_revision, database_url, open_database
from assess.errors import AssessError, RecordError
from assess.files import write_atomically
from assess.labels import count


class UsageError(AssessError):
    """The command was given wrong arguments (exit status 2)."""


def _signed_record_arguments(p: argparse.ArgumentParser) -> None:
    """Which record `sign` and `addendum` are about: a patient's visit (--type) or toxin session (--product)."""
    p.add_argument("mrn", metavar="MRN")
    p.add_argument("--date", required=True, type=_iso_date, metavar="DATE")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--type", metavar="VISIT_TYPE", help="the visit's type (e.g. follow_up)")
    which.add_argument("--product", metavar="PRODUCT", help="the toxin session's product")


def _parser() -> argparse.ArgumentParser:
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

    p = commands.add_parser("import", help="import assess-record/1 files (all or nothing)",
                            description="Import assess-record/1 files. Every file is checked first; a bad "
                            "value or a conflict with a stored record refuses the whole import.")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check and report what would be added; write nothing")

    p = commands.add_parser("export", help="export patients as an assess-record/1 file",
                            description="Write patients (all, or those named) as one assess-record/1 file.")
    p.add_argument("--out", required=True, metavar="FILE", help="file to write ('-' for standard output)")
    p.add_argument("--patient", action="append", default=[], metavar="MRN", help="export this patient "
                   "(repeat for more); default: every patient")

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

    p = commands.add_parser("demo", help="add synthetic demo patients", description="Add realistic synthetic "
                            "patients (MRNs DEMO-000001...) for trying assess and for benchmarks.")
    p.add_argument("--patients", type=int, default=50, metavar="N", help="how many (default 50)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")

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
    p.add_argument("action", nargs="?", choices=("verify",), help="verify: recompute every event's hash and name "
                   "the first event that was changed or removed (exit status 1)")
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
                               "a copy; the replacement is all or nothing. Works on a damaged database too.")
    q.add_argument("file", metavar="FILE", type=Path)
    return parser


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _load_json(path: Path) -> Any:
    try:
        data = path.read_bytes()  # json decodes UTF-8 itself, faster than a text file object
    except FileNotFoundError:
        raise AssessError(f"{path}: no such file") from None
    except OSError as error:
        raise AssessError(f"{path}: cannot be read ({error})") from None
    try:
        return json.loads(data)
    except UnicodeDecodeError as error:
        raise AssessError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise AssessError(f"{path}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") \
            from None


def cmd_import(db: Database, args: argparse.Namespace) -> int:
    from assess.interchange.read import read_document
    from assess.services.interchange import import_records

    batches = []
    with collector_paused():
        for path in args.files:
            try:
                batches.append((path, read_document(_load_json(path))))
            except RecordError as error:
                raise AssessError(f"{path}: {error}") from None
        with db.transaction() as session:
            reports = []
            for path, records in batches:
                try:
                    reports.append((path, import_records(session, records, dry_run=args.dry_run)))
                except AssessError as error:
                    raise AssessError(f"{path}: {error}") from None
    verb = "would add" if args.dry_run else "added"
    for path, report in reports:
        unchanged = report.total("unchanged_visits") + report.total("unchanged_treatments")
        print(f"{path}: {verb} {count(report.new_patients, 'new patient')}, {count(report.total('goals'), 'goal')}, "
              f"{count(report.total('visits'), 'visit')} ({count(report.total('findings'), 'finding')}), "
              f"{count(report.total('treatments'), 'treatment')}; {count(unchanged, 'record')} already stored")
    if args.dry_run:
        print("Dry run: nothing was written.")
    return 0


def cmd_export(db: Database, args: argparse.Namespace) -> int:
    import getpass

    from assess.interchange.schema import check_schema
    from assess.interchange.write import write_document
    from assess.services.interchange import export_records, export_stamp

    with db.transaction() as session:
        records = export_records(session, args.patient)
    document = write_document(records, exported_at=export_stamp(),
                              exported_by=db.actor.name if db.actor else getpass.getuser())
    check_schema(document)  # never hand out a file that assess itself would refuse
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        write_atomically(Path(args.out), text.encode("utf-8"))
    visits = sum(len(r.visits) for r in records)
    findings = sum(len(v.findings) for r in records for v in r.visits)
    treatments = sum(len(r.treatments) for r in records)
    print(f"Exported {count(len(records), 'patient')} ({count(visits, 'visit')}, {count(findings, 'finding')}, "
          f"{count(treatments, 'treatment')}) to {args.out}", file=sys.stderr if args.out == "-" else sys.stdout)
    return 0


def cmd_patients(db: Database, args: argparse.Namespace) -> int:
    from assess.labels import words
    from assess.services.patients import find_patients

    with db.transaction() as session:
        found = find_patients(session, args.search, limit=None)
    if args.json:
        print(json.dumps([{"mrn": p.mrn, "family_name": p.family_name, "given_name": p.given_name,
                           "birth_date": p.birth_date.isoformat(), "diagnosis": p.diagnosis, "gmfcs": p.gmfcs,
                           "last_visit": p.last_visit.isoformat() if p.last_visit else None}
                          for p in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No patients match." if args.search else "No patients yet: add some with 'assess import' or "
              "'assess demo'.")
        return 0
    rows = [("MRN", "Name", "Born", "Diagnosis", "Last visit")] + [
        (p.mrn, p.display_name, p.birth_date.isoformat(),
         words(p.diagnosis) + (f", GMFCS {p.gmfcs}" if p.gmfcs else ""),
         p.last_visit.isoformat() if p.last_visit else "-") for p in found]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_show(db: Database, args: argparse.Namespace) -> int:
    from assess.services.history import patient_history
    from assess.summary import patient_summary

    with db.transaction() as session:
        record = patient_history(session, args.mrn)
    print(patient_summary(record, dt.date.today()))
    return 0


def cmd_alerts(db: Database, args: argparse.Namespace) -> int:
    from assess.services.alerts import alerts, clinic_alerts, patient_ids

    as_of = args.as_of or dt.date.today()
    with collector_paused(), db.transaction() as session:
        if args.patient:
            found = alerts(session, as_of, [args.patient])
        else:
            ids = patient_ids(session)
    if not args.patient:
        found = clinic_alerts(db.url, ids, as_of, workers=min(len(ids) // 2000 + 1, os.cpu_count() or 1))
    if args.json:
        print(json.dumps([{"code": a.code, "severity": a.severity, "mrn": a.mrn, "date": a.date.isoformat(),
                           "message": a.message, **({"source": a.source} if a.source else {})} for a in found],
                         ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No open alerts.")
        return 0
    for a in found:
        source = f" [{a.source}]" if a.source else ""
        print(f"{a.severity.upper():7}  {a.date}  {a.mrn}  {a.message}{source}")
    warnings = sum(a.severity == "warning" for a in found)
    print(f"{count(warnings, 'warning')}, {count(len(found) - warnings, 'notice')}")
    return 0


def cmd_report(db: Database, args: argparse.Namespace) -> int:
    from assess.reports.pdf import report_bytes
    from assess.services.report import patient_report

    with db.transaction() as session:
        content = patient_report(session, args.mrn, dt.date.today(), args.visit, args.since)
    write_atomically(args.out, report_bytes(content))
    draft = " (DRAFT: the visit is not signed)" if content.draft else ""
    print(f"Wrote the report of {content.patient_name} ({content.mrn}) to {args.out}{draft}")
    return 0


def cmd_demo(db: Database, args: argparse.Namespace) -> int:
    from assess.services.demo import add_demo_patients

    if args.patients < 1:
        raise UsageError("--patients must be at least 1")
    with collector_paused(), db.transaction() as session:
        report = add_demo_patients(session, args.patients, args.seed,
                                   progress=lambda done: print(f"\r{done}/{args.patients} patients", end="",
                                                               file=sys.stderr, flush=True))
    print(file=sys.stderr)
    print(f"Added {count(report.new_patients, 'demo patient')} with {count(report.total('visits'), 'visit')} "
          f"({count(report.total('findings'), 'finding')}) and {count(report.total('treatments'), 'treatment')} "
          f"to {db.describe()}")
    return 0


def cmd_db(db: Database, args: argparse.Namespace) -> int:
    from assess.backup import backup_database

    if args.db_command == "upgrade":
        print(f"{db.describe()} is at schema revision {current_revision(db.engine)}")
        return 0
    backup_database(db.url, args.out)
    print(f"Backed up {db.describe()} to {args.out}")
    return 0


def cmd_restore(url: str, source: Path) -> int:
    """Not through open_database: a damaged database (the reason to restore) would not open."""
    from assess.backup import restore_database

    restored = restore_database(url, source)
    db = open_database(url)  # checked and, for an older backup, upgraded to this version's schema
    try:
        revision = current_revision(db.engine)
        kept = f"; the database it replaced was kept as {restored.kept}" if restored.kept else ""
        print(f"Restored {db.describe()} from {source} (schema revision {restored.revision}"
              f"{', now upgraded to ' + str(revision) if revision != restored.revision else ''}){kept}")
    finally:
        db.close()
    return 0


def _new_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("The same password again: ") != first:
        raise UsageError("the two passwords differ; nothing was written")
    return first


def cmd_users(db: Database, args: argparse.Namespace) -> int:
    from assess.services.users import add_user, list_users

    if args.users_command == "idle-lock":
        from assess.services.clinic import idle_lock_minutes, set_idle_lock_minutes

        with db.transaction() as session:
            if args.minutes is not None:
                set_idle_lock_minutes(session, args.minutes)
            minutes = idle_lock_minutes(session)
        print(f"The window locks after {count(minutes, 'minute')} without use" if minutes
              else "The window never locks by itself")
        return 0
    if args.users_command == "password":
        from assess.services.users import set_password

        password = _new_password(args)
        with db.transaction() as session:
            set_password(session, args.name, password)
        print(f"New password set for {args.name}")
        return 0
    if args.users_command == "add":
        password = _new_password(args)
        with db.transaction() as session:
            user = add_user(session, args.name, args.role, password)
        print(f"Added {user.role} {user.name}")
        return 0
    with db.transaction() as session:
        users = list_users(session)
    if not users:
        print("No users: assess runs in single-user mode. Add the first (a clinician) with "
              "'assess users add NAME --role clinician'.")
    for user in users:
        failed = f"  ({count(user.failed_logins, 'failed login')})" if user.failed_logins else ""
        print(f"{user.name:20}  {user.role:9}  since {user.created_at:%Y-%m-%d}{failed}")
    return 0


def _changes(before: Any, after: Any) -> str:
    """The changed values of an event in a line: 'mas: 2 -> 1+' for flat values, else the new values."""
    if isinstance(before, dict) and isinstance(after, dict):
        changed = [f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in sorted({*before, *after})
                   if before.get(k) != after.get(k)]
        return "; ".join(changed)
    shown = after if after is not None else before
    return "" if shown is None else json.dumps(shown, ensure_ascii=False, sort_keys=True)


def cmd_audit(db: Database, args: argparse.Namespace) -> int:
    from assess.services.audit import events, verify_chain

    with db.transaction() as session:
        if args.action == "verify":
            check = verify_chain(session)
        else:
            found = events(session, args.patient, args.limit)
    if args.action == "verify":
        if not check.intact:
            print(f"The audit trail is BROKEN at event {check.broken_at}: {check.reason} "
                  f"({count(check.events, 'event')} before it intact)")
            return 1
        print(f"The audit trail is intact: {count(check.events, 'event')}, the last hash is {check.head_hash}")
        return 0
    if args.json:
        print(json.dumps([{"id": e.id, "at": e.at.isoformat().replace("+00:00", "Z"), "actor": e.actor,
                           "role": e.role, "workstation": e.workstation, "action": e.action, "entity": e.entity,
                           "key": e.key, "mrn": e.mrn, "before": e.before, "after": e.after, "hash": e.hash}
                          for e in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No audit events" + (f" for patient {args.patient}." if args.patient else "."))
    for e in found:
        where = f" {e.mrn}" if e.mrn and e.mrn != e.key else ""
        print(f"{e.id:6}  {e.at:%Y-%m-%d %H:%M:%S}Z  {e.actor} ({e.role}) at {e.workstation}  {e.action} "
              f"{e.entity} {e.key}{where}  {_changes(e.before, e.after)}".rstrip())
    return 0


def cmd_sign(db: Database, args: argparse.Namespace) -> int:
    from assess.services.signing import sign_toxin_session, sign_visit

    with db.transaction() as session:
        if args.type:
            signature = sign_visit(session, args.mrn, args.date, args.type)
            what = f"the {args.type} visit of {args.mrn} on {args.date}"
        else:
            signature = sign_toxin_session(session, args.mrn, args.date, args.product)
            what = f"the {args.product} session of {args.mrn} on {args.date}"
    print(f"Signed {what} as {signature.signed_by}")
    return 0


def cmd_addendum(db: Database, args: argparse.Namespace) -> int:
    from assess.services.signing import add_addendum

    with db.transaction() as session:
        added = add_addendum(session, args.mrn, "visit" if args.type else "toxin_session", args.date,
                             args.type or args.product, args.text)
    print(f"Added an addendum by {added.author} to the {added.describe_record()} of {args.mrn}")
    return 0


def log_in_from_command_line(db: Database, name: str | None) -> None:
    """On a database with users: log in as --user / ASSESS_USER with ASSESS_PASSWORD or a prompt."""
    import getpass

    from assess.services.users import log_in, needs_login

    if not needs_login(db):
        return
    name = name or os.environ.get("ASSESS_USER")
    if not name:
        raise UsageError("this database has users: log in with --user NAME (or set ASSESS_USER)")
    password = os.environ.get("ASSESS_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Password for {name}: ")
    log_in(db, name, password)


def cmd_summary(db: Database) -> int:
    from assess.services.patients import find_patients

    with db.transaction() as session:
        everyone = find_patients(session, "", limit=None)
    print(f"assess {__version__} - database: {db.describe()}")
    print(f"{count(len(everyone), 'patient')}.")
    recent = sorted((p for p in everyone if p.last_visit), key=lambda p: p.last_visit or dt.date.min,
                    reverse=True)[:10]
    if recent:
        print("Most recently seen:")
        for p in recent:
            print(f"  {p.last_visit}  {p.mrn}  {p.display_name}")
    print("Commands: assess show MRN, assess patients --search TEXT, assess import FILE, assess demo, "
          "assess --help")
    return 0


COMMANDS = {"import": cmd_import, "export": cmd_export, "patients": cmd_patients, "show": cmd_show,
            "alerts": cmd_alerts, "report": cmd_report, "demo": cmd_demo, "db": cmd_db, "users": cmd_users,
            "audit": cmd_audit, "sign": cmd_sign, "addendum": cmd_addendum}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return _parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed command line; with no command, print the database summary."""
    try:
        if args.command == "db" and args.db_command == "restore":
            return cmd_restore(database_url(args.db), args.file)
        db = open_database(database_url(args.db))
        try:
            if args.command != "db":  # upkeep (upgrade, backup) is for whoever runs the server or owns the file
                log_in_from_command_line(db, args.user)
            if args.command is None:
                return cmd_summary(db)
            return COMMANDS[args.command](db, args)
        finally:
            db.close()
    except UsageError as error:
        print(f"assess: {error}", file=sys.stderr)
        return 2
    except AssessError as error:
        print(f"assess: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(f"assess: database error, nothing was written: {reason}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"assess: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("assess: interrupted; nothing more was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
