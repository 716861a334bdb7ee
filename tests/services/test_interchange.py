"""Import and export against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from samples import child, document, pump_patient, sample_document
from sqlalchemy import func, select

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.errors import ConflictError, DatabaseError, NotFoundError
from assess.services.interchange import export_records, import_records
from assess.storage.db import Database
from assess.storage.models import Base


def _import(db: Database, doc: dict[str, Any], dry_run: bool = False):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return import_records(session, read_document(doc), dry_run=dry_run)


def _export(db: Database, *mrns: str) -> dict[str, Any]:
    with db.transaction() as session:
        return write_document(export_records(session, mrns))


def _row_counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


def test_import_then_export_gives_the_same_document(database: Database) -> None:
    original = sample_document()
    _import(database, original)
    first = _export(database)
    # The export is the file in the documented order: patients by MRN, lists sorted.
    assert [p["mrn"] for p in first["patients"]] == ["ITB-7", "LB-100234"]
    assert first["patients"][1]["visits"][0]["findings"][0] == {
        "muscle_group": "hip_adductors", "side": "left", "mas": "1+"}
    assert first["patients"][1]["visits"][0]["signed_at"] == "2025-03-02T11:30:00Z"


def test_export_imported_into_an_empty_database_exports_identically(database: Database, tmp_path: Any) -> None:
    from assess.storage.db import open_database

    _import(database, sample_document())
    first = _export(database)
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        _import(other, first)
        assert _export(other) == first
    finally:
        other.close()


def test_reimporting_the_same_file_changes_nothing(database: Database) -> None:
    _import(database, sample_document())
    before = _row_counts(database)
    report = _import(database, sample_document())
    assert _row_counts(database) == before
    assert report.new_patients == 0
    assert report.total("visits") == 0 and report.total("treatments") == 0
    assert report.total("unchanged_visits") == 3


def test_import_adds_only_what_is_new_for_a_known_patient(database: Database) -> None:
    _import(database, sample_document())
    patient = child()
    patient["visits"].append({"date": "2025-09-01", "type": "follow_up", "clinician": "Dr K. Osei",
                              "findings": [{"muscle_group": "hip_adductors", "side": "left", "mas": "2"}],
                              "goal_scores": [{"goal": "walk", "score": 1}]})
    report = _import(database, document(patient))
    assert (report.new_patients, report.total("visits"), report.total("findings")) == (0, 1, 1)
    visits = _export(database, "LB-100234")["patients"][0]["visits"]
    assert [v["date"] for v in visits] == ["2025-03-02", "2025-06-09", "2025-09-01"]
    assert visits[-1]["goal_scores"] == [{"goal": "walk", "score": 1}]


def test_a_conflicting_visit_refuses_the_whole_file(database: Database) -> None:
    _import(database, document(child()))
    before = _row_counts(database)
    changed = child()
    changed["visits"][1]["findings"][0]["mas"] = "2"
    changed["visits"].append({"date": "2025-12-01", "type": "follow_up", "clinician": "Dr K. Osei"})
    with pytest.raises(ConflictError) as error:
        _import(database, document(pump_patient(), changed))
    message = str(error.value)
    assert "LB-100234" in message and "2025-06-09" in message and "post_injection_review" in message
    assert "left plantarflexors_knee_extended" in message and "'1+'" in message and "'2'" in message
    assert _row_counts(database) == before  # not even the new pump patient was written


def test_a_signed_visit_is_never_changed_by_an_import(database: Database) -> None:
    _import(database, document(child()))
    changed = child()
    changed["visits"][0]["notes"] = "changed after signing"
    with pytest.raises(ConflictError, match="the signed initial visit on 2025-03-02"):
        _import(database, document(changed))
    assert "notes" not in _export(database)["patients"][0]["visits"][0]


def test_a_conflicting_treatment_names_it(database: Database) -> None:
    _import(database, document(child()))
    changed = child()
    changed["treatments"][2]["injections"][0]["units"] = 45
    with pytest.raises(ConflictError, match=r"botulinum_toxin on 2025-03-10 \(onabotulinumtoxinA\)"):
        _import(database, document(changed))


def test_changed_patient_details_are_a_conflict(database: Database) -> None:
    _import(database, document(child()))
    changed = child()
    changed["family_name"] = "Mueller"
    with pytest.raises(ConflictError, match="family_name is 'Müller' in the database and 'Mueller' in the file"):
        _import(database, document(changed))


def test_dry_run_reports_and_writes_nothing(database: Database) -> None:
    report = _import(database, sample_document(), dry_run=True)
    assert report.dry_run and report.new_patients == 2 and report.total("findings") == 7
    assert _row_counts(database)["patient"] == 0


def test_import_is_atomic_when_the_database_refuses_midway(database: Database) -> None:
    """A failure after some rows were written (here a database constraint) leaves nothing behind."""
    records = read_document(sample_document())
    broken = records[1]
    import dataclasses

    from assess.record.domain import Finding
    bad_visit = dataclasses.replace(broken.visits[0], findings=(Finding("hip_adductors", "left", mas="9"),))
    records[1] = dataclasses.replace(broken, visits=(bad_visit,))
    with pytest.raises(DatabaseError, match=r"nothing was saved.*mas"), database.transaction() as session:
        import_records(session, records)
    assert _row_counts(database)["patient"] == 0


def test_export_of_an_unknown_patient_is_refused(database: Database) -> None:
    with pytest.raises(NotFoundError, match="NOPE"):
        _export(database, "NOPE")


def test_goal_scores_refer_to_goals_stored_by_an_earlier_import(database: Database) -> None:
    first = child()
    first["visits"] = first["visits"][:1]
    _import(database, document(first))
    _import(database, document(child()))
    visits = _export(database)["patients"][0]["visits"]
    assert visits[1]["goal_scores"] == [{"goal": "shoes", "score": -1}, {"goal": "walk", "score": 0}]


def test_read_dates_survive_storage(database: Database) -> None:
    _import(database, sample_document())
    with database.transaction() as session:
        records = export_records(session, ["LB-100234"])
    visit = records[0].visits[0]
    assert visit.signed_at == dt.datetime(2025, 3, 2, 11, 30, tzinfo=dt.UTC)
    assert records[0].birth_date == dt.date(2017, 3, 2)
    assert visit.weight_kg == 22.6
