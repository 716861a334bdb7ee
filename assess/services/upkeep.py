"""Opening, upgrading and backing up the database: once it has users, only for a logged-in clinician.

A database at an older schema is opened as it is; whoever runs assess logs in (against the tables that
schema has); only then is it upgraded, and only by a clinician (or in single-user mode). An upgrade and
a backup are audited; an upgrade from before seals seals what was signed, as it stands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import inspect

from assess.record.actor import DATABASE, Actor, allows
from assess.record.errors import DatabaseError, PermissionDeniedError
from assess.services import audit
from assess.services.access import has_users, require
from assess.services.seals import seal_everything_unsealed
from assess.storage.db import (
    SCHEMA_REVISION,
    Database,
    current_revision,
    known_revisions,
    open_database,
    sqlite_path,
    upgrade,
)


def open_unmigrated(url: str, check_file: bool = True, create: bool = True) -> Database:
    """The database as it is (created if new), not upgraded yet: someone logs in first when it has users.
    A schema made by a newer assess is refused here, before anything is read or written."""
    db = open_database(url, migrate=False, check_file=check_file, create=create, require_current=False)
    path = sqlite_path(db.url)
    if path is not None:
        from assess.storage.interrupted import sweep_interrupted

        sweep_interrupted(path)  # what a restore killed mid-way (power cut, kill -9) left beside the file
    revision = current_revision(db.engine)
    if revision not in (None, SCHEMA_REVISION) and revision not in known_revisions():
        db.close()
        raise DatabaseError(f"the database is at schema revision {revision}, made by a newer version of assess "
                            f"than this one (which knows up to {SCHEMA_REVISION}); install the newer version on "
                            "this computer. Nothing was changed.")
    return db


def upgrade_pending(db: Database) -> bool:
    return current_revision(db.engine) != SCHEMA_REVISION


def database_has_users(db: Database) -> bool:
    """Whether logins are needed; a schema from before users (or a new, empty file) has none."""
    if upgrade_pending(db):
        with db.engine.connect() as connection:
            if not inspect(connection).has_table("app_user"):
                return False
    with db.transaction() as session:
        return has_users(session)


def may_run_upkeep(actor: Actor | None, users: bool) -> bool:
    return not users or (actor is not None and allows(actor.role, DATABASE))


def bring_up_to_date(db: Database) -> Path | None:
    """Upgrade the schema to this version's (nothing to do when it is current); returns the SQLite copy
    taken before. Once there are users, a clinician must be logged in (PermissionDeniedError otherwise,
    with nothing changed). The upgrade is an audit event; records signed before seals are sealed."""
    revision = current_revision(db.engine)
    if revision == SCHEMA_REVISION:
        return None
    users = database_has_users(db)
    if not may_run_upkeep(db.actor, users):
        who = f"{db.actor.name} is a {db.actor.role}" if db.actor else "nobody is logged in"
        raise PermissionDeniedError(f"the database needs an upgrade to this version of assess, which a clinician "
                                    f"must run ({who}): 'assess --user NAME db upgrade'; nothing was changed")
    db.check_file()  # a damaged file is never migrated
    backup = upgrade(db.engine, db.url)
    if revision is None:
        return backup  # a new database: nothing was there to seal or to audit
    with db.transaction() as session:
        sealed = seal_everything_unsealed(session, f"upgraded from schema {revision}: sealed as found")
        audit.record(session, audit.Change("upgrade", "database", f"{revision} to {SCHEMA_REVISION}", after={
            "from": revision, "to": SCHEMA_REVISION, "copy_before": str(backup) if backup else None,
            "sealed": sealed}))
    return backup


def prepare(db: Database, log_in: Callable[[Database], object]) -> None:
    """Make an opened database ready for a command or the window: log in when it has users (`log_in` asks
    and checks), then upgrade it when its schema is older (a clinician's, see bring_up_to_date)."""
    if database_has_users(db) and db.actor is None:
        log_in(db)
    bring_up_to_date(db)


def require_upkeep(db: Database) -> Actor:
    """The actor, when they may back up, restore or upgrade (a clinician, or anyone without users)."""
    with db.transaction() as session:
        return require(session, DATABASE)


def backup(db: Database, target: Path) -> Path:
    """A backup copy, audited; a copy whose event could not be written is removed (never an unrecorded copy)."""
    from assess.storage.backup import backup_database

    require_upkeep(db)
    written = backup_database(db.url, target)
    try:
        with db.transaction() as session:
            audit.record(session, audit.Change("backup", "database", str(written.resolve())))
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    return written
