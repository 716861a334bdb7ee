"""The `assess` command line: parse, open the database, log in, run one command, say what went wrong."""

from __future__ import annotations

import argparse
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
from assess.storage.db import damaged_message, database_url, open_database, sqlite_path

COMMANDS = {"import": cmd_import, "export": cmd_export, "patients": cmd_patients, "show": cmd_show,
            "alerts": cmd_alerts, "report": cmd_report, "demo": cmd_demo, "db": cmd_db, "users": cmd_users,
            "audit": cmd_audit, "sign": cmd_sign, "addendum": cmd_addendum, "clinic": cmd_clinic}


def checks_whole_file(args: argparse.Namespace) -> bool:
    """Whether SQLite's quick_check of the whole file runs before the command: before a backup (a copy of a
    damaged file is no backup); 'db check' runs it itself, an upgrade and a restore check in open_database and
    the restore. Other commands read only the pages they need, each checked by SQLite as it reads it: the whole
    file's check grows with it (10 s at 100,000 patients), so it is not paid on every command (docs/design.md)."""
    return bool(args.command == "db" and args.db_command == "backup")


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed command line; with no command, print the database summary."""
    try:
        if args.command == "db" and args.db_command == "restore":
            return cmd_restore(database_url(args.db), args.file)
        db = open_database(database_url(args.db), check_file=checks_whole_file(args))
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
        path = sqlite_path(database_url(args.db))
        if path is not None and "malformed" in reason:  # a page SQLite refused as it read it
            print(f"assess: {damaged_message(path, reason, 'nothing was written')}", file=sys.stderr)
            return 1
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
