"""A database at schema 0003_trust with records in it is upgraded: the worklist's tables come empty, and the
first reader works every patient's due items out (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from pg_cluster import PostgresServer
from sqlalchemy import Engine, func, select, text

from assess.services import due, worklist
from assess.services.demo import add_demo_patients
from assess.storage.db import SCHEMA_REVISION, current_revision, make_engine, open_database

BEFORE = "0003_trust"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'before.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database())


def _at(url: str, revision: str) -> Engine:
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine


def test_an_upgraded_database_gets_its_due_items_at_the_first_read(empty_url: str, tmp_path: Path) -> None:
    from test_migration_from_first import _copy_rows  # the rows of today's records, copied into the old schema

    before = _at(empty_url, BEFORE)
    with before.begin() as connection:  # the chain's head comes with the copied events
        connection.execute(text("DELETE FROM audit_head"))
    scratch = open_database(f"sqlite:///{tmp_path / 'scratch.db'}")
    with scratch.transaction() as session:
        add_demo_patients(session, 15)
    assert _copy_rows(scratch.engine, before) > 1000
    scratch.close()
    before.dispose()

    db = open_database(empty_url)
    try:
        assert current_revision(db.engine) == SCHEMA_REVISION
        today = dt.date.today()
        with db.transaction() as session:
            assert session.execute(select(func.count()).select_from(due.STATE)).scalar() == 0
            assert len(due.stale_ids(session, today)) == 15
            items = worklist.worklist(session, today)
            assert items and due.stale_ids(session, today) == []
    finally:
        db.close()
