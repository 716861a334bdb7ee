"""Upgrading a 0003 database that holds the same orthosis several times (as concurrent imports stored it):
the copies are merged into one row without losing what any of them said, and the identity is unique from then
on; on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from pg_cluster import PostgresServer
from samples import sample_document
from sqlalchemy import MetaData, insert, select, text

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.errors import DatabaseError
from assess.services.interchange import export_records, import_records
from assess.storage.db import SCHEMA_REVISION, current_revision, make_engine, open_database

BEFORE = "0003_trust"
DAY = dt.date(2025, 7, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'clinic.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database())


def _database_at_0003_with_duplicates(url: str) -> None:
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, BEFORE)
        db_tables = MetaData()
        db_tables.reflect(engine)
        orthosis = db_tables.tables["orthosis_period"]
        patient = db_tables.tables["patient"]
        with engine.begin() as connection:
            now = dt.datetime(2025, 7, 1, 9, 0)
            ids = [connection.execute(insert(patient).values(
                mrn=mrn, family_name="Okafor", given_name="Ada", birth_date=dt.date(2015, 6, 1), sex="female",
                diagnosis="cerebral_palsy", search_key=f"okafor ada {mrn.lower()}", created_at=now, updated_at=now,
                version=1).returning(patient.c.id)).scalar_one() for mrn in ("M-1", "M-2")]
            rows = [
                # four identical copies, as four imports at once stored them
                *[{"patient_id": ids[0], "orthosis": "splint", "side": "left", "start": DAY,
                   "body_region": "wrist", "end": None, "notes": None}] * 4,
                # copies that differ: the end date only one has, another end date, their own notes
                {"patient_id": ids[0], "orthosis": "brace", "side": None, "start": DAY, "body_region": None,
                 "end": None, "notes": "night brace"},
                {"patient_id": ids[0], "orthosis": "brace", "side": None, "start": DAY, "body_region": "knee",
                 "end": dt.date(2025, 9, 1), "notes": None},
                {"patient_id": ids[0], "orthosis": "brace", "side": None, "start": DAY, "body_region": "knee",
                 "end": dt.date(2025, 10, 1), "notes": "refitted"},
                # not copies: another side, another patient, another day
                {"patient_id": ids[0], "orthosis": "splint", "side": "right", "start": DAY, "body_region": "wrist",
                 "end": None, "notes": None},
                {"patient_id": ids[1], "orthosis": "splint", "side": "left", "start": DAY, "body_region": "wrist",
                 "end": None, "notes": None},
                {"patient_id": ids[0], "orthosis": "splint", "side": "left", "start": DAY + dt.timedelta(days=1),
                 "body_region": "wrist", "end": None, "notes": None},
            ]
            connection.execute(insert(orthosis), rows)
    finally:
        engine.dispose()


def test_duplicate_orthoses_are_merged_and_then_refused(empty_url: str) -> None:
    _database_at_0003_with_duplicates(empty_url)
    db = open_database(empty_url)  # upgraded at start
    try:
        assert current_revision(db.engine) == SCHEMA_REVISION
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                'SELECT p.mrn, o.orthosis, o.side, o.start, o.body_region, o."end", o.notes FROM orthosis_period o '
                "JOIN patient p ON p.id = o.patient_id ORDER BY p.mrn, o.start, o.orthosis, o.side")).all()
        shown = [(mrn, kind, side, str(start)[:10], region, str(end)[:10] if end else None, notes)
                 for mrn, kind, side, start, region, end, notes in rows]
        assert shown == [
            ("M-1", "brace", None, "2025-07-01", "knee", "2025-09-01",
             "night brace (merged at upgrade with a copy that also said: end 2025-10-01; refitted)"),
            ("M-1", "splint", "left", "2025-07-01", "wrist", None, None),
            ("M-1", "splint", "right", "2025-07-01", "wrist", None, None),
            ("M-1", "splint", "left", "2025-07-02", "wrist", None, None),
            ("M-2", "splint", "left", "2025-07-01", "wrist", None, None),
        ]
        with db.transaction() as session:  # the database's own export imports again: all already stored
            exported = write_document(export_records(session))
            report = import_records(session, read_document(exported), dry_run=True)
        assert report.total("treatments") == 0 and report.total("unchanged_treatments") == 5
        for kind, side in (("splint", "'left'"), ("brace", "NULL")):  # unique from now on, with a side or without
            with pytest.raises(DatabaseError, match="the same record was stored at the same moment"), \
                    db.transaction() as session:
                session.execute(text(
                    "INSERT INTO orthosis_period (patient_id, orthosis, side, start) "
                    f"SELECT id, '{kind}', {side}, '2025-07-01' FROM patient WHERE mrn = 'M-1'"))
    finally:
        db.close()


def test_an_upgraded_database_still_takes_the_sample_records(empty_url: str) -> None:
    _database_at_0003_with_duplicates(empty_url)
    db = open_database(empty_url)
    try:
        with db.transaction() as session:
            report = import_records(session, read_document(sample_document()))
        assert report.new_patients == 2
        with db.engine.connect() as connection:
            total = connection.execute(select(text("count(*)")).select_from(text("orthosis_period"))).scalar_one()
        assert total == 5 + 1  # the merged five and the sample's own
    finally:
        db.close()
