"""Does a backup hold every table and column of its schema revision? Checked before a restore replaces anything.

What a revision should hold is not written down twice: the migrations build it, here into a scratch
SQLite database in memory (once per revision and process), and its tables and columns are compared with
the backup's. A backup missing the audit trail, the users table or a column is refused, naming what is
missing, instead of being restored into a database where every login then fails.
"""

from __future__ import annotations

import functools
import sqlite3

from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import StaticPool

from assess.record.errors import DatabaseError


def _memory_engine(connection: sqlite3.Connection):  # type: ignore[no-untyped-def]
    return create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)


@functools.cache
def expected_schema(revision: str) -> dict[str, frozenset[str]]:
    """Table -> columns of a database migrated to `revision` (alembic_version included)."""
    from alembic import command
    from alembic.config import Config

    scratch = sqlite3.connect(":memory:", check_same_thread=False)
    engine = _memory_engine(scratch)
    try:
        config = Config()
        config.set_main_option("script_location", "assess.storage:migrations")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        with engine.connect() as connection:
            found = inspect(connection)
            return {name: frozenset(c["name"] for c in found.get_columns(name)) for name in found.get_table_names()}
    finally:
        engine.dispose()
        scratch.close()


def missing_parts(revision: str, tables: dict[str, frozenset[str]]) -> list[str]:
    """What a backup at `revision` lacks of that revision's schema, in words ('table audit_event')."""
    missing = []
    for table, columns in sorted(expected_schema(revision).items()):
        if table not in tables:
            missing.append(f"table {table}")
            continue
        missing += [f"column {table}.{c}" for c in sorted(columns - tables[table])]
    return missing


def require_whole(source: object, revision: str, tables: dict[str, frozenset[str]],
                  head_rows: int | None) -> None:
    """DatabaseError naming what is missing; `head_rows`: rows of audit_head (None: the revision has none)."""
    missing = missing_parts(revision, tables)
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        raise DatabaseError(f"{source} is not a whole backup of schema revision {revision}: it lacks {shown}; "
                            "nothing was changed")
    if head_rows is not None and head_rows != 1:
        raise DatabaseError(f"{source} is not a whole backup: its audit trail has no head row (audit_head holds "
                            f"{head_rows} rows, not 1); nothing was changed")


def sqlite_tables(connection: sqlite3.Connection) -> dict[str, frozenset[str]]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: frozenset(row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')) for name in names}


def check_sqlite_connection(connection: sqlite3.Connection, source: object, revision: str) -> None:
    tables = sqlite_tables(connection)
    head = None
    if "audit_head" in expected_schema(revision) and "audit_head" in tables:
        head = int(connection.execute("SELECT count(*) FROM audit_head").fetchone()[0])
    require_whole(source, revision, tables, head)
