"""FHIR R4 export and import against real SQLite and PostgreSQL databases: all or nothing, conflicts refused."""

from __future__ import annotations

import base64
import copy
import io
from pathlib import Path
from typing import Any

import pytest
from fhir_kinds import TODAY, as_json, kinds
from fhirclient.models.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, select

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.errors import AssessError, ConflictError
from assess.reports.content import Clinic
from assess.services.clinic import set_clinic_letterhead
from assess.services.fhir import export_fhir, import_fhir
from assess.services.interchange import import_records
from assess.storage.db import Database, open_database
from assess.storage.models import Base


def _store(db: Database) -> None:
    with db.transaction() as session:
        import_records(session, read_document(write_document(kinds().values()), today=TODAY))


def _export(db: Database, *mrns: str, letters: bool = False) -> dict[str, Any]:
    with db.transaction() as session:
        return as_json(export_fhir(session, mrns, with_letters=letters).bundle())


def _import(db: Database, bundle: dict[str, Any], dry_run: bool = False) -> Any:
    with db.transaction() as session:
        return import_fhir(session, bundle, dry_run=dry_run, today=TODAY)


def _row_counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables if t.name != "audit_event"}


def _without_timestamp(bundle: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in bundle.items() if k != "timestamp"}


def test_export_imported_into_an_empty_database_exports_the_same_bundle(database: Database, tmp_path: Path) -> None:
    _store(database)
    first = _export(database)
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        report = _import(other, first)
        assert report.new_patients == len(kinds())
        assert _without_timestamp(_export(other)) == _without_timestamp(first)
        again = _import(other, first)  # the same Bundle again adds nothing
        assert again.new_patients == 0 and again.total("visits") == 0 and again.total("treatments") == 0
    finally:
        other.close()


def test_the_letter_goes_along_as_a_readable_pdf(database: Database) -> None:
    _store(database)
    with database.transaction() as session:  # a letter is headed with the clinic's name and phone (issue 15)
        set_clinic_letterhead(session, Clinic("Elm Clinic", phone="555-0100"))
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    bundle = _export(database, child.mrn, letters=True)
    Bundle(bundle, strict=True)
    (document,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference"]
    pdf = PdfReader(io.BytesIO(base64.b64decode(document["content"][0]["attachment"]["data"])))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert child.mrn in text and "Modified Ashworth" in text
    assert document["docStatus"] == "preliminary"  # the latest visit (2025-06-09) is not signed


def _referral(family: str = "Okafor") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "Patient", "identifier": [
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
             "value": "EHR-77"}],
        "name": [{"family": family, "given": ["Joanna"]}], "gender": "female", "birthDate": "2015-04-09"}}]}


def test_a_referral_creates_the_patient_once_and_a_changed_one_is_a_conflict(database: Database) -> None:
    assert _import(database, _referral()).new_patients == 1
    assert _import(database, _referral()).new_patients == 0
    before = _row_counts(database)
    with pytest.raises(ConflictError, match="patient EHR-77: family_name is 'Okafor' in the database and "
                                            "'Okafor-Smith' in the file; nothing was imported"):
        _import(database, _referral("Okafor-Smith"))
    assert _row_counts(database) == before


def test_a_changed_signed_visit_refuses_the_whole_bundle(database: Database) -> None:
    _store(database)
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    bundle = _export(database, child.mrn)
    bundle["entry"] += _referral()["entry"]  # a new patient in the same Bundle is not written either
    mas = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
               and e["resource"].get("effectiveDateTime") == "2025-03-02"
               and e["resource"]["code"]["coding"][0]["code"] == "765771006")
    mas["valueCodeableConcept"]["coding"][0]["code"] = "4"
    before = _row_counts(database)
    with pytest.raises(ConflictError, match="the signed initial visit on 2025-03-02 differs"):
        _import(database, bundle)
    assert _row_counts(database) == before


_PATIENT = {"resourceType": "Patient", "identifier": [{"system": "https://assess.example.org/fhir/mrn",
                                                       "value": "H-1"}],
            "name": [{"family": "Hostile", "given": ["Test"]}], "birthDate": "2001-01-01"}
_VALUES = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6) | st.lists(st.text(max_size=3),
                                                                                           max_size=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(key=st.sampled_from(["identifier", "name", "birthDate", "gender", "generalPractitioner", "resourceType"]),
       value=_VALUES)
def test_hostile_patients_write_nothing(tmp_path_factory: pytest.TempPathFactory, key: str, value: Any) -> None:
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'a.db'}")
    try:
        patient = copy.deepcopy(_PATIENT)
        patient[key] = value
        bundle = {"resourceType": "Bundle", "type": "collection",
                  "entry": [{"resource": copy.deepcopy(_PATIENT) | {"identifier": [
                      {"system": "https://assess.example.org/fhir/mrn", "value": "H-0"}]}}, {"resource": patient}]}
        before = _row_counts(db)
        refused = ""
        try:
            _import(db, bundle)
        except AssessError as error:
            refused = str(error)
        if refused:
            assert "\n" not in refused and refused.startswith("entry[1]"), refused
            assert _row_counts(db) == before
    finally:
        db.close()


def test_a_dry_run_writes_nothing(database: Database) -> None:
    before = _row_counts(database)
    report = _import(database, _referral(), dry_run=True)
    assert report.new_patients == 1 and _row_counts(database) == before
