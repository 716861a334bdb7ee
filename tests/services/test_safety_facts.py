"""Issue 13's stored facts on SQLite and PostgreSQL: the patient's other medicines, the pump's alarm volume and
replacement date, a finding's angle convention; what travels in assess-record/1 (nothing) and the alerts they
drive; and an upgrade from schema 0003 with data in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from pg_cluster import PostgresServer
from sqlalchemy import text

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import Finding, OralMedication, PatientDetails, PumpEvent, Visit
from assess.record.errors import RecordError
from assess.services.alerts import alerts
from assess.services.interchange import export_records, import_records
from assess.services.patients import create_patient, patient_details, update_patient
from assess.services.visits import record_treatment, record_visit
from assess.storage.db import SCHEMA_REVISION, Database, current_revision, make_engine, open_database

AS_OF = dt.date(2026, 3, 2)
ADA = PatientDetails("T-1", "Okafor", "Ada", dt.date(1975, 6, 1), "female", "multiple_sclerosis",
                     other_medicines="Omeprazole 20 mg\nCiprofloxacin 500 mg twice daily")
IMPLANT = PumpEvent("implant", dt.date(2026, 1, 1), "SynchroMed II", 20, 20, 500, 100, alarm_ml=5,
                    replacement_due=dt.date(2032, 6, 1))


def _fill(database: Database) -> None:
    with database.transaction() as session:
        create_patient(session, ADA)
        record_treatment(session, "T-1", OralMedication("tizanidine", 12, dt.date(2026, 1, 10)))
        record_treatment(session, "T-1", IMPLANT)
        record_visit(session, "T-1", Visit(dt.date(2026, 2, 1), "follow_up", "Dr A", findings=(
            Finding("knee_flexors", "left", prom=140, angle_convention="extension_deficit"),)))


def test_the_facts_are_stored_and_drive_the_alerts(database: Database) -> None:
    """ZANAFLEX: contraindicated with ciprofloxacin; the pump's own 5 mL alarm: (20 - 5) x 500 / 100 = 75 days."""
    _fill(database)
    with database.transaction() as session:
        details, _ = patient_details(session, "T-1")
        found = alerts(session, AS_OF, ["T-1"])
        [record] = export_records(session, ["T-1"])
    assert details.other_medicines == ADA.other_medicines
    [interaction] = [a for a in found if a.code == "drug_interaction"]
    assert "Ciprofloxacin 500 mg twice daily" in interaction.message and "ZANAFLEX" in (interaction.source or "")
    [refill] = [a for a in found if a.code == "pump_refill_due"]
    assert refill.date == dt.date(2026, 3, 17)
    implant = next(t for t in record.treatments if isinstance(t, PumpEvent))
    assert (implant.alarm_ml, implant.replacement_due) == (5, dt.date(2032, 6, 1))
    assert record.visits[0].findings[0].angle_convention == "extension_deficit"


def test_nothing_new_travels_in_the_file_and_a_re_import_is_unchanged(database: Database) -> None:
    _fill(database)
    with database.transaction() as session:
        document = write_document(export_records(session, ["T-1"]))
    text = str(document)
    assert "other_medicines" not in text and "alarm_ml" not in text and "angle_convention" not in text
    with database.transaction() as session:
        report = import_records(session, read_document(document))
    assert not any(p.adds_anything for p in report.patients) and report.total("unchanged_treatments") == 2


def test_a_bad_alarm_volume_is_refused_in_one_line_and_nothing_is_written(database: Database) -> None:
    with database.transaction() as session:
        create_patient(session, ADA)
    with pytest.raises(RecordError, match=r"alarm_ml: 25 mL is not a volume above 0 and within the reservoir"), \
            database.transaction() as session:
        record_treatment(session, "T-1", PumpEvent("implant", dt.date(2026, 1, 1), reservoir_ml=20, alarm_ml=25))
    with database.transaction() as session:
        assert export_records(session, ["T-1"])[0].treatments == ()


def test_other_medicines_are_edited_with_the_patient(database: Database) -> None:
    with database.transaction() as session:
        create_patient(session, ADA)
        _, version = patient_details(session, "T-1")
        update_patient(session, "T-1", PatientDetails(**{**ADA.__dict__, "other_medicines": "  "}), version)
        details, _ = patient_details(session, "T-1")
    assert details.other_medicines is None


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
        command.upgrade(config, "0003_trust")
        # The copied rows bring their own audit chain head (0003 seeds one): keep one.
        connection.execute(text("DELETE FROM audit_head"))
    engine.dispose()
    return url


def test_an_upgrade_from_0003_keeps_the_records_and_leaves_the_new_facts_empty(url_at_0003: str,
                                                                                tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "storage"))
    from test_migration_from_first import _copy_rows

    scratch = open_database(f"sqlite:///{tmp_path / 'scratch.db'}")
    with scratch.transaction() as session:
        create_patient(session, PatientDetails("U-1", "Up", "Grade", dt.date(2010, 1, 1), "male", "stroke"))
        record_treatment(session, "U-1", PumpEvent("implant", dt.date(2024, 1, 1), reservoir_ml=20, volume_ml=20,
                                                   concentration_mcg_per_ml=500, dose_mcg_per_day=100))
    with scratch.transaction() as session:
        expected = write_document(export_records(session))
    old = make_engine(url_at_0003)
    assert _copy_rows(scratch.engine, old) > 1
    old.dispose()
    scratch.close()
    db = open_database(url_at_0003)
    try:
        assert current_revision(db.engine) == SCHEMA_REVISION  # upgraded through 0005_safety to the newest
        with db.transaction() as session:
            records = export_records(session)
            assert write_document(records) == expected
        implant = records[0].treatments[0]
        assert isinstance(implant, PumpEvent) and implant.alarm_ml is None and records[0].other_medicines is None
    finally:
        db.close()
