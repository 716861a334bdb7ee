"""0008: a database at 0003 with patients keyed by the old folding is upgraded; its names are found by the new
folding (lukasik -> Łukasik), its goals can be withdrawn; SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from pg_cluster import PostgresServer
from sqlalchemy import MetaData, insert, select

from assess.services.patients import find_patients
from assess.storage.db import SCHEMA_REVISION, current_revision, make_engine, open_database

BEFORE = "0003_trust"
NAMES = (("LB-1", "Łukasik", "Zofia"), ("LB-2", "Hansen", "Øyvind"), ("LB-3", "Abdi", "Nadia"),
         ("LB-4", "Núñez", "José"))


@pytest.fixture(params=["sqlite", "postgresql"])
def url_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database())
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, BEFORE)
        tables = MetaData()
        tables.reflect(connection, only=["patient", "goal"])
        patient = tables.tables["patient"]
        for mrn, family, given in NAMES:
            # The key as 0003 stored it: accents stripped only, so "łukasik" kept its Ł.
            pid = connection.execute(insert(patient).values(
                mrn=mrn, family_name=family, given_name=given, birth_date=dt.date(2015, 1, 1), sex="female",
                diagnosis="cerebral_palsy", search_key=f"{family} {given} {mrn}".casefold().replace("ú", "u")
                .replace("ñ", "n").replace("é", "e"), version=1,
                created_at=dt.datetime(2026, 1, 1), updated_at=dt.datetime(2026, 1, 1))
                .returning(patient.c.id)).scalar_one()
            connection.execute(insert(tables.tables["goal"]).values(
                patient_id=pid, code="walk", text="Walks 10 m", set_on=dt.date(2026, 1, 1), baseline=-1))
    engine.dispose()
    return url


def test_old_keys_are_refolded_and_goals_get_their_withdrawal(url_at_0003: str) -> None:
    db = open_database(url_at_0003)
    try:
        assert current_revision(db.engine) == SCHEMA_REVISION
        with db.transaction() as session:
            assert [p.mrn for p in find_patients(session, "lukasik")] == ["LB-1"]
            assert [p.mrn for p in find_patients(session, "oyvind")] == ["LB-2"]
            assert [p.mrn for p in find_patients(session, "Abdi, Nadia")] == ["LB-3"]
            assert [p.mrn for p in find_patients(session, "nunez jose")] == ["LB-4"]
            # Sorted by the folded name: Łukasik among the L's, not after Z.
            assert [p.family_name for p in find_patients(session, "")] == ["Abdi", "Hansen", "Łukasik", "Núñez"]
            goal = MetaData()
            goal.reflect(session.connection(), only=["goal"])
            assert session.execute(select(goal.tables["goal"].c.withdrawn_on)).scalars().all() == [None] * 4
    finally:
        db.close()
