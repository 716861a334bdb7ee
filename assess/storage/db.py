"""Opening a database: the default SQLite file or a clinic's PostgreSQL server, migrated on start."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assess.record.actor import Actor
from assess.record.errors import DatabaseError
from assess.storage import sqlite_guard

ENV_URL = "ASSESS_DATABASE_URL"
# The newest migration in assess/migrations/versions; a test keeps the two in step. Comparing with it
# spares start-up the import of Alembic when the schema is already current (the common case).
SCHEMA_REVISION = "0008_seals"


def default_database_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("assess", appauthor=False)) / "assess.db"


def database_url(explicit: str | None = None) -> str:
    """--db URL, else ASSESS_DATABASE_URL, else the SQLite file in the user's data folder."""
    if explicit:
        return explicit
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    return f"sqlite:///{default_database_path()}"


def chosen_explicitly(explicit: str | None) -> bool:
    """Whether the database was named (--db, ASSESS_DATABASE_URL) rather than the default first-run file."""
    return bool(explicit or os.environ.get(ENV_URL))


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def refuse_lost_database(url: str, create: bool) -> None:
    """SQLite setups that would silently keep nothing: an in-memory database, or (named explicitly) a file that
    is missing or empty, where a typing slip would start a new, empty database beside the clinic's."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError:
        return  # make_engine says what is wrong with it
    if parsed.get_backend_name() != "sqlite":
        return
    path = sqlite_path(url)
    if path is None or parsed.query.get("mode") == "memory" or ":memory:" in str(path):
        raise DatabaseError(f"{url!r} is an in-memory database: everything written to it is lost when assess "
                            "ends; name a file instead, e.g. sqlite:///path/to/assess.db")
    if create:
        return
    hint = f"to start a new database there, run: assess --db {url} db upgrade"
    if not path.exists():
        raise DatabaseError(f"the database file {path} does not exist (nothing was created); {hint}")
    if path.is_file() and path.stat().st_size == 0:
        raise DatabaseError(f"the database file {path} is empty (0 bytes), not an assess database; {hint}")


def database_files(url: str) -> tuple[Path, ...]:
    """The SQLite file and its journals (nothing for a server): files a report or backup must not replace."""
    path = sqlite_path(url)
    return () if path is None else (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")))


def is_database_file(url: str, target: Path) -> bool:
    """Whether `target` is the database's own file or journal: never to be written over, nor read as a document
    (opening and closing it in a process that holds the database would drop that process's locks)."""
    resolved = os.path.realpath(target)
    for own in database_files(url):
        if resolved == os.path.realpath(own) or (own.exists() and target.exists() and os.path.samefile(own, target)):
            return True
    return False


def _prepare_sqlite_file(path: Path) -> None:
    """Create folder and file readable by the owner only: they hold health records."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache: index upkeep during large imports
    # Every page read is checked by SQLite as it is loaded (its header, its free blocks, and with this its cells'
    # extents), so a damaged page that a command reads is refused, not misread: what protects every command
    # without reading the whole file (the whole-file quick_check runs at the window's start and in upkeep).
    cursor.execute("PRAGMA cell_size_check=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for SQLite (foreign keys on, WAL) or PostgreSQL; the same code serves both."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError as error:
        raise DatabaseError(f"not a database URL: {url!r} ({error})") from None
    path = sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path)
    try:
        engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except (SQLAlchemyError, ImportError) as error:
        raise DatabaseError(f"cannot use database {parsed.render_as_string(hide_password=True)}: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        if path is not None:
            sqlite_guard.watch(engine, path)  # after _on_sqlite_connect: its connections are in WAL mode
    return engine


def _reason(error: SQLAlchemyError) -> str:
    """The driver's own first line ('file is not a database', 'connection refused'), not SQLAlchemy's dump."""
    original = getattr(error, "orig", None)
    text_ = str(original if original is not None else error).strip()
    return text_.splitlines()[0] if text_ else type(error).__name__


def _is_damage(error: SQLAlchemyError) -> bool:
    """SQLite's SQLITE_CORRUPT ('database disk image is malformed'): a page it refused as it read it."""
    code = getattr(getattr(error, "orig", None), "sqlite_errorcode", None)
    return (isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_CORRUPT) or "malformed" in _reason(error)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite file, taken with SQLite's online backup (safe while in use).

    The copy is one self-contained file (no -wal beside it), private to the user, and appears whole or not
    at all: it is written beside the target and renamed over it at the end.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)  # mkstemp made it 0600: SQLite writes into the file as it is
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # WAL stays a property of the live file, not of a copy
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def damaged_message(path: Path, problem: str, what: str = "nothing was changed") -> str:
    return (f"the database file {path} is damaged (SQLite's check: {problem}); {what}. "
            "Restore the latest backup with 'assess db restore FILE' (a copy of this file is taken first)")


def quick_check(engine: Engine, path: Path, full: bool = False) -> None:
    """SQLite's own check of the whole file's structure (pages, indexes' order, NOT NULL and CHECK constraints;
    with `full`, integrity_check: also that every index holds exactly its table's rows).

    Run at the window's start, before an upgrade, a backup or a restore, and by 'assess db check', so a damaged
    file (a disk fault, a copy taken mid-write) is named early rather than failing a save later, or an upgrade
    making it worse. About 4 ms per MB: 10 s for a 100,000-patient file, so not before every command.
    """
    try:
        with engine.connect() as connection:
            pragma = "integrity_check" if full else "quick_check"
            problems = [str(row[0]) for row in connection.exec_driver_sql(f"PRAGMA {pragma}(5)")]
    except SQLDatabaseError as error:
        if "not a database" in _reason(error):
            raise  # some other file altogether, not a damaged database: said as such by open_database
        problems = [_reason(error)]
    if problems != ["ok"]:
        raise DatabaseError(damaged_message(path, problems[0]))


def known_revisions() -> list[str]:
    """The schema revisions this version of assess can open (oldest first): older ones are upgraded at start."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


def upgrade(engine: Engine, url: str) -> Path | None:
    """Bring the schema to the newest revision; back the SQLite file up first. Returns the backup."""
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return None
    if revision is not None and revision not in known_revisions():
        # Another workstation runs a newer assess and upgraded the shared database: this one must not touch it.
        raise DatabaseError(f"the database is at schema revision {revision}, made by a newer version of assess "
                            f"than this one (which knows up to {SCHEMA_REVISION}); install the newer version on "
                            "this computer. Nothing was changed.")
    backup: Path | None = None
    path = sqlite_path(url)
    if path is not None and _has_tables(engine):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_sqlite(path, path.with_name(f"{path.name}.before-{revision or 'unversioned'}-{stamp}.bak"))
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    try:
        # One transaction: on SQLite and PostgreSQL a failed migration leaves the schema as it was.
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as error:
        saved = f"; a copy taken before was saved as {backup}" if backup else ""
        raise DatabaseError(f"the database could not be upgraded from revision {revision or 'none'} "
                            f"({_reason(error)}); it was left unchanged{saved}") from None
    return backup


@dataclass
class Database:
    """An open, migrated database and the factory of sessions for it."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    # Who is logged in (None: nobody yet). Every transaction carries it in session.info["actor"], so the
    # services check permissions and write the audit trail without an extra argument.
    actor: Actor | None = None

    @property
    def kind(self) -> str:
        return self.engine.dialect.name

    def check_file(self, full: bool = False) -> None:
        """SQLite's quick_check of the file (DatabaseError naming it when damaged); nothing for a server."""
        path = sqlite_path(self.url)
        if path is not None:
            quick_check(self.engine, path, full)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back whole on any error.

        A refusal or failure of the database itself (a constraint, a lost server) comes out as a
        DatabaseError that says nothing was saved, so no shell ever shows a driver's traceback.
        Its reads see each other workstation's commits as they land (a change takes the record's lock
        first, then reads what it changes): for a read that must be of one moment, `read`.
        """
        with self._unit(snapshot=False) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read of the record as it stood at one moment, however many queries it takes.

        A record is read in several queries (the visits, their findings, the treatments, their injections...).
        Read as separate statements, a save committed between two of them from another workstation or
        program gives a record that never existed: a toxin session without its injections, a visit's findings
        of one save and its scores of the next (measured: a correction read while another was saved). Here
        every query sees the same snapshot: PostgreSQL's REPEATABLE READ, read-only (a write in it is refused
        by the server); on SQLite one read transaction (BEGIN), whose WAL snapshot holds until it ends.
        Nothing may be written in it.
        """
        with self._unit(snapshot=True) as session:
            yield session

    @contextmanager
    def _unit(self, snapshot: bool) -> Iterator[Session]:
        sqlite_guard.write_unproven(self.engine)  # a flag left by a transaction that failed is not this one's
        try:
            with self.sessions.begin() as session:
                session.info["actor"] = self.actor
                if snapshot:
                    _begin_snapshot(session)
                yield session
        except SQLAlchemyError as error:
            reason, path = _reason(error), sqlite_path(self.url)
            if path is not None and (_is_damage(error) or "disk I/O error" in reason):
                # A page SQLite refused as it read it: the file is damaged, or this process read it through
                # connections another program made stale (sqlite_guard has marked them, so the next use reopens
                # them). Trying again tells which; only then is restoring a backup (and losing since) the answer.
                raise DatabaseError(f"the database file {path} could not be read ({reason}): nothing was saved; "
                                    "assess has reopened it, so try again. If this happens again, the file is "
                                    "damaged: restore the latest backup with 'assess db restore FILE' (a copy of "
                                    "this file is taken first)") from error
            if isinstance(error, IntegrityError) and ("UNIQUE" in reason or "duplicate key" in reason):
                raise DatabaseError("nothing was saved: the same record was stored at the same moment from another "
                                    f"workstation or program ({reason}); reload, then try again") from error
            raise DatabaseError(f"the database did not accept the change, nothing was saved: {reason}") from error
        if sqlite_guard.write_unproven(self.engine):
            raise DatabaseError("the change could not be confirmed as saved: another program replaced the "
                                "database's journal file while it was written; assess has reopened the database, "
                                "save again")

    def describe(self) -> str:
        path = sqlite_path(self.url)
        return str(path) if path is not None else make_url(self.url).render_as_string(hide_password=True)

    def refresh_statistics(self) -> None:
        """After a bulk load (demo patients, a large import): PostgreSQL's planner statistics brought up to date at
        once. Autovacuum analyzes new rows only some time later, and a query planned before it can read far more
        than it needs (measured: one patient's history in 0.9 s, 11 ms of it this process's CPU, on a copy of a
        100,000-patient clinic taken before autovacuum had analyzed its load). SQLite plans from the indexes alone
        (assess keeps no sqlite_stat tables), so there is nothing to do there."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))

    def close(self) -> None:
        self.engine.dispose()
        sqlite_guard.unwatch(self.engine)


def _begin_snapshot(session: Session) -> None:
    """Start the session's transaction as one snapshot for all its reads (see Database.read)."""
    if session.get_bind().dialect.name == "postgresql":
        # Set on the connection before its transaction begins; SQLAlchemy puts both back when it is returned.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True})
    else:
        # pysqlite begins a transaction only before a write, so each SELECT would otherwise see the file as it is
        # at that statement. An explicit BEGIN: the first read takes the snapshot, COMMIT (or ROLLBACK) ends it.
        session.connection().exec_driver_sql("BEGIN")


def open_database(url: str | None = None, migrate: bool = True, check_file: bool = True,
                  create: bool = True, require_current: bool = True) -> Database:
    """Open (creating and migrating on first use) the database at url, or the default one.

    A SQLite file is checked first (quick_check). Without `check_file` the caller runs `Database.check_file`
    itself (the window does, beside its start: the check reads the whole file); a file about to be
    upgraded is checked here all the same, so a damaged file is never migrated. Without `create`, a SQLite
    file that is missing or empty is refused instead of started afresh (a database named by the user).
    An in-memory SQLite database is always refused: it would keep nothing. With neither `migrate` nor
    `require_current`, an older schema opens as it is (a clinician logs in before it is upgraded).
    """
    resolved = database_url(url)
    refuse_lost_database(resolved, create)
    engine = make_engine(resolved)
    path = sqlite_path(resolved)
    try:
        if path is not None and (check_file or (migrate and current_revision(engine) != SCHEMA_REVISION)):
            quick_check(engine, path)
        if migrate:
            upgrade(engine, resolved)
        elif require_current and current_revision(engine) != SCHEMA_REVISION:
            raise DatabaseError(
                f"the database {resolved} needs an upgrade: run 'assess --db URL db upgrade'")
    except SQLDatabaseError as error:
        engine.dispose()
        if path is not None and _is_damage(error):
            raise DatabaseError(damaged_message(path, _reason(error))) from None
        raise DatabaseError(f"cannot open the database {make_url(resolved).render_as_string()}: "
                            f"{_reason(error)}") from None
    except DatabaseError:
        engine.dispose()
        raise
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))
