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
    cmd_db,
    cmd_restore,
    cmd_sign,
    cmd_users,
    log_in_from_command_line,
)
from assess.record.errors import AssessError
from assess.services.upkeep import open_unmigrated, prepare
from assess.storage.db import database_url

COMMANDS = {"import": cmd_import, "export": cmd_export, "patients": cmd_patients, "show": cmd_show,
            "alerts": cmd_alerts, "report": cmd_report, "demo": cmd_demo, "db": cmd_db, "users": cmd_users,
            "audit": cmd_audit, "sign": cmd_sign, "addendum": cmd_addendum}


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed command line; with no command, print the database summary."""
    try:
        if args.command == "db" and args.db_command == "restore":
            return cmd_restore(database_url(args.db), args)
        db = open_unmigrated(database_url(args.db))
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
