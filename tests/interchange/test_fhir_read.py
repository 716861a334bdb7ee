"""Reading FHIR R4: an assess export reads back to the same records; a referral's Patient becomes a patient;
hostile JSON is refused in one line that names its JSON path."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from fhir_kinds import TODAY, as_json, kinds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.interchange.fhir.read import read_bundle
from assess.interchange.fhir.write import Sender, write_bundle
from assess.interchange.write import write_document
from assess.record.errors import AssessError, RecordError

STAMP = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
V2 = "http://terminology.hl7.org/CodeSystem/v2-0203"


def _bundle(*records: Any) -> dict[str, Any]:
    return as_json(write_bundle(records, Sender("Clinic"), STAMP))


@pytest.mark.parametrize("kind", list(kinds()))
def test_an_export_reads_back_to_the_same_record(kind: str) -> None:
    record = kinds()[kind]
    (back,) = read_bundle(_bundle(record), today=TODAY)
    assert write_document([back]) == write_document([record])
    assert back == record


def _referral(**patient: Any) -> dict[str, Any]:
    """A referral as an EHR sends it: its own identifiers, a GP, a problem, and things assess does not read."""
    resource = {"resourceType": "Patient", "id": "p1",
                "identifier": [{"system": "urn:oid:1.2.3.4", "value": "NHS-943"},
                               {"type": {"coding": [{"system": V2, "code": "MR"}]}, "system": "https://ehr.example/mrn",
                                "value": "EHR-77"}],
                "name": [{"use": "nickname", "given": ["Jo"]},
                         {"use": "official", "family": "Okafor", "given": ["Joanna", "Ada"]}],
                "gender": "female", "birthDate": "2015-04-09",
                "generalPractitioner": [{"reference": "Practitioner/gp"}, {"reference": "Organization/practice"}]}
    resource.update(patient)
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "https://ehr.example/fhir/Patient/p1", "resource": resource},
        {"fullUrl": "https://ehr.example/fhir/Practitioner/gp", "resource": {
            "resourceType": "Practitioner", "id": "gp", "name": [{"prefix": ["Dr"], "given": ["Sam"], "family": "Lee"}],
            "telecom": [{"system": "phone", "value": "555-0142"}, {"system": "email", "value": "lee@gp.example"}],
            "address": [{"line": ["4 High Street"], "city": "Riverton"}]}},
        {"fullUrl": "https://ehr.example/fhir/Organization/practice", "resource": {
            "resourceType": "Organization", "id": "practice", "name": "High Street Surgery"}},
        {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "128188000",
                                           "display": "Cerebral palsy"}]}}},
        {"resource": {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/p1"},
                      "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                      "valueQuantity": {"value": 13.1, "unit": "g/dL"}}},
        {"resource": {"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/p1"}}},
    ]}


def test_a_referral_patient_becomes_an_assess_patient() -> None:
    (record,) = read_bundle(_referral(), today=TODAY)
    assert (record.mrn, record.family_name, record.given_name, record.birth_date, record.sex) == (
        "EHR-77", "Okafor", "Joanna Ada", dt.date(2015, 4, 9), "female")
    assert record.diagnosis == "cerebral_palsy"
    assert record.primary_care is not None
    assert (record.primary_care.name, record.primary_care.practice, record.primary_care.phone,
            record.primary_care.email, record.primary_care.address) == (
        "Dr Sam Lee", "High Street Surgery", "555-0142", "lee@gp.example", "4 High Street, Riverton")
    assert record.visits == () and record.treatments == ()


def test_the_clinics_mrn_system_wins_over_other_identifiers() -> None:
    (record,) = read_bundle(_referral(), today=TODAY, mrn_system="urn:oid:1.2.3.4")
    assert record.mrn == "NHS-943"


def test_a_referral_without_a_known_diagnosis_keeps_its_words() -> None:
    bundle = _referral()
    bundle["entry"][3]["resource"]["code"] = {"text": "Hereditary spastic paraplegia"}
    (record,) = read_bundle(bundle, today=TODAY)
    assert (record.diagnosis, record.diagnosis_note) == ("other", "Hereditary spastic paraplegia")


@pytest.mark.parametrize(("change", "message"), [
    (lambda b: b["entry"][0]["resource"].update(birthDate="2015"),
     "entry[0].resource.birthDate: '2015' is not a full date (YYYY-MM-DD)"),
    (lambda b: b["entry"][0]["resource"].update(birthDate="2015-02-30"),
     "entry[0].resource.birthDate: '2015-02-30' is not a real calendar date"),
    (lambda b: b["entry"][0]["resource"].pop("identifier"),
     "entry[0].resource.identifier: no identifier of the clinic's system"),
    (lambda b: b["entry"][0]["resource"].update(gender="f"), "entry[0].resource.gender: 'f' is not one of"),
    (lambda b: b["entry"][0]["resource"]["name"][1].update(given=[7]),
     "entry[0].resource.name[1].given[0]: expected text, not a whole number"),
    (lambda b: b["entry"][0]["resource"].update(generalPractitioner=[{"reference": "Practitioner/nobody"}]),
     "entry[0].resource.generalPractitioner[0].reference: 'Practitioner/nobody' is not a resource of this Bundle"),
    (lambda b: b.update(resourceType="Patient"), "resourceType: 'Patient' is not a FHIR Bundle"),
])
def test_a_bad_referral_is_refused_naming_the_json_path(change: Any, message: str) -> None:
    bundle = _referral()
    change(bundle)
    with pytest.raises(RecordError) as refused:
        read_bundle(bundle, today=TODAY)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_a_bad_grade_in_an_export_names_the_observation() -> None:
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    bundle = _bundle(child)
    number, observation = next((i, e["resource"]) for i, e in enumerate(bundle["entry"])
                               if e["resource"]["resourceType"] == "Observation"
                               and e["resource"]["code"]["coding"][0]["code"] == "765771006")
    observation["valueCodeableConcept"]["coding"][0]["code"] = "1.5"
    with pytest.raises(RecordError) as refused:
        read_bundle(bundle, today=TODAY)
    assert str(refused.value).startswith(f"entry[{number}].resource.valueCodeableConcept.coding[0]: '1.5' is not "
                                         "one of ['0', '1', '1+', '2', '3', '4']")


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


_SMALL = _bundle(kinds()["sample child (signed visit, goals, casting, therapy)"])
_PATHS = [p for p in _paths(_SMALL) if p]
_HOSTILE = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
                        | st.text(max_size=12) | st.sampled_from(["1+", "2015", "urn:uuid:x", "Patient", "deg"]),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=3), max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(_PATHS), value=_HOSTILE, delete=st.booleans())
def test_hostile_fhir_json_is_refused_in_one_line_or_read(where: tuple[Any, ...], value: Any, delete: bool) -> None:
    bundle = copy.deepcopy(_SMALL)
    parent = bundle
    for part in where[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    try:
        read_bundle(bundle, today=TODAY)
    except AssessError as error:
        text = str(error)
        assert "\n" not in text and text.strip() == text and ": " in text
        assert text.split(": ", 1)[0].split(".")[0].split("[")[0] in ("entry", "resourceType", "(bundle)"), text
