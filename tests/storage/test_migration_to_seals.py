"""A clinic's database of schema 0003_trust (users, signed visits, addenda, an audit trail without seals) is
upgraded to seals by a clinician only: the signed records and users are sealed as found, in audited events,
and a later change of one of them is named. On SQLite and on PostgreSQL.

The 0003 database is made as that version left it: the rows of today's records copied into 0003's tables
(reflected from it), and an audit trail of that time (no seals in its events; hashes recomputed).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from pg_cluster import PostgresServer
from samples import sample_document
from sqlalchemy import Engine, MetaData, insert, select, text

from assess.cli.main import main
from assess.interchange.read import read_document
from assess.record.domain import Finding, Visit
from assess.services.audit import event_hash
from assess.services.demo import add_demo_patients
from assess.services.interchange import import_records
from assess.services.signing import add_addendum, sign_visit
from assess.services.users import add_user, log_in
from assess.services.visits import record_visit
from assess.storage.db import SCHEMA_REVISION, current_revision, make_engine, open_database
from assess.storage.models import Base

TRUST = "0003_trust"
PASSWORD = "correct horse battery"
DAY = dt.date(2026, 5, 4)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'clinic.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database())


def _without_seals(after: str | None) -> str | None:
    if after is None:
        return None
    value = json.loads(after)
    if isinstance(value, dict):
        for key in ("seal", "seals"):
            value.pop(key, None)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _copy_as_0003(source: Engine, target: Engine) -> None:
    old, new = MetaData(), MetaData()
    old.reflect(target)
    new.reflect(source)
    head = ("0" * 64, 0)
    with source.connect() as reading, target.begin() as writing:
        writing.execute(text("DELETE FROM audit_head"))
        for model_table in Base.metadata.sorted_tables:
            if model_table.name not in old.tables:
                continue
            old_table, new_table = old.tables[model_table.name], new.tables[model_table.name]
            columns = [c.name for c in old_table.columns if c.name in new_table.columns]
            rows = [dict(row._mapping) for row in reading.execute(select(*(new_table.c[c] for c in columns)))]
            if model_table.name == "audit_event":  # the trail as 0003 wrote it: no seals, hashes to match
                rows.sort(key=lambda row: row["id"])
                prev = "0" * 64
                for row in rows:
                    at = row["at"] if isinstance(row["at"], dt.datetime) else dt.datetime.fromisoformat(row["at"])
                    row.update(after=_without_seals(row["after"]), prev_hash=prev)
                    row["hash"] = prev = event_hash(prev, {**row, "at": at.replace(tzinfo=dt.UTC)})
                head = (prev, len(rows))
            if rows:
                writing.execute(insert(old_table), rows)
            if target.dialect.name == "postgresql" and "id" in columns and model_table.name != "audit_event":
                writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{old_table.name}', 'id'), "
                                     f"(SELECT coalesce(max(id), 0) + 1 FROM {old_table.name}), false)"))
        writing.execute(text("UPDATE audit_head SET last_hash = :hash, last_id = :id"),
                        {"hash": head[0], "id": head[1]})


def _clinic_of_today(tmp_path: Path) -> Any:
    """Sample and demo patients, a clinician and a reader, a visit signed here with an addendum."""
    scratch = open_database(f"sqlite:///{tmp_path / 'scratch.db'}")
    with scratch.transaction() as session:
        import_records(session, read_document(sample_document()))
        add_demo_patients(session, 8)
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(scratch, "osei", PASSWORD)
    with scratch.transaction() as session:
        add_user(session, "rhea", "reader", PASSWORD)
        record_visit(session, "LB-100234", Visit(DAY, "follow_up", "Dr K. Osei", findings=(
            Finding("elbow_flexors", "left", mas="2"),)))
        sign_visit(session, "LB-100234", DAY, "follow_up")
        add_addendum(session, "LB-100234", "visit", DAY, "follow_up", "Left elbow was MAS 1+.")
    return scratch


def test_a_0003_database_is_upgraded_by_a_clinician_and_its_signed_records_sealed(
        old_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(old_url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, TRUST)
    scratch = _clinic_of_today(tmp_path)
    _copy_as_0003(scratch.engine, engine)
    scratch.close()
    engine.dispose()

    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    code = main(["--db", old_url, "--user", "rhea", "patients"])
    assert code == 1 and "the database needs an upgrade to this version of assess, which a clinician must run " \
                          "(rhea is a reader)" in capsys.readouterr().err
    engine = make_engine(old_url)
    assert current_revision(engine) == TRUST  # nothing was changed
    engine.dispose()

    assert main(["--db", old_url, "--user", "osei", "db", "upgrade"]) == 0
    assert f"is at schema revision {SCHEMA_REVISION}" in capsys.readouterr().out
    code = main(["--db", old_url, "--user", "osei", "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "all as sealed" in out and "2 users" in out
    signed = int(out.split("Seals checked: ")[1].split(" signed visit")[0])
    assert signed > 50  # the demo patients' signed visits, sealed as found
    assert main(["--db", old_url, "--user", "osei", "audit", "--json", "--limit", "400"]) == 0
    found = json.loads(capsys.readouterr().out)
    [upgrade] = [e for e in found if e["action"] == "upgrade"]
    assert (upgrade["actor"], upgrade["key"]) == ("osei", f"{TRUST} to {SCHEMA_REVISION}")
    assert upgrade["after"]["sealed"] == signed + 1 + 2  # the visits, the addendum and the two users
    if old_url.startswith("sqlite"):
        assert list(tmp_path.glob(f"clinic.db.before-{TRUST}-*.bak"))

    # A change after the upgrade is named; for the visit signed here, from what the trail kept of its save.
    engine = make_engine(old_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE finding SET mas = '3' WHERE visit_id = (SELECT v.id FROM visit v "
                                "JOIN patient p "
                                "ON p.id = v.patient_id WHERE p.mrn = 'LB-100234' AND v.date = :day)"),
                           {"day": DAY})
    engine.dispose()
    assert main(["--db", old_url, "--user", "osei", "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "The signed follow-up visit of LB-100234 on 2026-05-04 was changed after it was signed" in out
    assert "left elbow flexors: MAS 2 when signed, now 3" in out



def test_the_seals_migration_goes_down_and_up_again_with_records_in_place(db_url: str) -> None:
    """Taken back to 0003 (toxin sessions with injections referring to them) and upgraded again, nothing lost."""
    from assess.interchange.write import write_document
    from assess.services.interchange import export_records

    db = open_database(db_url)
    with db.transaction() as session:
        import_records(session, read_document(sample_document()))
        before = write_document(export_records(session))
    db.close()
    engine = make_engine(db_url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, TRUST)
    assert current_revision(engine) == TRUST
    engine.dispose()
    db = open_database(db_url)
    with db.transaction() as session:
        assert write_document(export_records(session)) == before
    db.close()
