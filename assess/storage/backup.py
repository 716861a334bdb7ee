"""Backups a clinic can rely on: a consistent copy taken while assess is in use, and a restore that checks the
backup (every table and column of its schema revision) before it replaces anything, keeps a copy of what it
replaces, and never leaves half of each.

The restored database is prepared before it replaces the live one: `finish` (the services' part: upgrade
the schema, keep the users, record the restore) runs on it first, in the same transaction. SQLite: the
backup is copied into memory, checked and finished there, then copied into the live file in one SQLite
transaction, so no hidden copy of the records is left on disk if the restore is interrupted. PostgreSQL:
the server's own tools (pg_dump, pg_restore), found on the PATH, through pg_config, or in the usual Debian
folder; the archive is loaded and finished in one transaction (restore_pg.py).
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from assess.record.errors import DatabaseError
from assess.storage.db import (
    backup_sqlite,
    is_database_file,
    known_revisions,
    make_engine,
    refuse_lost_database,
    sqlite_path,
)
from assess.storage.interrupted import (
    interruptible,
    restore_running,
    sweep_interrupted,
    sweep_interrupted_dumps,
)
from assess.storage.restore_pg import load_archive, schema_tables
from assess.storage.schema_check import check_sqlite_connection, require_whole

# The services' part of a restore, run on the restored database before it goes live:
# finish(connection, revision of the backup, where the replaced database is kept).
Finish = Callable[[Connection, str, "Path | None"], None]


@dataclass(frozen=True)
class Restored:
    """What a restore did: the revision the backup was at, and where the replaced database was kept."""

    revision: str
    kept: Path | None  # None: there was no database to keep (an empty or missing file)


def _check_revision(revision: str | None, source: Path) -> str:
    if revision is None:
        raise DatabaseError(f"{source} holds no schema revision: not a backup of an assess database")
    if revision not in known_revisions():
        raise DatabaseError(f"{source} is at schema revision {revision}, unknown to this version of assess "
                            "(made by a newer one?); install that version to restore it")
    return revision


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


# --- SQLite ----------------------------------------------------------------------------------------

def check_sqlite_backup(source: Path) -> str:
    """The schema revision of a SQLite backup fit to restore; DatabaseError naming what is wrong otherwise."""
    if not source.is_file():
        raise DatabaseError(f"{source}: no such file")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            problems = [str(row[0]) for row in connection.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise DatabaseError(f"{source} is damaged (SQLite's check: {problems[0]}); it cannot be restored")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "patient"} <= tables:
                raise DatabaseError(f"{source} is a SQLite file but not an assess database (no patient table or "
                                    "no schema revision)")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = _check_revision(row[0] if row else None, source)
            check_sqlite_connection(connection, source, revision)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error):
            raise DatabaseError(f"{source} is damaged (SQLite's check: {error}); it cannot be restored") from None
        raise DatabaseError(f"{source} is not a readable SQLite database ({error})") from None
    return revision


def _healthy_sqlite(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [row[0] for row in connection.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False


def _staged(source: Path) -> sqlite3.Connection:
    """The backup copied into memory and checked there: what goes in is what was checked, and an interrupted
    restore leaves no copy of the records on disk."""
    stage = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            reader.backup(stage)
        finally:
            reader.close()
        problems = [str(row[0]) for row in stage.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise DatabaseError(f"{source} is damaged (SQLite's check: {problems[0]}); it cannot be restored")
        row = stage.execute("SELECT version_num FROM alembic_version").fetchone()
        check_sqlite_connection(stage, source, _check_revision(row[0] if row else None, source))
    except BaseException:
        stage.close()
        raise
    return stage


def _finish_in_memory(stage: sqlite3.Connection, revision: str, kept: Path | None, finish: Finish) -> None:
    engine = create_engine("sqlite://", creator=lambda: stage, poolclass=StaticPool)

    def foreign_keys(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    event.listen(engine, "connect", foreign_keys)
    with engine.begin() as connection:
        finish(connection, revision, kept)


def restore_sqlite(path: Path, source: Path, finish: Finish | None = None) -> Restored:
    """Replace the database file at `path` with the backup `source`, all or nothing.

    A healthy current file is copied aside, then overwritten in one SQLite transaction through the online
    backup (another program with the file open sees the old records or the restored ones, never a mix). A
    damaged one is moved aside, with its -wal and -shm, and the restored copy renamed into its place.
    """
    revision = check_sqlite_backup(source)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    sweep_interrupted(path)
    with interruptible(), restore_running(path):
        stage = _staged(source)  # checked again in memory: what goes in is what was checked
        try:
            present = path.exists() and path.stat().st_size > 0
            kept = path.with_name(f"{path.name}.before-restore-{_stamp()}.bak") if present else None
            if finish is not None:
                _finish_in_memory(stage, revision, kept, finish)
            if kept is None:
                _write_beside(stage, path)
                return Restored(revision, None)
            if _healthy_sqlite(path):
                backup_sqlite(path, kept)
                _copy_into_live(stage, path)
            else:
                fresh = _write_beside(stage, None, path)
                os.replace(path, kept)
                for suffix in ("-wal", "-shm"):  # an old -wal beside the new file would be replayed into it
                    side = path.with_name(path.name + suffix)
                    if side.exists():
                        os.replace(side, kept.with_name(kept.name + suffix))
                os.replace(fresh, path)
            return Restored(revision, kept)
        finally:
            stage.close()


def _write_beside(stage: sqlite3.Connection, target: Path | None, beside: Path | None = None) -> Path:
    """The staged database as a new file: at `target`, or (beside a damaged file) a hidden one to rename."""
    where = target if target is not None else beside
    assert where is not None
    fd, temporary = tempfile.mkstemp(dir=where.parent, prefix=f".{where.name}.restoring-", suffix=".tmp")
    os.close(fd)
    try:
        out = sqlite3.connect(temporary)
        try:
            stage.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
        if target is not None:
            os.replace(temporary, target)
            return target
        return Path(temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _copy_into_live(stage: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path, timeout=30)
    try:
        stage.backup(target)  # every page in one step: one write transaction on the target
    finally:
        target.close()


# --- PostgreSQL ------------------------------------------------------------------------------------

def pg_tool(name: str) -> Path | None:
    """A PostgreSQL client program: on the PATH, else beside the server (pg_config), else Debian's folder."""
    found = shutil.which(name)
    if found:
        return Path(found)
    folders = []
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        folders.append(result.stdout.strip())
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in folders:
        candidate = Path(folder) / name
        if folder and candidate.is_file():
            return candidate
    return None


def _require(name: str) -> Path:
    tool = pg_tool(name)
    if tool is None:
        raise DatabaseError(f"{name} is not installed on this computer: install the PostgreSQL client tools "
                            "(Debian: apt-get install postgresql-client), or back up and restore on the server")
    return tool


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The connection string for the PostgreSQL tools, and an environment that carries the password (a
    password on the command line would show in the process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise DatabaseError(f"{what} failed: {lines[-1] if lines else f'exit status {result.returncode}'}")
    return result.stdout


def backup_postgres(url: str, target: Path) -> Path:
    """A pg_dump archive (custom format) of the database, written whole or not at all."""
    pg_dump = _require("pg_dump")
    connection, env = _libpq(make_url(url))
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        _run([str(pg_dump), "--format=custom", f"--file={temporary}", connection], env, "pg_dump")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


_COPY_REVISION = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.", re.M | re.S)


def _copy_rows(data: str, table: str) -> int | None:
    found = re.search(rf"^COPY \S*{table} \(.*?\) FROM stdin;\n(.*?)^\\\.", data, re.M | re.S)
    return None if found is None else len(found.group(1).splitlines())


def check_postgres_backup(source: Path) -> str:
    """The schema revision of a pg_dump archive fit to restore; DatabaseError naming what is wrong otherwise."""
    if not source.is_file():
        raise DatabaseError(f"{source}: no such file")
    pg_restore = _require("pg_restore")
    env = dict(os.environ)
    listing = _run([str(pg_restore), "--list", str(source)], env, f"reading {source} as a pg_dump archive")
    tables = set(re.findall(r"TABLE (?:DATA )?\S+ (\w+) ", listing))
    if not {"alembic_version", "patient"} <= tables:
        raise DatabaseError(f"{source} is a pg_dump archive but not of an assess database (no patient table or no "
                            "schema revision)")
    data = _run([str(pg_restore), "--data-only", "--table=alembic_version", "--table=audit_head", "--file=-",
                 str(source)], env, f"reading the schema revision of {source}")
    found = _COPY_REVISION.search(data)
    revision = _check_revision(found.group(1).strip() if found and found.group(1).strip() else None, source)
    schema = _run([str(pg_restore), "--schema-only", "--file=-", str(source)], env, f"reading the tables of {source}")
    require_whole(source, revision, schema_tables(schema), _copy_rows(data, "audit_head") or 0
                  if "audit_head" in tables else None)
    return revision


def restore_postgres(url: str, source: Path, keep_folder: Path, finish: Finish | None = None) -> Restored:
    """Replace the database's tables with those of the archive, in one transaction: all of it or none of it.

    The current database is dumped to keep_folder first. pg_restore's SQL is streamed into a transaction
    that first drops assess's current tables and ends with `finish`; nothing of the records touches the disk.
    """
    revision = check_postgres_backup(source)
    pg_restore = _require("pg_restore")
    sweep_interrupted_dumps(keep_folder)
    with interruptible():
        kept = backup_postgres(url, keep_folder / f"{make_url(url).database}.before-restore-{_stamp()}.dump")
        engine = make_engine(url)
        try:
            with engine.connect() as connection, connection.begin():
                load_archive(connection, pg_restore, source,
                             lambda c: finish(c, revision, kept) if finish is not None else None)
        except BaseException:
            kept.unlink(missing_ok=True)  # nothing was replaced: no copy of it to keep
            raise
        finally:
            engine.dispose()
    return Restored(revision, kept)


# --- either ----------------------------------------------------------------------------------------

def upgrade_connection(connection: Connection) -> None:
    """Migrate the database behind `connection` to the newest schema, inside its open transaction (a
    restored database is upgraded before it goes live)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def backup_database(url: str, target: Path) -> Path:
    if not target.parent.is_dir():
        raise DatabaseError(f"{target}: folder {target.parent} does not exist")
    if is_database_file(url, target):
        raise DatabaseError(f"{target} is the database itself: a backup written there would replace it; "
                            "choose another file")
    path = sqlite_path(url)
    if path is not None:
        return backup_sqlite(path, target)
    return backup_postgres(url, target)


def refuse_target(url: str, source: Path) -> None:
    """DatabaseError for a restore that would keep nothing (an in-memory target) or read the database itself."""
    refuse_lost_database(url, create=True)
    if is_database_file(url, source):
        raise DatabaseError(f"{source} is the database itself, not a backup of it; nothing was changed")


def check_backup(url: str, source: Path) -> str:
    """The backup's schema revision when it is fit to restore into this kind of database (every table and
    column of its revision, the audit trail's head); DatabaseError naming what is wrong otherwise."""
    refuse_target(url, source)
    if sqlite_path(url) is not None:
        return check_sqlite_backup(source)
    _postgres_only(url)
    return check_postgres_backup(source)


def _postgres_only(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        raise DatabaseError(f"restoring is supported for SQLite and PostgreSQL, not {make_url(url).drivername}")


def restore_database(url: str, source: Path, finish: Finish | None = None) -> Restored:
    """Restore the backup into the database at url; the replaced database is kept beside it (SQLite) or
    beside the backup file (PostgreSQL). `finish` prepares the restored database before it goes live."""
    refuse_target(url, source)
    path = sqlite_path(url)
    if path is not None:
        return restore_sqlite(path, source, finish)
    _postgres_only(url)
    return restore_postgres(url, source, source.resolve().parent, finish)
