"""Commands that keep the database and its trust: upgrade, backup, restore, users, audit, signing, logins."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from assess.cli.parser import UsageError
from assess.record.labels import count
from assess.storage.db import Database, current_revision, open_database


def cmd_db(db: Database, args: argparse.Namespace) -> int:
    from assess.services.upkeep import backup, require_upkeep

    if args.db_command == "upgrade":
        require_upkeep(db)  # upgraded already on opening (by a clinician, once there are users)
        print(f"{db.describe()} is at schema revision {current_revision(db.engine)}")
        return _cmd_due(db, rebuild=False)  # a database from an older version has no due items yet
    if args.db_command == "due":
        return _cmd_due(db, args.rebuild)
    if args.db_command == "check":
        return _cmd_check(db, args.full)
    backup(db, args.out)
    print(f"Backed up {db.describe()} to {args.out}")
    return 0


def _cmd_check(db: Database, full: bool) -> int:
    """SQLite's check of every page of the file (DatabaseError naming the damage); a server checks its own."""
    import time

    if db.kind != "sqlite":
        print(f"{db.describe()} is a PostgreSQL database: the server keeps and checks its own files (its data "
              "checksums, and pg_amcheck on the server); assess has nothing to check in them")
        return 0
    start = time.perf_counter()
    db.check_file(full)
    what = "integrity_check (every page, and every index against its table)" if full else "quick_check (every page)"
    print(f"{db.describe()} passed SQLite's {what} in {time.perf_counter() - start:.1f} s")
    return 0


def cmd_clinic(db: Database, args: argparse.Namespace) -> int:
    """Show the letterhead, or change the fields given (the others are kept)."""
    import dataclasses

    from assess.services.clinic import clinic_letterhead, letterhead_missing, set_clinic_letterhead

    given = {k: getattr(args, k) for k in ("name", "address", "phone", "fax", "paper") if getattr(args, k) is not None}
    if "address" in given:
        given["address"] = given["address"].replace("\\n", "\n")
    with db.transaction() as session:
        seen = clinic_letterhead(session)
        if given:
            set_clinic_letterhead(session, dataclasses.replace(seen, **given), expected=seen)
        clinic = clinic_letterhead(session)
    for label, value in (("Name", clinic.name), ("Address", clinic.address.replace("\n", ", ")),
                         ("Phone", clinic.phone), ("Fax", clinic.fax), ("Paper", clinic.paper)):
        print(f"{label + ':':9}{value or '(not set)'}")
    if missing := letterhead_missing(clinic):
        print(f"Reports need the clinic's {' and '.join(missing)}: "
              f"assess clinic {' '.join(f'--{m} ...' for m in missing)}")
    return 0


def _cmd_due(db: Database, rebuild: bool) -> int:
    import datetime as dt
    import time

    from assess.services import due
    from assess.services.alerts import patient_ids

    today, start = dt.date.today(), time.perf_counter()
    with db.transaction() as session:
        ids = patient_ids(session) if rebuild else due.stale_ids(session, today)
    stored = due.refresh_in_workers(db.url, ids, today, workers=min(len(ids) // 2000 + 1, os.cpu_count() or 1))
    print(f"Worked out the due items of {count(len(ids), 'patient')} ({count(stored, 'item')}) for {today} in "
          f"{time.perf_counter() - start:.1f} s")
    return 0


def cmd_restore(url: str, args: argparse.Namespace) -> int:
    """Not through open_database: a damaged database (the reason to restore) would not open."""
    from assess.services.restore import restore
    from assess.storage.devices import LoginTokens

    report = restore(url, args.file, lambda: command_line_credentials(args.user), args.users_from_backup,
                     LoginTokens.default())
    restored = report.restored
    db = open_database(url)  # upgraded and made ready by the restore itself
    try:
        revision = current_revision(db.engine)
        kept = f"; the database it replaced was kept as {restored.kept}" if restored.kept else ""
        print(f"Restored {db.describe()} from {args.file} (schema revision {restored.revision}"
              f"{', now upgraded to ' + str(revision) if revision != restored.revision else ''}){kept}. "
              f"Users: {report.users}.")
        _cmd_due(db, rebuild=False)  # the restored records' due items, for today
    finally:
        db.close()
    return 0


def _new_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        first = sys.stdin.readline().rstrip("\r\n")
    else:
        first = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("The same password again: ") != first:
            raise UsageError("the two passwords differ; nothing was written")
    if any("\ud800" <= character <= "\udfff" for character in first):
        raise UsageError("the password is not valid UTF-8 text; nothing was written")
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
    with db.read() as session:
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
    from assess.services.audit import events

    if args.action == "verify":
        from assess.cli.verify_text import print_verification
        from assess.services.integrity import check_database

        with db.read() as session:  # the trail and the seals as of one moment
            chain, checked = check_database(session, args.expect)
        return print_verification(chain, checked, args.expect, db)
    with db.transaction() as session:
        found = events(session, args.patient, args.limit)
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


def command_line_credentials(name: str | None) -> tuple[str, str]:
    """Who logs in: --user / ASSESS_USER, with ASSESS_PASSWORD or a prompt."""
    import getpass

    name = name or os.environ.get("ASSESS_USER")
    if not name:
        raise UsageError("this database has users: log in with --user NAME (or set ASSESS_USER)")
    password = os.environ.get("ASSESS_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Password for {name}: ")
    return name, password


def log_in_from_command_line(db: Database, name: str | None) -> None:
    """On a database with users: log in with this computer's login token for it, if it has one."""
    from assess.services.users import log_in
    from assess.storage.devices import LoginTokens

    user, password = command_line_credentials(name)
    log_in(db, user, password, tokens=LoginTokens.default())
