"""read_document: a valid assess-record/1 document parses; every bad value is refused naming its JSON path."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assess.interchange
from assess.interchange.read import read_document
from assess.interchange.schema import json_path
from assess.interchange.write import write_document
from assess.record.domain import (
    Contact,
    Finding,
    Goal,
    GoalScore,
    Injection,
    OralMedication,
    Orthosis,
    PatientRecord,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Visit,
    VisitScores,
)
from assess.record.errors import RecordError

TODAY = dt.date(2026, 1, 1)
SCHEMA: dict[str, Any] = json.loads(
    (Path(assess.interchange.__file__).parent / "assess-record-1.schema.json").read_text("utf-8"))
REFERENCE = jsonschema.Draft202012Validator(SCHEMA)

_FULL: dict[str, Any] = {
    "format": "assess-record/1",
    "exported_at": "2025-10-01T08:00:00Z",
    "exported_by": "Dr K. Osei",
    "patients": [
        {
            "mrn": "LB-100234", "family_name": "Müller", "given_name": "Zoë", "birth_date": "2017-03-02",
            "sex": "female", "diagnosis": "cerebral_palsy", "diagnosis_note": "spastic diplegia", "gmfcs": "III",
            "primary_care": {"name": "Dr A. Rao", "practice": "Elm Street Practice", "address": "1 Elm Street",
                             "phone": "555-0100", "fax": "555-0101", "email": "rao@example.org"},
            "goals": [
                {"id": "walk", "text": "Walks 10 m with a walker", "set_on": "2025-03-02", "importance": 2,
                 "difficulty": 2, "baseline": -1},
                {"id": "shoes", "text": "Puts on shoes with help", "set_on": "2025-03-02", "baseline": -2},
                {"id": "stairs", "text": "Climbs 3 stairs", "set_on": "2025-06-09", "importance": 3,
                 "baseline": -1},
            ],
            "visits": [
                {"date": "2025-03-02", "type": "initial", "clinician": "Dr K. Osei", "status": "signed",
                 "signed_at": "2025-03-02T12:30:00+01:00", "weight_kg": 22.6,
                 "findings": [
                     {"muscle_group": "plantarflexors_knee_extended", "side": "left", "mas": "3",
                      "tardieu": {"x": 2, "r1": -15, "r2": 5}, "asas": 3, "prom": 5},
                     {"muscle_group": "hip_adductors", "side": "right", "mas": "2"},
                     {"muscle_group": "hip_adductors", "side": "left", "mas": "1+"},
                 ],
                 "scores": {"penn_frequency": 2, "penn_severity": 1, "pain_nrs": 3,
                            "scats": {"clonus": 1, "flexor_spasm": 0, "extensor_spasm": 2},
                            "das": {"hygiene": 1, "dressing": 2, "limb_position": 1, "pain": 0}},
                 "triggers": ["x-new_wheelchair", "constipation"],
                 "symptoms": ["stiffness", "leg_crossing"],
                 "goal_scores": [{"goal": "walk", "score": -1}, {"goal": "shoes", "score": -2}],
                 "notes": "First visit."},
                {"date": "2025-09-15", "type": "follow_up", "clinician": "Dr K. Osei",
                 "findings": [
                     {"muscle_group": "elbow_flexors", "side": "left", "mas": "1", "mrc": "4-"},
                     {"muscle_group": "elbow_flexors", "side": "right", "reflex": "3+"},
                     {"muscle_group": "knee_flexors", "side": "left", "prom": -30.5},
                     {"muscle_group": "knee_extensors", "side": "left", "clonus_beats": 3,
                      "clonus_sustained": False},
                     {"muscle_group": "x-hip_external_rotators", "side": "left", "mas": "1"},
                     {"muscle_group": "plantarflexors_knee_flexed", "side": "right", "mas": "2",
                      "note": "guarding"},
                 ],
                 "scores": {"penn_frequency": 0},
                 "goal_scores": [{"goal": "stairs", "score": 1}, {"goal": "walk", "score": 1}]},
                {"date": "2025-06-09", "type": "post_injection_review", "clinician": "Dr K. Osei",
                 "weight_kg": 23,
                 "findings": [{"muscle_group": "plantarflexors_knee_extended", "side": "left", "mas": "1+",
                               "tardieu": {"x": 1, "r1": 0, "r2": 10.5}}],
                 "symptoms": ["x-night_cramps"],
                 "goal_scores": [{"goal": "walk", "score": 0}, {"goal": "shoes", "score": -1},
                                 {"goal": "stairs", "score": -1}]},
            ],
            "treatments": [
                {"kind": "botulinum_toxin", "date": "2025-03-10", "product": "onabotulinumtoxinA",
                 "dilution_units_per_ml": 50, "lot": "C1234", "guidance": "ultrasound",
                 "injections": [
                     {"muscle": "gastrocnemius_medial", "side": "right", "units": 30, "sites": 2},
                     {"muscle": "gastrocnemius_medial", "side": "left", "units": 40, "sites": 2},
                     {"muscle": "x-tibialis_anterior", "side": "left", "units": 12.5},
                 ], "notes": "well tolerated"},
                {"kind": "oral_medication", "drug": "baclofen", "dose_mg_per_day": 15, "start": "2024-09-01",
                 "stop": "2025-03-01"},
                {"kind": "oral_medication", "drug": "x-pregabalin", "dose_mg_per_day": 75.5,
                 "start": "2025-03-01", "notes": "for pain"},
                {"kind": "orthosis", "orthosis": "serial_casting", "body_region": "ankle", "side": "left",
                 "start": "2025-03-17", "end": "2025-04-14"},
                {"kind": "therapy", "therapy": "physical", "start": "2025-03-17", "sessions_per_week": 2,
                 "end": "2025-09-01"},
                {"kind": "itb_pump", "event": "screening", "date": "2025-08-01", "bolus_mcg": 50,
                 "notes": "good response"},
                {"kind": "sdr", "date": "2025-11-03", "levels": "L2-S1", "rootlets_cut_percent": 50,
                 "surgeon": "Dr M. Ito"},
                {"kind": "surgery", "date": "2025-12-01", "procedure": "Adductor release", "side": "both"},
            ],
        },
        {
            "mrn": "ITB-7", "family_name": "Núñez", "given_name": "José", "birth_date": "1979-11-20",
            "sex": "male", "diagnosis": "x-hereditary_spastic_paraplegia",
            "visits": [{"date": "2024-01-15", "type": "itb_refill", "clinician": "Dr L. Chen",
                        "findings": [{"muscle_group": "knee_extensors", "side": "left", "mas": "2"}],
                        "scores": {"penn_frequency": 0}}],
            "treatments": [
                {"kind": "itb_pump", "event": "implant", "date": "2023-05-02", "pump_model": "SynchroMed II",
                 "reservoir_ml": 20, "volume_ml": 20, "concentration_mcg_per_ml": 500, "dose_mcg_per_day": 150},
                {"kind": "itb_pump", "event": "refill", "date": "2024-01-15", "volume_ml": 19.5,
                 "concentration_mcg_per_ml": 500, "dose_mcg_per_day": 180},
            ],
        },
    ],
}


def full() -> dict[str, Any]:
    return copy.deepcopy(_FULL)


def read(document: Any) -> list[PatientRecord]:
    return read_document(document, today=TODAY)


def refusal(document: Any) -> str:
    with pytest.raises(RecordError) as error:
        read(document)
    return str(error.value)


# --- a valid document ---------------------------------------------------------------------------------

EXPECTED_CHILD = PatientRecord(
    mrn="LB-100234", family_name="Müller", given_name="Zoë", birth_date=dt.date(2017, 3, 2), sex="female",
    diagnosis="cerebral_palsy", diagnosis_note="spastic diplegia", gmfcs="III",
    primary_care=Contact("Dr A. Rao", "Elm Street Practice", "1 Elm Street", "555-0100", "555-0101",
                         "rao@example.org"),
    goals=(
        Goal("shoes", "Puts on shoes with help", dt.date(2025, 3, 2), -2),
        Goal("walk", "Walks 10 m with a walker", dt.date(2025, 3, 2), -1, 2, 2),
        Goal("stairs", "Climbs 3 stairs", dt.date(2025, 6, 9), -1, 3, None),
    ),
    visits=(
        Visit(dt.date(2025, 3, 2), "initial", "Dr K. Osei", "signed",
              dt.datetime(2025, 3, 2, 11, 30, tzinfo=dt.UTC), 22.6,
              findings=(
                  Finding("hip_adductors", "left", mas="1+"),
                  Finding("hip_adductors", "right", mas="2"),
                  Finding("plantarflexors_knee_extended", "left", mas="3", tardieu_x=2, tardieu_r1=-15.0,
                          tardieu_r2=5.0, asas=3, prom=5.0),
              ),
              scores=VisitScores(2, 1, 3, 1, 0, 2, 1, 2, 1, 0),
              triggers=("constipation", "x-new_wheelchair"), symptoms=("leg_crossing", "stiffness"),
              goal_scores=(GoalScore("shoes", -2), GoalScore("walk", -1)), notes="First visit."),
        Visit(dt.date(2025, 6, 9), "post_injection_review", "Dr K. Osei", weight_kg=23.0,
              findings=(Finding("plantarflexors_knee_extended", "left", mas="1+", tardieu_x=1, tardieu_r1=0.0,
                                tardieu_r2=10.5),),
              symptoms=("x-night_cramps",),
              goal_scores=(GoalScore("shoes", -1), GoalScore("stairs", -1), GoalScore("walk", 0))),
        Visit(dt.date(2025, 9, 15), "follow_up", "Dr K. Osei",
              findings=(
                  Finding("elbow_flexors", "left", mas="1", mrc="4-"),
                  Finding("elbow_flexors", "right", reflex="3+"),
                  Finding("knee_flexors", "left", prom=-30.5),
                  Finding("knee_extensors", "left", clonus_beats=3, clonus_sustained=False),
                  Finding("plantarflexors_knee_flexed", "right", mas="2", note="guarding"),
                  Finding("x-hip_external_rotators", "left", mas="1"),
              ),
              scores=VisitScores(penn_frequency=0),
              goal_scores=(GoalScore("stairs", 1), GoalScore("walk", 1))),
    ),
    treatments=(
        OralMedication("baclofen", 15.0, dt.date(2024, 9, 1), dt.date(2025, 3, 1)),
        OralMedication("x-pregabalin", 75.5, dt.date(2025, 3, 1), None, "for pain"),
        ToxinSession(dt.date(2025, 3, 10), "onabotulinumtoxinA", (
            Injection("gastrocnemius_medial", "left", 40.0, 2),
            Injection("gastrocnemius_medial", "right", 30.0, 2),
            Injection("x-tibialis_anterior", "left", 12.5, None),
        ), 50.0, "C1234", "ultrasound", "well tolerated"),
        Therapy("physical", dt.date(2025, 3, 17), dt.date(2025, 9, 1), 2.0),
        Orthosis("serial_casting", dt.date(2025, 3, 17), "ankle", "left", dt.date(2025, 4, 14)),
        PumpEvent("screening", dt.date(2025, 8, 1), bolus_mcg=50.0, notes="good response"),
        Sdr(dt.date(2025, 11, 3), "L2-S1", 50.0, "Dr M. Ito"),
        Surgery(dt.date(2025, 12, 1), "Adductor release", "both"),
    ),
)


def test_a_valid_full_document_parses_to_the_records_in_documented_order() -> None:
    assert REFERENCE.is_valid(full())
    child, pump = read(full())
    assert child == EXPECTED_CHILD
    # Order and values, spelled out where a plain == could hide a wrong type.
    assert [v.date for v in child.visits] == sorted(v.date for v in child.visits)
    assert child.visits[0].signed_at == dt.datetime(2025, 3, 2, 11, 30, tzinfo=dt.UTC)  # kept in UTC
    assert child.visits[0].signed_at.utcoffset() == dt.timedelta(0)  # type: ignore[union-attr]
    assert child.visits[1].status == "draft"  # the schema's default
    assert isinstance(child.visits[0].findings[2].tardieu_r1, float)
    assert {t.kind for t in child.treatments} == {
        "therapy", "orthosis", "oral_medication", "botulinum_toxin", "itb_pump", "sdr", "surgery"}
    assert pump.mrn == "ITB-7"
    assert pump.diagnosis == "x-hereditary_spastic_paraplegia"
    assert [t.event for t in pump.treatments] == ["implant", "refill"]  # type: ignore[union-attr]


def test_the_patients_are_returned_in_file_order() -> None:
    document = full()
    document["patients"].reverse()
    assert [r.mrn for r in read(document)] == ["ITB-7", "LB-100234"]


def test_an_empty_file_is_valid() -> None:
    assert read({"format": "assess-record/1", "patients": []}) == []


def test_clinics_own_codes_are_accepted_and_kept_as_they_came() -> None:
    child, pump = read(full())
    assert child.visits[2].findings[-1].muscle_group == "x-hip_external_rotators"
    assert "x-new_wheelchair" in child.visits[0].triggers
    assert child.visits[1].symptoms == ("x-night_cramps",)
    toxin = next(t for t in child.treatments if isinstance(t, ToxinSession))
    assert toxin.injections[-1].muscle == "x-tibialis_anterior"
    assert any(isinstance(t, OralMedication) and t.drug == "x-pregabalin" for t in child.treatments)
    assert pump.diagnosis == "x-hereditary_spastic_paraplegia"


# --- schema refusals: exact path and jsonschema's message ----------------------------------------------

def test_record_format_example_message() -> None:
    document = full()
    visits = document["patients"][0]["visits"]
    visits[2]["findings"] = copy.deepcopy(visits[1]["findings"])
    assert read(document)  # valid so far: three visits, six findings in the third
    document["patients"][0]["visits"][2]["findings"][5]["mas"] = "1++"
    assert refusal(document) == (
        "patients[0].visits[2].findings[5].mas: '1++' is not one of ['0', '1', '1+', '2', '3', '4']")


def test_the_error_carries_its_path() -> None:
    document = full()
    document["patients"][1]["visits"][0]["findings"][0]["mrc"] = "6"
    with pytest.raises(RecordError) as error:
        read(document)
    assert error.value.path == "patients[1].visits[0].findings[0].mrc"
    assert error.value.message == "'6' is not one of ['0', '1', '2', '3', '4-', '4', '4+', '5']"


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


def _drop(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return document


V0 = ("patients", 0, "visits", 0)
T0 = ("patients", 0, "treatments", 0)


@pytest.mark.parametrize(("path", "value", "message"), [
    (("format",), "assess-record/2", "format: 'assess-record/1' was expected"),
    (("patients",), {}, "patients: {} is not of type 'array'"),
    (("patients", 0, "sex"), "f", "patients[0].sex: 'f' is not one of ['female', 'male', 'other', 'unknown']"),
    (("patients", 0, "gmfcs"), "VI", "patients[0].gmfcs: 'VI' is not one of ['I', 'II', 'III', 'IV', 'V']"),
    (("patients", 0, "mrn"), "", "patients[0].mrn: '' should be non-empty"),
    (("patients", 0, "birth_date"), "2017-3-2",
     "patients[0].birth_date: '2017-3-2' does not match '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"),
    (("patients", 0, "goals", 0, "baseline"), 0, "patients[0].goals[0].baseline: 0 is not one of [-2, -1]"),
    (("patients", 0, "goals", 0, "importance"), 4,
     "patients[0].goals[0].importance: 4 is greater than the maximum of 3"),
    ((*V0, "findings", 0, "tardieu", "r1"), 180.5,
     "patients[0].visits[0].findings[0].tardieu.r1: 180.5 is greater than the maximum of 180"),
    ((*V0, "findings", 0, "tardieu", "x"), 6,
     "patients[0].visits[0].findings[0].tardieu.x: 6 is greater than the maximum of 5"),
    ((*V0, "findings", 0, "prom"), -180.5,
     "patients[0].visits[0].findings[0].prom: -180.5 is less than the minimum of -180"),
    ((*V0, "findings", 0, "asas"), 2.5, "patients[0].visits[0].findings[0].asas: 2.5 is not of type 'integer'"),
    ((*V0, "findings", 0, "tardieu"), {}, "patients[0].visits[0].findings[0].tardieu: {} should be non-empty"),
    ((*V0, "findings", 1), {"muscle_group": "hip_adductors", "side": "right"},
     "patients[0].visits[0].findings[1]: {'muscle_group': 'hip_adductors', 'side': 'right'} "
     "does not have enough properties"),
    ((*V0, "findings", 1, "side"), "both", "patients[0].visits[0].findings[1].side: 'both' is not one of "
                                           "['left', 'right']"),
    ((*V0, "weight_kg"), 0, "patients[0].visits[0].weight_kg: 0 is less than or equal to the minimum of 0"),
    ((*V0, "scores", "pain_nrs"), 11, "patients[0].visits[0].scores.pain_nrs: 11 is greater than the maximum of 10"),
    ((*V0, "scores", "penn_frequency"), 5,
     "patients[0].visits[0].scores.penn_frequency: 5 is greater than the maximum of 4"),
    ((*V0, "goal_scores", 0, "score"), 3,
     "patients[0].visits[0].goal_scores[0].score: 3 is not one of [-2, -1, 0, 1, 2]"),
    ((*V0, "triggers"), ["uti", "uti"], "patients[0].visits[0].triggers: ['uti', 'uti'] has non-unique elements"),
    ((*V0, "status"), "final", "patients[0].visits[0].status: 'final' is not one of ['draft', 'signed']"),
    ((*V0, "findings", 0, "clonus_sustained"), 0,
     "patients[0].visits[0].findings[0].clonus_sustained: 0 is not of type 'boolean'"),
    ((*T0, "injections"), [], "patients[0].treatments[0].injections: [] should be non-empty"),
    ((*T0, "kind"), "massage", "patients[0].treatments[0].kind: 'massage' is not one of ['therapy', 'orthosis', "
                               "'oral_medication', 'botulinum_toxin', 'itb_pump', 'sdr', 'surgery']"),
    ((*T0, "injections", 0, "units"), 0,
     "patients[0].treatments[0].injections[0].units: 0 is less than or equal to the minimum of 0"),
    ((*T0, "injections", 0, "sites"), 21,
     "patients[0].treatments[0].injections[0].sites: 21 is greater than the maximum of 20"),
    (("patients", 0, "treatments", 3, "side"), "middle",
     "patients[0].treatments[3].side: 'middle' is not one of ['left', 'right', 'both']"),
])
def test_a_value_the_schema_rejects_is_refused_with_its_path(path: tuple[Any, ...], value: Any,
                                                             message: str) -> None:
    assert refusal(_set(full(), path, value)) == message


@pytest.mark.parametrize(("path", "message"), [
    (("patients", 0, "mrn"), "patients[0]: 'mrn' is a required property"),
    ((*V0, "clinician"), "patients[0].visits[0]: 'clinician' is a required property"),
    (("patients", 0, "treatments", 1, "drug"), "patients[0].treatments[1]: 'drug' is a required property"),
    (("patients", 0, "goals", 0, "baseline"), "patients[0].goals[0]: 'baseline' is a required property"),
    (("format",), "(document): 'format' is a required property"),
])
def test_a_missing_required_value_is_refused_with_its_path(path: tuple[Any, ...], message: str) -> None:
    assert refusal(_drop(full(), path)) == message


def test_an_unknown_field_is_refused() -> None:
    document = full()
    document["patients"][0]["visits"][0]["finding"] = []
    assert refusal(document) == (
        "patients[0].visits[0]: Additional properties are not allowed ('finding' was unexpected)")
    document = full()
    document["extra"] = 1
    assert refusal(document) == "(document): Additional properties are not allowed ('extra' was unexpected)"


@pytest.mark.parametrize(("path", "value", "enum"), [
    ((*V0, "findings", 0, "muscle_group"), "elbow", "muscle_group"),
    ((*T0, "injections", 0, "muscle"), "deltoid", "muscle"),
])
def test_an_unknown_catalogue_code_is_refused_with_the_catalogue(path: tuple[Any, ...], value: str,
                                                                  enum: str) -> None:
    # The vocabulary also admits a clinic's x- code; the message lists the catalogue (schema.py says
    # "the enum branch words it best"), which tells the user what the valid codes are.
    codes = next(b["enum"] for b in SCHEMA["$defs"][enum]["anyOf"] if "enum" in b)
    expected_path = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
    assert refusal(_set(full(), path, value)) == f"{expected_path}: {value!r} is not one of {codes!r}"


def test_a_malformed_clinic_code_is_refused_at_its_path() -> None:
    message = refusal(_set(full(), (*V0, "triggers", 0), "x-New Wheelchair"))
    assert message.startswith("patients[0].visits[0].triggers[0]: 'x-New Wheelchair' ")


# --- the rules beyond the schema ----------------------------------------------------------------------

@pytest.mark.parametrize(("path", "value"), [
    ((*V0, "date"), "2025-02-30"),
    (("patients", 0, "birth_date"), "2017-02-29"),
    (("patients", 0, "goals", 0, "set_on"), "2025-13-01"),
    (("patients", 0, "treatments", 1, "start"), "2024-00-10"),
    (("patients", 0, "treatments", 1, "stop"), "2025-04-31"),
    ((*T0, "date"), "0000-01-01"),
])
def test_a_date_that_is_not_a_real_day_is_refused(path: tuple[Any, ...], value: str) -> None:
    expected_path = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
    assert refusal(_set(full(), path, value)) == f"{expected_path}: {value!r} is not a real calendar date (YYYY-MM-DD)"


def test_penn_severity_with_frequency_0_is_refused() -> None:
    document = full()
    document["patients"][1]["visits"][0]["scores"] = {"penn_frequency": 0, "penn_severity": 2}
    assert refusal(document).startswith(
        "patients[1].visits[0].scores.penn_severity: Penn spasm severity is recorded only when spasm frequency "
        "is above 0")


def test_penn_severity_without_frequency_is_refused() -> None:
    document = full()
    document["patients"][1]["visits"][0]["scores"] = {"penn_severity": 2}
    assert refusal(document).startswith(
        "patients[1].visits[0].scores.penn_severity: Penn spasm severity is recorded only when spasm frequency "
        "is above 0")


def test_penn_severity_with_frequency_above_0_is_kept() -> None:
    document = full()
    document["patients"][1]["visits"][0]["scores"] = {"penn_frequency": 1, "penn_severity": 3}
    scores = read(document)[1].visits[0].scores
    assert (scores.penn_frequency, scores.penn_severity) == (1, 3)


def test_a_score_for_an_unknown_goal_is_refused() -> None:
    document = _set(full(), (*V0, "goal_scores", 0, "goal"), "run")
    assert refusal(document) == (
        "patients[0].visits[0].goal_scores[0].goal: 'run' is not a goal of this patient (goals: shoes, stairs, walk)")


def test_a_goal_scored_before_it_was_set_is_refused() -> None:
    document = full()
    document["patients"][0]["visits"][0]["goal_scores"].append({"goal": "stairs", "score": 0})
    assert refusal(document) == (
        "patients[0].visits[0].goal_scores[2].goal: goal 'stairs' was set on 2025-06-09, after this visit")


def test_a_goal_scored_twice_in_a_visit_is_refused() -> None:
    document = full()
    document["patients"][0]["visits"][0]["goal_scores"].append({"goal": "walk", "score": 0})
    assert refusal(document) == "patients[0].visits[0].goal_scores[2].goal: goal 'walk' is scored twice in this visit"


def test_a_goal_id_used_twice_is_refused() -> None:
    document = _set(full(), ("patients", 0, "goals", 1, "id"), "walk")
    assert refusal(document) == "patients[0].goals[1].id: goal id 'walk' is used twice for this patient"


@pytest.mark.parametrize(("index", "key", "start"), [(1, "stop", "2024-09-01"), (3, "end", "2025-03-17"),
                                                     (4, "end", "2025-03-17")])
def test_a_stop_before_the_start_is_refused(index: int, key: str, start: str) -> None:
    document = _set(full(), ("patients", 0, "treatments", index, key), "2024-08-31")
    assert refusal(document) == f"patients[0].treatments[{index}].{key}: {key} 2024-08-31 is before start {start}"


def test_a_stop_on_the_start_day_is_accepted() -> None:
    document = _set(full(), ("patients", 0, "treatments", 1, "stop"), "2024-09-01")
    assert read(document)


def test_a_duplicate_mrn_in_one_file_is_refused() -> None:
    document = full()
    document["patients"][1]["mrn"] = "LB-100234"
    assert refusal(document) == "patients[1].mrn: MRN 'LB-100234' is in this file twice"


def test_a_duplicate_visit_is_refused() -> None:
    document = full()
    visits = document["patients"][0]["visits"]
    visits.append({"date": "2025-09-15", "type": "follow_up", "clinician": "Dr B. Other"})
    assert refusal(document) == "patients[0].visits[3]: a follow_up visit on 2025-09-15 is in this file twice"


def test_two_visits_of_different_types_on_one_day_are_accepted() -> None:
    document = full()
    document["patients"][0]["visits"].append({"date": "2025-09-15", "type": "dosing", "clinician": "Dr B. Other"})
    assert [v.type for v in read(document)[0].visits if v.date == dt.date(2025, 9, 15)] == ["follow_up", "dosing"]


def test_a_duplicate_finding_is_refused() -> None:
    document = full()
    document["patients"][0]["visits"][0]["findings"].append(
        {"muscle_group": "hip_adductors", "side": "left", "mas": "3"})
    assert refusal(document) == "patients[0].visits[0].findings[3]: hip_adductors left is recorded twice in this visit"


def test_a_duplicate_injection_is_refused() -> None:
    document = full()
    document["patients"][0]["treatments"][0]["injections"].append(
        {"muscle": "gastrocnemius_medial", "side": "left", "units": 10})
    assert refusal(document) == (
        "patients[0].treatments[0].injections[3]: gastrocnemius_medial left is injected twice in this session "
        "(record it once with the total units and sites)")


def test_a_duplicate_treatment_is_refused() -> None:
    document = full()
    document["patients"][0]["treatments"].append(
        {"kind": "botulinum_toxin", "date": "2025-03-10", "product": "onabotulinumtoxinA",
         "injections": [{"muscle": "soleus", "side": "left", "units": 20}]})
    assert refusal(document) == (
        "patients[0].treatments[8]: botulinum_toxin on 2025-03-10 (onabotulinumtoxinA) is in this file twice")


def test_two_toxin_products_on_one_day_are_two_sessions() -> None:
    document = full()
    document["patients"][0]["treatments"].append(
        {"kind": "botulinum_toxin", "date": "2025-03-10", "product": "abobotulinumtoxinA",
         "injections": [{"muscle": "soleus", "side": "left", "units": 200}]})
    toxins = [t for t in read(document)[0].treatments if isinstance(t, ToxinSession)]
    assert sorted(t.product for t in toxins) == ["abobotulinumtoxinA", "onabotulinumtoxinA"]


@pytest.mark.parametrize("path", [
    (*V0, "findings", 0, "asas"),
    (*V0, "findings", 0, "clonus_beats"),
    (*V0, "findings", 0, "tardieu", "x"),
    (*V0, "scores", "penn_frequency"),
    (*V0, "scores", "pain_nrs"),
    (*V0, "scores", "das", "hygiene"),
    (*V0, "scores", "scats", "clonus"),
    (*V0, "goal_scores", 0, "score"),
    ("patients", 0, "goals", 0, "importance"),
    ("patients", 0, "goals", 0, "baseline"),
    (*T0, "injections", 0, "sites"),
])
@pytest.mark.parametrize("value", [True, False])
def test_true_or_false_for_an_integer_is_refused(path: tuple[Any, ...], value: bool) -> None:
    # Python counts True as 1 and False as 0; the file format does not.
    expected_path = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
    message = refusal(_set(full(), path, value))
    assert message.startswith(f"{expected_path}: {value!r} ")


@pytest.mark.parametrize("path", [(*V0, "weight_kg"), (*V0, "findings", 0, "prom"), (*T0, "injections", 0, "units")])
def test_true_for_a_number_is_refused(path: tuple[Any, ...]) -> None:
    expected_path = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
    assert refusal(_set(full(), path, True)) == f"{expected_path}: True is not of type 'number'"


def test_a_whole_number_written_with_a_point_is_an_integer() -> None:
    # JSON Schema 2020-12: 2.0 is an integer.
    document = _set(full(), (*V0, "scores", "penn_frequency"), 2.0)
    assert read(document)[0].visits[0].scores.penn_frequency == 2


def test_signed_at_on_a_draft_is_refused() -> None:
    document = full()
    visit = document["patients"][0]["visits"][0]
    del visit["status"]  # a draft, by default
    assert refusal(document) == "patients[0].visits[0].signed_at: a draft visit has no signing time (status is 'draft')"
    visit["status"] = "draft"
    assert refusal(document) == "patients[0].visits[0].signed_at: a draft visit has no signing time (status is 'draft')"


def test_a_signed_visit_without_a_time_is_accepted() -> None:
    document = _drop(full(), (*V0, "signed_at"))
    visit = read(document)[0].visits[0]
    assert (visit.status, visit.signed_at) == ("signed", None)


@pytest.mark.parametrize(("value", "reason"), [
    ("2025-03-02T11:30:00", "has no time zone offset (add Z for UTC)"),
    ("yesterday", "is not a date-time (YYYY-MM-DDTHH:MM:SSZ)"),
    ("2025-02-30T11:30:00Z", "is not a date-time (YYYY-MM-DDTHH:MM:SSZ)"),
])
def test_a_bad_signing_time_is_refused(value: str, reason: str) -> None:
    assert refusal(_set(full(), (*V0, "signed_at"), value)) == f"patients[0].visits[0].signed_at: {value!r} {reason}"


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_signing_time_outside_the_calendar_in_utc_is_refused_not_a_crash(value: str) -> None:
    with pytest.raises(RecordError) as error:
        read(_set(full(), (*V0, "signed_at"), value))
    assert error.value.path == "patients[0].visits[0].signed_at"


def test_a_birth_date_in_the_future_is_refused() -> None:
    document = _set(full(), ("patients", 1, "birth_date"), "2026-01-02")
    assert refusal(document) == "patients[1].birth_date: birth date 2026-01-02 is in the future"


def test_a_birth_date_today_is_accepted() -> None:
    document = full()
    document["patients"][1].update(birth_date="2026-01-01", visits=[], treatments=[])
    assert read(document)[1].birth_date == TODAY


def test_a_visit_or_treatment_before_birth_is_refused() -> None:
    document = _set(full(), ("patients", 1, "visits", 0, "date"), "1979-11-19")
    assert refusal(document) == "patients[1].visits[0].date: visit on 1979-11-19 is before the birth date 1979-11-20"
    document = _set(full(), ("patients", 1, "treatments", 0, "date"), "1979-01-01")
    assert refusal(document) == (
        "patients[1].treatments[0]: itb_pump on 1979-01-01 (implant) is before the birth date 1979-11-20")


# --- property: random damage is refused as RecordError, never another exception ------------------------

INTERESTING: list[Any] = [
    None, True, False, 0, 1, -1, 2, 3, 4, 5, 1.5, 2.0, -180, 180, 180.5, -0.5, 1000, 1001, 10**6,
    "", "0", "1", "1+", "1++", "4-", "4+", "2+", "x-foo", "x-", "x-Foo", "left", "right", "both",
    "2025-02-30", "2025-03-02", "2025-06-09", "2030-01-01", "1900-01-01", "2017-03-02",
    "2025-03-02T11:30:00Z", "2025-03-02T11:30:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
    "signed", "draft", "walk", "shoes", "stairs", "baclofen", "therapy", "botulinum_toxin", "itb_pump",
    "elbow_flexors", "soleus", "onabotulinumtoxinA", "follow_up", "LB-100234", [], {}, [1], {"a": 1},
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**4, 10**4)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
values = st.one_of(st.sampled_from(INTERESTING).map(copy.deepcopy), json_values)  # never share [] or {}


def _property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {})) if isinstance(node.get("properties"), dict) else set()
        for value in node.values():
            names |= _property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _property_names(value)
    return names


FIELD_NAMES = sorted(_property_names(SCHEMA))  # adding a known field tests the rules about it


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


DATE_LIKE = [
    "2025-02-30", "2025-02-28", "2024-02-29", "2030-01-01", "1900-01-01", "0000-01-01", "2025-03-02\n",
    "2025-03-02T11:30:00Z", "2025-03-02T11:30:00", "2025-03-02T11:30:00+14:00", "2025-03-02T25:00:00Z",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "20250302", "2025-3-2",
]


def _tweaks(value: Any) -> st.SearchStrategy[Any]:
    """Values near the one in place: the off-by-one, wrong-type and look-alike mistakes a person makes."""
    if isinstance(value, bool):
        return st.sampled_from([not value, 0, 1, "true", None])
    if isinstance(value, (int, float)):
        return st.sampled_from([value + 1, value - 1, -value, value + 0.5, float(value), 0, True, False,
                                str(value), 10**6, -(10**6)])
    if isinstance(value, str):
        if re.match(r"[0-9]{4}-", value):
            return st.sampled_from(DATE_LIKE)
        return st.sampled_from(["", value.upper(), f"{value}+", f"x-{value}", value[:-1], f" {value}",
                                f"{value}\n", "x-" + value.replace("_", "-")])
    return values


def _field(path: tuple[Any, ...]) -> str:
    """The field a path ends in, whatever the indexes: patients[0].visits[2].date -> 'visits.date'."""
    names = [p for p in path if isinstance(p, str)]
    return ".".join(names[-2:]) + ("[]" if path and isinstance(path[-1], int) else "")


def _pick(data: st.DataObject, paths: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """A path, drawn field first so that a rare field (signed_at) is as likely as a common one (mas)."""
    by_field: dict[str, list[tuple[Any, ...]]] = {}
    for path in paths:
        by_field.setdefault(_field(path), []).append(path)
    return data.draw(st.sampled_from(by_field[data.draw(st.sampled_from(sorted(by_field)))]))


def _mutate(document: dict[str, Any], data: st.DataObject) -> None:
    paths = [p for p in _paths(document) if p]
    containers = [p for p in _paths(document) if isinstance(_at(document, p), (dict, list))]
    kind = data.draw(st.sampled_from(["drop", "set", "tweak", "tweak", "add", "duplicate", "copy"]))
    if kind == "tweak":
        path = _pick(data, [p for p in paths if not isinstance(_at(document, p), (dict, list))])
        _at(document, path[:-1])[path[-1]] = data.draw(_tweaks(_at(document, path)))
    elif kind == "drop":
        path = _pick(data, paths)
        del _at(document, path[:-1])[path[-1]]
    elif kind == "set":
        path = _pick(data, paths)
        _at(document, path[:-1])[path[-1]] = data.draw(values)
    elif kind == "add":
        parent = _at(document, _pick(data, containers))
        value = data.draw(values)
        if isinstance(parent, dict):
            parent[data.draw(st.sampled_from(FIELD_NAMES) | st.text(max_size=8))] = value
        else:
            parent.append(value)
    elif kind == "duplicate":
        lists = [p for p in containers if isinstance(_at(document, p), list) and _at(document, p)]
        if lists:
            target = _at(document, _pick(data, lists))
            target.append(copy.deepcopy(data.draw(st.sampled_from(target))))
    else:  # copy one value over another: a date where a number goes, a goal id where a muscle goes...
        source, target = _pick(data, paths), _pick(data, paths)
        if target[: len(source)] != source:
            _at(document, target[:-1])[target[-1]] = copy.deepcopy(_at(document, source))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_documents_parse_or_raise_record_error_and_agree_with_jsonschema(data: st.DataObject) -> None:
    document = full()
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        _mutate(document, data)
    refused: RecordError | None = None
    try:
        records = read(document)
    except RecordError as error:
        refused = error
    if refused is not None:
        assert str(refused).strip()
        return
    # Accepted: the reference validator must accept it as well (the fast validator is not laxer).
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in REFERENCE.iter_errors(document)]
    assert not errors, f"read_document accepted what jsonschema rejects: {errors}"
    # And what was read can be written and read back to the same records.
    assert read(write_document(records)) == records


DATE_FIELDS = [p for p in _paths(_FULL) if p and p[-1] in {
    "birth_date", "set_on", "date", "signed_at", "start", "stop", "end", "exported_at"}]
offsets = st.timedeltas(min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59))
date_texts = st.one_of(
    st.sampled_from(DATE_LIKE),
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.none() | st.builds(dt.timezone, offsets)).map(dt.datetime.isoformat),
    st.text(alphabet="0123456789-T:Z+. ", max_size=26),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DATE_FIELDS), date_texts)
def test_any_text_in_a_date_field_parses_or_is_refused_at_that_field(path: tuple[Any, ...], text: str) -> None:
    document = _set(full(), path, text)
    refused: RecordError | None = None
    try:
        records = read(document)
    except RecordError as error:
        refused = error
    if refused is not None:
        # Named at the field, or at what it made wrong in the same patient (a visit now before birth...).
        assert refused.path == "(document)" or refused.path.startswith(json_path(path[:2]))
        return
    assert REFERENCE.is_valid(document)
    if path[-1] != "signed_at":  # assess writes whole seconds; a foreign file's fractions are not kept
        assert read(write_document(records)) == records
