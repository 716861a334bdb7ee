"""The `assess` command line: parse, open the database, log in, run one command, say what went wrong."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from assess.cli.parser import UsageError, parse_args
from assess.cli.records import (
    cmd_alerts,
    cmd_demo,
    cmd_export,
    cmd_import,
    cmd_patients,
    cmd_report,
    cmd_show,
    cmd_summary,
)
from assess.cli.upkeep import (
    cmd_addendum,
    cmd_audit,
    cmd_clinic,
    cmd_db,
    cmd_restore,
    cmd_sign,
    cmd_users,
    log_in_from_command_line,
)
from assess.record.errors import AssessError
from assess.services.upkeep import open_unmigrated, prepare
from assess.storage.db import chosen_explicitly, damaged_message, database_url, sqlite_path

COMMANDS = {"import": cmd_import, "export": cmd_export, "patients": cmd_patients, "show": cmd_show,
            "alerts": cmd_alerts, "report": cmd_report, "demo": cmd_demo, "db": cmd_db, "users": cmd_users,
            "audit": cmd_audit, "sign": cmd_sign, "addendum": cmd_addendum, "clinic": cmd_clinic}


# Arguments that name files: bytes that are not UTF-8 are fine in a file name (Python keeps them); every other
# argument is text that is stored, searched for or printed, and must be Unicode.
FILE_ARGUMENTS = frozenset({"db", "files", "out", "file"})
TEXT_VARIABLES = ("ASSESS_USER", "ASSESS_PASSWORD")


def checks_whole_file(args: argparse.Namespace) -> bool:
    """Whether SQLite's quick_check of the whole file runs before the command: before a backup (a copy of a
    damaged file is no backup); 'db check' runs it itself, an upgrade and a restore check in open_database and
    the restore. Other commands read only the pages they need, each checked by SQLite as it reads it: the whole
    file's check grows with it (10 s at 100,000 patients), so it is not paid on every command (docs/design.md)."""
    return bool(args.command == "db" and args.db_command == "backup")


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


def _as_typed(text: str) -> str:
    """The argument as it came: 'b\\xffd' for the bytes b, 0xff, d (kept by Python as surrogate escapes)."""
    try:
        return repr(text.encode("utf-8", "surrogateescape"))[2:-1]
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("ascii")


def not_unicode(text: str) -> bool:
    """Whether text holds a lone surrogate: bytes that were not UTF-8, or an escape such as \\ud800."""
    return not text.isascii() and any("\ud800" <= character <= "\udfff" for character in text)


def check_text_arguments(args: argparse.Namespace) -> None:
    """UsageError naming the first argument (or variable) that is not valid UTF-8 text."""
    for name, value in vars(args).items():
        if name in FILE_ARGUMENTS:
            continue
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not_unicode(text):
                where = name.upper() if name in ("mrn", "name") else f"--{name.replace('_', '-')}"
                raise UsageError(f"argument {where}: '{_as_typed(text)}' is not valid UTF-8 text; nothing was done")
    for variable in TEXT_VARIABLES:
        if not_unicode(os.environ.get(variable, "")):
            raise UsageError(f"the environment variable {variable} is not valid UTF-8 text; nothing was done")


def _printable_output() -> None:
    """A file name that is not UTF-8 (kept by Python as it came) is printed with escapes, never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed command line; with no command, print the database summary."""
    try:
        _printable_output()
        check_text_arguments(args)
        if args.command == "db" and args.db_command == "restore":
            return cmd_restore(database_url(args.db), args)
        # A database named on the command line must exist: only `db upgrade` starts one (a typing slip in --db
        # would otherwise import into, or show, a new empty file). The default first-run file is created.
        creates = args.command == "db" and args.db_command == "upgrade"
        db = open_unmigrated(database_url(args.db), check_file=checks_whole_file(args),
                             create=creates or not chosen_explicitly(args.db))
        try:
            # Log in first when there are users (also to upgrade, backup or restore: a clinician's); then
            # an older schema is upgraded.
            prepare(db, lambda opened: log_in_from_command_line(opened, args.user))
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
        path = sqlite_path(database_url(args.db))
        if path is not None and "malformed" in reason:  # a page SQLite refused as it read it
            print(f"assess: {damaged_message(path, reason, 'nothing was written')}", file=sys.stderr)
            return 1
        print(f"assess: database error, nothing was written: {reason}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of the output went away (`assess patients | head`): nothing to say, and nowhere to say it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's own flush at exit does not fail again
        return 141  # as a shell reports a command ended by SIGPIPE
    except OSError as error:
        print(f"assess: {error}", file=sys.stderr)
        return 1
    except UnicodeError as error:  # text from a terminal or a pipe that is not UTF-8 (a password typed in)
        print(f"assess: text that is not valid UTF-8 ({getattr(error, 'reason', error)}); nothing was written",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("assess: interrupted; nothing more was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
