"""A pg_dump archive restored into a PostgreSQL database as one transaction, with nothing written to disk.

pg_restore turns the archive into SQL on its standard output; each statement, and the rows of each COPY,
go straight to the server through the connection's own transaction, after assess's current tables are
dropped in that same transaction. The caller's `finish` then runs inside it too (upgrade the schema, keep
the users, record the restore), so the database is either as it was or wholly restored.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, inspect

from assess.record.errors import DatabaseError

_COPY = re.compile(r"^COPY \S+ \(.*\) FROM stdin;$")
_TABLE = re.compile(r'^CREATE TABLE public\.("?)(\w+)\1 \($')
_COLUMN = re.compile(r'^    ("?)(\w+)\1 ')


def _statements(lines: Iterator[str]) -> Iterator[tuple[str, list[str]]]:
    """(statement, COPY rows) in the order pg_restore writes them; comments and psql's \\ lines left out."""
    buffer: list[str] = []
    for line in lines:
        if not buffer and (not line.strip() or line.startswith(("--", "\\"))):
            continue
        buffer.append(line)
        if not line.rstrip("\n").endswith(";"):
            continue
        statement = "".join(buffer).strip()
        buffer = []
        rows: list[str] = []
        if _COPY.match(statement):
            for row in lines:
                if row.rstrip("\n") == "\\.":
                    break
                rows.append(row)
        yield statement, rows
    if buffer:
        raise DatabaseError("the archive's SQL ended in the middle of a statement; nothing was changed")


def schema_tables(script: str) -> dict[str, frozenset[str]]:
    """Table -> columns named in a schema-only script (pg_restore --schema-only)."""
    tables: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in script.splitlines():
        found = _TABLE.match(line)
        if found:
            current = tables.setdefault(found.group(2), set())
            continue
        if current is not None:
            if line.startswith(");"):
                current = None
            elif (column := _COLUMN.match(line)) and column.group(2) != "CONSTRAINT":
                current.add(column.group(2))
    return {name: frozenset(columns) for name, columns in tables.items()}


def load_archive(connection: Connection, pg_restore: Path, source: Path,
                 finish: Callable[[Connection], None]) -> None:
    """Inside the connection's open transaction: drop assess's tables, load the archive, then `finish`."""
    connection.exec_driver_sql("SET LOCAL lock_timeout = '30s'")  # an open window elsewhere: said, not hung
    for name in inspect(connection).get_table_names(schema="public"):
        connection.exec_driver_sql(f'DROP TABLE IF EXISTS public."{name}" CASCADE')
    raw = connection.connection.driver_connection
    assert raw is not None
    process = subprocess.Popen([str(pg_restore), "--no-owner", "--no-privileges", "--file=-", str(source)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        stdout: IO[str] = process.stdout  # type: ignore[assignment]
        with raw.cursor() as cursor:
            for statement, rows in _statements(iter(stdout)):
                if rows or _COPY.match(statement):
                    with cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write(row)
                else:
                    cursor.execute(statement)  # no parameters: the text goes to the server as it is
        _, errors = process.communicate()
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        lines = [line for line in errors.strip().splitlines() if line.strip()]
        raise DatabaseError(f"reading {source} failed: {lines[-1] if lines else process.returncode}; nothing was "
                            "changed")
    # pg_restore's script empties the search path for its session; assess's own statements need it back.
    connection.exec_driver_sql("SELECT pg_catalog.set_config('search_path', '\"$user\", public', true)")
    finish(connection)
