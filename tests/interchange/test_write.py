"""write_document: schema-valid output, numbers as a person writes them, nothing absent, documented order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import assess.interchange
from assess.interchange.read import read_document
from assess.interchange.write import number, write_document
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
from assess.scoring.order import canonical_record

SCHEMA: dict[str, Any] = json.loads(
    (Path(assess.interchange.__file__).parent / "assess-record-1.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
TODAY = dt.date(2026, 1, 1)
D = dt.date


def rich_record() -> PatientRecord:
    """One patient with every field and every treatment kind, lists deliberately out of order."""
    return PatientRecord(
        mrn="LB-100234", family_name="Müller", given_name="Zoë", birth_date=D(2017, 3, 2), sex="female",
        diagnosis="cerebral_palsy", diagnosis_note="spastic diplegia", gmfcs="III",
        primary_care=Contact("Dr A. Rao", "Elm Street Practice", "1 Elm Street", "555-0100", "555-0101",
                             "rao@example.org"),
        goals=(
            Goal("stairs", "Climbs 3 stairs", D(2025, 6, 9), -1, importance=3),
            Goal("walk", "Walks 10 m with a walker", D(2025, 3, 2), -1, 2, 2),
            Goal("shoes", "Puts on shoes with help", D(2025, 3, 2), -2),
        ),
        visits=(
            Visit(D(2025, 9, 15), "follow_up", "Dr K. Osei",
                  findings=(
                      Finding("x-hip_external_rotators", "left", mas="1"),
                      Finding("plantarflexors_knee_flexed", "right", mas="2", note="guarding"),
                      Finding("knee_extensors", "left", clonus_beats=3, clonus_sustained=False),
                      Finding("elbow_flexors", "right", reflex="3+"),
                      Finding("elbow_flexors", "left", mas="1", mrc="4-"),
                      Finding("knee_flexors", "left", prom=-30.5),
                  ),
                  scores=VisitScores(penn_frequency=0),
                  goal_scores=(GoalScore("walk", 1), GoalScore("stairs", 1))),
            Visit(D(2025, 3, 2), "initial", "Dr K. Osei", "signed",
                  dt.datetime(2025, 3, 2, 11, 30, tzinfo=dt.UTC), 22.6,
                  findings=(
                      Finding("plantarflexors_knee_extended", "left", mas="3", tardieu_x=2, tardieu_r1=-15.0,
                              tardieu_r2=5.0, asas=3, prom=5.0),
                      Finding("hip_adductors", "right", mas="2"),
                      Finding("hip_adductors", "left", mas="1+"),
                  ),
                  scores=VisitScores(2, 1, 3, 1, 0, 2, 1, 2, 1, 0),
                  triggers=("x-new_wheelchair", "constipation"), symptoms=("stiffness", "leg_crossing"),
                  goal_scores=(GoalScore("walk", -1), GoalScore("shoes", -2)), notes="First visit."),
            Visit(D(2025, 6, 9), "post_injection_review", "Dr K. Osei", weight_kg=23.0,
                  findings=(Finding("plantarflexors_knee_extended", "left", mas="1+", tardieu_x=1, tardieu_r1=0.0,
                                    tardieu_r2=10.5, clonus_sustained=True),),
                  symptoms=("x-night_cramps",),
                  goal_scores=(GoalScore("walk", 0), GoalScore("shoes", -1), GoalScore("stairs", -1))),
            Visit(D(2025, 6, 9), "dosing", "Dr L. Chen", weight_kg=23.0),
        ),
        treatments=(
            Surgery(D(2025, 12, 1), "Adductor release", "both", notes="day case"),
            Sdr(D(2025, 11, 3), "L2-S1", 50.0, "Dr M. Ito", "uneventful"),
            PumpEvent("screening", D(2025, 8, 1), bolus_mcg=50.0, notes="good response"),
            PumpEvent("implant", D(2025, 10, 1), "SynchroMed II", 20.0, 20.0, 500.0, 150.0),
            PumpEvent("refill", D(2025, 12, 1), volume_ml=19.5, concentration_mcg_per_ml=500.0,
                      dose_mcg_per_day=180.0),
            Orthosis("serial_casting", D(2025, 3, 17), "ankle", "left", D(2025, 4, 14), "weekly"),
            Therapy("physical", D(2025, 3, 17), D(2025, 9, 1), 2.0, "home programme"),
            ToxinSession(D(2025, 3, 10), "onabotulinumtoxinA", (
                Injection("x-tibialis_anterior", "left", 12.5),
                Injection("gastrocnemius_medial", "right", 30.0, 2),
                Injection("gastrocnemius_medial", "left", 40.0, 2),
            ), 50.0, "C1234", "ultrasound", "well tolerated"),
            OralMedication("x-pregabalin", 75.5, D(2025, 3, 1), None, "for pain"),
            OralMedication("baclofen", 15.0, D(2024, 9, 1), D(2025, 3, 1)),
        ),
    )


def minimal_record() -> PatientRecord:
    return PatientRecord("ITB-7", "Núñez", "José", D(1979, 11, 20), "male", "spinal_cord_injury")


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def written(*records: PatientRecord) -> dict[str, Any]:
    return write_document(records)


def child_of(document: dict[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = document["patients"][0]
    return patient


# --- valid against the schema -------------------------------------------------------------------------

def test_output_validates_against_the_schema() -> None:
    document = write_document([rich_record(), minimal_record()],
                              exported_at=dt.datetime(2025, 10, 1, 8, 0, tzinfo=dt.UTC), exported_by="Dr K. Osei")
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == []
    assert document["format"] == "assess-record/1"


def test_output_is_plain_json() -> None:
    document = written(rich_record())
    assert json.loads(json.dumps(document)) == document


def test_export_time_is_written_in_utc_with_z() -> None:
    cest = dt.timezone(dt.timedelta(hours=2))
    document = write_document([], exported_at=dt.datetime(2025, 6, 9, 14, 0, 5, tzinfo=cest), exported_by="me")
    assert document == {"format": "assess-record/1", "exported_at": "2025-06-09T12:00:05Z", "exported_by": "me",
                        "patients": []}


def test_signing_time_is_written_in_utc_with_z() -> None:
    record = rich_record()
    cet = dt.timezone(dt.timedelta(hours=1))
    visit = dataclasses.replace(record.visits[1], signed_at=dt.datetime(2025, 3, 2, 12, 30, tzinfo=cet))
    document = written(dataclasses.replace(record, visits=(visit,)))
    assert child_of(document)["visits"][0]["signed_at"] == "2025-03-02T11:30:00Z"


# --- numbers ------------------------------------------------------------------------------------------

def test_whole_numbers_are_written_without_a_decimal_point() -> None:
    document = written(rich_record())
    text = json.dumps(document)
    # Every float in the output has a fraction: 23.0 kg is written 23, 40.0 U is written 40.
    floats = [v for v in _walk(document) if isinstance(v, float)]
    assert floats and all(not v.is_integer() for v in floats)
    assert ".0," not in text and ".0}" not in text and ".0]" not in text
    child = child_of(document)
    assert child["visits"][1]["weight_kg"] == 23 and type(child["visits"][1]["weight_kg"]) is int
    assert child["visits"][0]["weight_kg"] == 22.6
    initial_ankle = child["visits"][0]["findings"][2]
    assert initial_ankle["tardieu"] == {"x": 2, "r1": -15, "r2": 5}
    assert type(initial_ankle["tardieu"]["r1"]) is int and type(initial_ankle["prom"]) is int
    toxin = next(t for t in child["treatments"] if t["kind"] == "botulinum_toxin")
    assert [i["units"] for i in toxin["injections"]] == [40, 30, 12.5]
    assert type(toxin["dilution_units_per_ml"]) is int
    baclofen = next(t for t in child["treatments"] if t.get("drug") == "baclofen")
    assert baclofen["dose_mg_per_day"] == 15 and type(baclofen["dose_mg_per_day"]) is int


@pytest.mark.parametrize(("value", "expected"), [(22.0, 22), (0.0, 0), (-15.0, -15), (22.6, 22.6), (-0.5, -0.5),
                                                 (1e3, 1000), (7, 7)])
def test_number(value: float, expected: float) -> None:
    result = number(value)
    assert result == expected
    assert type(result) is type(expected)


# --- absent values ------------------------------------------------------------------------------------

def test_absent_values_are_left_out_never_null() -> None:
    document = write_document([rich_record(), minimal_record()])
    assert all(v is not None for v in _walk(document))
    assert all(v != [] and v != {} for v in _walk(document) if v is not document["patients"])


def test_a_minimal_record_has_only_its_fields() -> None:
    assert written(minimal_record()) == {"format": "assess-record/1", "patients": [{
        "mrn": "ITB-7", "family_name": "Núñez", "given_name": "José", "birth_date": "1979-11-20", "sex": "male",
        "diagnosis": "spinal_cord_injury"}]}
    assert "exported_at" not in written(minimal_record())


def test_a_bare_visit_and_finding_have_only_what_was_recorded() -> None:
    record = dataclasses.replace(minimal_record(), visits=(
        Visit(D(2024, 1, 15), "itb_refill", "Dr L. Chen", findings=(
            Finding("knee_extensors", "left", mas="2"),
            Finding("knee_flexors", "left", tardieu_r2=20.0),
            Finding("hip_flexors", "left", clonus_sustained=False),
        )),))
    (visit,) = child_of(written(record))["visits"]
    assert visit == {"date": "2024-01-15", "type": "itb_refill", "clinician": "Dr L. Chen", "status": "draft",
                     "findings": [
                         {"muscle_group": "hip_flexors", "side": "left", "clonus_sustained": False},
                         {"muscle_group": "knee_flexors", "side": "left", "tardieu": {"r2": 20}},
                         {"muscle_group": "knee_extensors", "side": "left", "mas": "2"},
                     ]}


def test_a_zero_is_written_not_dropped() -> None:
    record = dataclasses.replace(minimal_record(), visits=(
        Visit(D(2024, 1, 15), "itb_refill", "Dr L. Chen",
              findings=(Finding("knee_extensors", "left", mas="0", prom=0.0, clonus_beats=0),),
              scores=VisitScores(penn_frequency=0, pain_nrs=0, das_hygiene=0)),))
    (visit,) = child_of(written(record))["visits"]
    assert visit["findings"] == [{"muscle_group": "knee_extensors", "side": "left", "mas": "0", "prom": 0,
                                  "clonus_beats": 0}]
    assert visit["scores"] == {"penn_frequency": 0, "pain_nrs": 0, "das": {"hygiene": 0}}


def test_a_goal_without_weights_has_no_weight_fields() -> None:
    goals = {g["id"]: g for g in child_of(written(rich_record()))["goals"]}
    assert goals["shoes"] == {"id": "shoes", "text": "Puts on shoes with help", "set_on": "2025-03-02",
                              "baseline": -2}
    assert goals["stairs"] == {"id": "stairs", "text": "Climbs 3 stairs", "set_on": "2025-06-09", "importance": 3,
                               "baseline": -1}


# --- documented order ---------------------------------------------------------------------------------

def test_visits_are_written_by_date() -> None:
    visits = child_of(written(rich_record()))["visits"]
    # Two visits on 2025-06-09: the format's visit-type order breaks the tie.
    assert [(v["date"], v["type"]) for v in visits] == [
        ("2025-03-02", "initial"), ("2025-06-09", "post_injection_review"), ("2025-06-09", "dosing"),
        ("2025-09-15", "follow_up")]


def test_findings_are_written_in_catalogue_order_then_left_before_right() -> None:
    visits = child_of(written(rich_record()))["visits"]
    assert [(f["muscle_group"], f["side"]) for f in visits[0]["findings"]] == [
        ("hip_adductors", "left"), ("hip_adductors", "right"), ("plantarflexors_knee_extended", "left")]
    # A clinic's own group comes after the catalogue's.
    assert [(f["muscle_group"], f["side"]) for f in visits[3]["findings"]] == [
        ("elbow_flexors", "left"), ("elbow_flexors", "right"), ("knee_flexors", "left"), ("knee_extensors", "left"),
        ("plantarflexors_knee_flexed", "right"), ("x-hip_external_rotators", "left")]


def test_treatments_are_written_by_date() -> None:
    treatments = child_of(written(rich_record()))["treatments"]
    dates = [t.get("date") or t["start"] for t in treatments]
    assert dates == sorted(dates)
    assert [(t.get("date") or t["start"], t["kind"]) for t in treatments] == [
        ("2024-09-01", "oral_medication"), ("2025-03-01", "oral_medication"), ("2025-03-10", "botulinum_toxin"),
        ("2025-03-17", "therapy"), ("2025-03-17", "orthosis"), ("2025-08-01", "itb_pump"),
        ("2025-10-01", "itb_pump"), ("2025-11-03", "sdr"), ("2025-12-01", "itb_pump"), ("2025-12-01", "surgery")]


def test_vocabulary_lists_keep_the_catalogue_order_with_a_clinics_own_codes_last() -> None:
    initial = child_of(written(rich_record()))["visits"][0]
    assert initial["triggers"] == ["constipation", "x-new_wheelchair"]
    assert initial["symptoms"] == ["leg_crossing", "stiffness"]


def test_patients_are_written_in_the_order_given() -> None:
    document = write_document([rich_record(), minimal_record()])
    assert [p["mrn"] for p in document["patients"]] == ["LB-100234", "ITB-7"]
    document = write_document([minimal_record(), rich_record()])
    assert [p["mrn"] for p in document["patients"]] == ["ITB-7", "LB-100234"]


def test_every_treatment_kind_is_written_with_its_fields() -> None:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for t in child_of(written(rich_record()))["treatments"]:
        by_kind.setdefault(t["kind"], []).append(t)
    assert by_kind["therapy"] == [{"kind": "therapy", "therapy": "physical", "start": "2025-03-17",
                                   "end": "2025-09-01", "sessions_per_week": 2, "notes": "home programme"}]
    assert by_kind["orthosis"] == [{"kind": "orthosis", "orthosis": "serial_casting", "body_region": "ankle",
                                    "side": "left", "start": "2025-03-17", "end": "2025-04-14", "notes": "weekly"}]
    assert by_kind["oral_medication"][0] == {"kind": "oral_medication", "drug": "baclofen", "dose_mg_per_day": 15,
                                             "start": "2024-09-01", "stop": "2025-03-01"}
    assert by_kind["botulinum_toxin"] == [{
        "kind": "botulinum_toxin", "date": "2025-03-10", "product": "onabotulinumtoxinA",
        "dilution_units_per_ml": 50, "lot": "C1234", "guidance": "ultrasound",
        "injections": [{"muscle": "gastrocnemius_medial", "side": "left", "units": 40, "sites": 2},
                       {"muscle": "gastrocnemius_medial", "side": "right", "units": 30, "sites": 2},
                       {"muscle": "x-tibialis_anterior", "side": "left", "units": 12.5}],
        "notes": "well tolerated"}]
    assert by_kind["itb_pump"][1] == {"kind": "itb_pump", "event": "implant", "date": "2025-10-01",
                                      "pump_model": "SynchroMed II", "reservoir_ml": 20, "volume_ml": 20,
                                      "concentration_mcg_per_ml": 500, "dose_mcg_per_day": 150}
    assert by_kind["sdr"] == [{"kind": "sdr", "date": "2025-11-03", "levels": "L2-S1", "rootlets_cut_percent": 50,
                               "surgeon": "Dr M. Ito", "notes": "uneventful"}]
    assert by_kind["surgery"] == [{"kind": "surgery", "date": "2025-12-01", "procedure": "Adductor release",
                                   "side": "both", "notes": "day case"}]


# --- round trip ---------------------------------------------------------------------------------------

def test_read_of_write_gives_back_the_records() -> None:
    records = [rich_record(), minimal_record()]
    document = write_document(records)
    assert read_document(document, today=TODAY) == [canonical_record(r) for r in records]


def test_read_of_write_survives_a_json_file() -> None:
    records = [rich_record(), minimal_record()]
    text = json.dumps(write_document(records), ensure_ascii=False)
    assert read_document(json.loads(text), today=TODAY) == [canonical_record(r) for r in records]


def test_write_of_read_of_write_is_the_same_document() -> None:
    first = write_document([rich_record(), minimal_record()])
    assert write_document(read_document(first, today=TODAY)) == first


def test_the_order_records_are_given_in_does_not_change_the_document() -> None:
    shuffled = rich_record()
    in_order = canonical_record(shuffled)
    assert in_order != shuffled  # the hand-made record really is out of order
    assert written(shuffled) == written(in_order)
