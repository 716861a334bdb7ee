"""Restoring a backup: checked first, by a clinician once the database has users, keeping those users, audited.

Order of a restore:
1. the backup is checked (every table and column of its revision): a backup that would leave a broken
   database is refused before anyone logs in or anything is copied;
2. whoever restores logs in to the database being replaced; once it has users, only a clinician may;
3. the backup is made ready where it waits (in memory for SQLite, inside the restore's transaction for
   PostgreSQL): upgraded to this version's schema, its signed records sealed if it is older than seals,
   its users replaced by the replaced database's users (unless the clinician asks for the backup's), and
   a `restore` event appended to its audit trail naming the backup, the kept copy and the head of the
   chain it replaces;
4. only then does it replace the live database, all at once.
A database too damaged to open has no users to keep or to log in to: the backup's users are kept and a
clinician among them must log in (single-user mode only when the backup has no users either).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, inspect, select
from sqlalchemy.orm import Session

from assess.record.actor import DATABASE, Actor, allows
from assess.record.errors import DatabaseError, LoginError, PermissionDeniedError
from assess.services import audit
from assess.services.access import USER
from assess.services.seals import seal_everything_unsealed, user_entry
from assess.services.upkeep import database_has_users, may_run_upkeep, open_unmigrated
from assess.services.users import DEVICE, UsersTableChangedError, check_login
from assess.storage.backup import Restored, check_backup, restore_database, upgrade_connection
from assess.storage.db import SCHEMA_REVISION, Database, sqlite_path
from assess.storage.devices import LoginTokens

# Asks who is restoring: (user name, password). Called only when a login is needed.
Credentials = Callable[[], tuple[str, str]]


@dataclass(frozen=True)
class Replaced:
    """What the database being replaced held that outlives the restore: its users and its chain's head."""

    users: list[dict[str, Any]] | None  # None: none, or they cannot be read or trusted
    head: dict[str, Any] | None
    actor: Actor | None  # who logged in to it (the single user without users); None: nobody could


@dataclass(frozen=True)
class RestoreReport:
    restored: Restored
    users: str  # whose users the restored database has, in words
    actor: str


def _read_replaced(db: Database, credentials: Credentials, tokens: LoginTokens | None) -> Replaced:
    from assess.services.users import log_in

    users = database_has_users(db)
    if users:
        name, password = credentials()
        log_in(db, name, password, tokens=tokens)
    if not may_run_upkeep(db.actor, users):
        assert db.actor is not None
        raise PermissionDeniedError(f"{db.actor.name} is a {db.actor.role} and may not restore the database "
                                    "(a clinician may); nothing was changed")
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        rows = [dict(row._mapping) for row in connection.execute(
            select(USER.c.name, USER.c.role, USER.c.password_hash, USER.c.created_at).order_by(USER.c.name))] \
            if "app_user" in tables else None
        head = None
        if "audit_head" in tables:
            found = connection.execute(select(audit.HEAD.c.last_id, audit.HEAD.c.last_hash)).first()
            head = {"event": found.last_id, "hash": found.last_hash} if found else None
    return Replaced(rows or None, head, db.actor or Actor.single_user())


def _replace_users(session: Session, kept: list[dict[str, Any]]) -> list[audit.Change]:
    """The restored database's users become those of the database it replaces (their seals recorded)."""
    restored = set(session.execute(select(USER.c.name)).scalars())
    session.execute(delete(DEVICE))
    session.execute(delete(USER))
    session.execute(insert(USER), [{**user, "failed_logins": 0} for user in kept])
    names = {user["name"] for user in kept}
    return [audit.Change("delete", "user", name, after={"reason": "replaced by the users of the restored-over "
                                                                  "database"}) for name in sorted(restored - names)] + [
        audit.Change("seal", "user", user["name"], after={
            "reason": "kept from the database the restore replaced",
            "seal": user_entry(user["name"], user["role"], user["password_hash"])}) for user in kept]


def restore(url: str, source: Path, credentials: Credentials, users_from_backup: bool = False,
            tokens: LoginTokens | None = None) -> RestoreReport:
    """Replace the database at url with the backup `source` (see the module's steps); all or nothing."""
    check_backup(url, source)  # first of all: the target (not in memory, not the backup) and the backup whole
    replaced: Replaced | None = None
    try:
        current = open_unmigrated(url)
    except DatabaseError:
        if sqlite_path(url) is None:
            raise  # a server that cannot be reached is not a database to replace
        current = None  # damaged: nothing of it can be read, it is moved aside whole
    if current is not None:
        try:
            replaced = _read_replaced(current, credentials, tokens)
        except UsersTableChangedError:
            # Its users table was changed outside assess: neither its users nor a login to it can be trusted.
            # As for a damaged file, a clinician among the backup's users logs in, and the backup's users stay.
            replaced = Replaced(None, None, None)
        finally:
            current.close()
    outcome: dict[str, str] = {}

    def finish(connection: Connection, revision: str, kept: Path | None) -> None:
        if revision != SCHEMA_REVISION:
            upgrade_connection(connection)
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            actor = replaced.actor if replaced is not None else None
            if actor is None and session.execute(select(USER.c.id).limit(1)).first() is not None:
                actor = _log_in_to_backup(session, credentials, sealed=revision == SCHEMA_REVISION)
            session.info["actor"] = actor or Actor.single_user()
            seal_everything_unsealed(session, f"restored from a backup of schema {revision}: sealed as found")
            changes: list[audit.Change] = []
            if replaced is not None and replaced.users and not users_from_backup:
                changes += _replace_users(session, replaced.users)
                outcome["users"] = "the users of the database it replaced were kept"
            else:
                outcome["users"] = "the backup's users" if session.execute(select(USER.c.id).limit(1)).first() \
                    else "no users (single-user mode)"
            changes.append(audit.Change("restore", "database", source.name, after={
                "from": str(source.resolve()), "backup_revision": revision, "users": outcome["users"],
                "replaced_chain_head": replaced.head if replaced is not None else None,
                "kept_copy": str(kept) if kept else None}))
            audit.record_many(session, changes)
            session.commit()
            outcome["actor"] = session.info["actor"].name

    restored = restore_database(url, source, finish)
    return RestoreReport(restored, outcome.get("users", ""), outcome.get("actor", ""))


def _log_in_to_backup(session: Session, credentials: Credentials, sealed: bool) -> Actor:
    """The replaced database cannot be read: a clinician among the backup's users logs in (checked in the
    restored database itself, which then records the login). A backup from before seals has no seals of
    its users to check them against yet."""
    name, password = credentials()
    outcome = check_login(session, name, password, current_schema=sealed)
    if outcome.actor is None:
        raise LoginError(outcome.refusal)
    if not allows(outcome.actor.role, DATABASE):
        raise PermissionDeniedError(f"{outcome.actor.name} is a {outcome.actor.role} and may not restore the "
                                    "database (a clinician may); nothing was changed")
    return outcome.actor
