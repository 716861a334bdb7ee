"""A database made by the first release (schema 0001_initial) and filled with records is upgraded to the newest
schema, whatever that is, with every record intact: on SQLite and on PostgreSQL.

The records are written into the first schema's own tables as they stand in that database (reflected from
it, not from today's models), so the test keeps working as later migrations add or change tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from pg_cluster import PostgresServer
from samples import sample_document
from sqlalchemy import Engine, MetaData, insert, select, text

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import PatientDetails
from assess.services.demo import add_demo_patients
from assess.services.interchange import export_records, import_records
from assess.services.patients import create_patient
from assess.storage.db import SCHEMA_REVISION, Database, current_revision, make_engine, open_database
from assess.storage.models import Base

FIRST = "0001_initial"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'first.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database())


def _at_first_schema(url: str) -> Engine:
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, FIRST)
    return engine


def _records_of_today(tmp_path: Path) -> Database:
    """Sample and demo patients in a scratch database of today's schema: the rows to copy back in time."""
    scratch = open_database(f"sqlite:///{tmp_path / 'scratch.db'}")
    with scratch.transaction() as session:
        import_records(session, read_document(sample_document()))
        add_demo_patients(session, 12)
    return scratch


def _copy_rows(source: Engine, target: Engine) -> int:
    """Every row of every table the first schema has, with the columns it has; returns the rows copied."""
    old, new = MetaData(), MetaData()
    old.reflect(target)
    new.reflect(source)
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        for model_table in Base.metadata.sorted_tables:  # parents before children
            if model_table.name not in old.tables:
                continue
            old_table, new_table = old.tables[model_table.name], new.tables[model_table.name]
            columns = [c.name for c in old_table.columns if c.name in new_table.columns]
            rows = [dict(row._mapping) for row in reading.execute(select(*(new_table.c[c] for c in columns)))]
            if rows:
                writing.execute(insert(old_table), rows)
                copied += len(rows)
            if target.dialect.name == "postgresql" and "id" in columns:  # as the first release's inserts left them
                writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{old_table.name}', 'id'), "
                                     f"(SELECT coalesce(max(id), 0) + 1 FROM {old_table.name}), false)"))
    return copied


def test_every_record_of_a_first_schema_database_is_intact_after_upgrading_to_the_newest(
        empty_url: str, tmp_path: Path) -> None:
    first = _at_first_schema(empty_url)
    assert current_revision(first) == FIRST
    scratch = _records_of_today(tmp_path)
    with scratch.transaction() as session:
        expected = write_document(export_records(session))
    assert _copy_rows(scratch.engine, first) > 1000
    scratch.close()
    first.dispose()

    db = open_database(empty_url)  # what a clinic's first start of the new version does
    try:
        assert current_revision(db.engine) == SCHEMA_REVISION
        with db.transaction() as session:
            assert write_document(export_records(session)) == expected
        with db.transaction() as session:  # and the upgraded database takes new records
            create_patient(session, PatientDetails("NEW-1", "After", "Upgrade", read_document(sample_document())[0]
                                                   .details.birth_date, "male", "stroke"))
    finally:
        db.close()
    if empty_url.startswith("sqlite"):
        assert list(tmp_path.glob(f"first.db.before-{FIRST}-*.bak"))  # the file was copied before the upgrade
