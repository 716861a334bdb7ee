"""Backups a clinic can rely on: a consistent copy taken while assess is in use, and a restore that checks the
backup before it replaces anything, keeps a copy of what it replaces, and never leaves half of each.

SQLite: SQLite's online backup, both ways. PostgreSQL: the server's own tools (pg_dump, pg_restore, psql),
found on the PATH, through pg_config, or in the usual Debian folder.
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
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from assess.record.errors import DatabaseError
from assess.storage.db import (
    backup_sqlite,
    is_database_file,
    known_revisions,
    make_engine,
    refuse_lost_database,
    sqlite_path,
)


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
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error):
            raise DatabaseError(f"{source} is damaged (SQLite's check: {error}); it cannot be restored") from None
        raise DatabaseError(f"{source} is not a readable SQLite database ({error})") from None
    return _check_revision(row[0] if row else None, source)


def _healthy_sqlite(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [row[0] for row in connection.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False


def restore_sqlite(path: Path, source: Path) -> Restored:
    """Replace the database file at `path` with the backup `source`, all or nothing.

    A healthy current file is copied aside, then overwritten in one SQLite transaction through the online
    backup (another program with the file open sees the old records or the restored ones, never a mix). A
    damaged one is moved aside, with its -wal and -shm, and the checked copy renamed into its place.
    """
    revision = check_sqlite_backup(source)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The backup is first copied beside the database and checked again there: what goes in is what was checked.
    staged = backup_sqlite(source, path.with_name(f".{path.name}.restoring-{_stamp()}"))
    try:
        check_sqlite_backup(staged)
        if not path.exists() or path.stat().st_size == 0:
            os.replace(staged, path)
            return Restored(revision, None)
        kept = path.with_name(f"{path.name}.before-restore-{_stamp()}.bak")
        if _healthy_sqlite(path):
            backup_sqlite(path, kept)
            _copy_into_live(staged, path)
        else:
            os.replace(path, kept)
            for suffix in ("-wal", "-shm"):  # an old -wal beside the new file would be replayed into it
                side = path.with_name(path.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
            os.replace(staged, path)
        return Restored(revision, kept)
    finally:
        staged.unlink(missing_ok=True)


def _copy_into_live(staged: Path, path: Path) -> None:
    source = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(path, timeout=30)
        try:
            source.backup(target)  # every page in one step: one write transaction on the target
        finally:
            target.close()
    finally:
        source.close()


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
    data = _run([str(pg_restore), "--data-only", "--table=alembic_version", "--file=-", str(source)], env,
                f"reading the schema revision of {source}")
    found = _COPY_REVISION.search(data)
    return _check_revision(found.group(1).strip() if found and found.group(1).strip() else None, source)


def restore_postgres(url: str, source: Path, keep_folder: Path) -> Restored:
    """Replace the database's tables with those of the archive, in one transaction: all of it or none of it.

    The current database is dumped to keep_folder first. The archive becomes a SQL script (pg_restore) that
    psql runs after dropping assess's current tables, as a single transaction stopped at the first error.
    """
    revision = check_postgres_backup(source)
    pg_restore, psql = _require("pg_restore"), _require("psql")
    kept = backup_postgres(url, keep_folder / f"{make_url(url).database}.before-restore-{_stamp()}.dump")
    connection, env = _libpq(make_url(url))
    engine = make_engine(url)
    try:
        with engine.connect() as live:
            current = inspect(live).get_table_names(schema="public")
    finally:
        engine.dispose()
    with tempfile.TemporaryDirectory(prefix="assess-restore-") as folder:  # 0700: the script holds records
        drop = Path(folder) / "drop.sql"
        drop.write_text("".join(f'DROP TABLE IF EXISTS public."{name}" CASCADE;\n' for name in current))
        script = Path(folder) / "restore.sql"
        _run([str(pg_restore), "--no-owner", "--no-privileges", f"--file={script}", str(source)], env,
             f"reading {source}")
        _run([str(psql), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
              f"--file={drop}", f"--file={script}", connection], env, "restoring with psql (nothing was changed)")
    return Restored(revision, kept)


# --- either ----------------------------------------------------------------------------------------

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


def restore_database(url: str, source: Path) -> Restored:
    """Restore the backup into the database at url; the replaced database is kept beside it (SQLite) or
    beside the backup file (PostgreSQL)."""
    refuse_lost_database(url, create=True)
    if is_database_file(url, source):
        raise DatabaseError(f"{source} is the database itself, not a backup of it; nothing was changed")
    path = sqlite_path(url)
    if path is not None:
        return restore_sqlite(path, source)
    if make_url(url).get_backend_name() != "postgresql":
        raise DatabaseError(f"restoring is supported for SQLite and PostgreSQL, not {make_url(url).drivername}")
    return restore_postgres(url, source, source.resolve().parent)
