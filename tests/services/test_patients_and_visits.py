"""Entering and changing one patient's record through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from assess.record.domain import (
    Contact,
    Finding,
    Goal,
    GoalScore,
    Injection,
    OralMedication,
    PatientDetails,
    ToxinSession,
    Visit,
    VisitScores,
)
from assess.record.errors import DuplicateError, NotFoundError, RecordError, SignedRecordError, StaleEditError
from assess.services.history import latest_findings_with_change, patient_history
from assess.services.patients import create_patient, find_patients, patient_details, update_patient
from assess.services.visits import add_goal, record_treatment, record_visit
from assess.storage.db import Database

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy", gmfcs="III",
                     primary_care=Contact("Dr A. Rao", phone="555-0100"))


def _visit(day: str, mas: str, **kwargs: object) -> Visit:
    return Visit(dt.date.fromisoformat(day), "follow_up", "Dr K. Osei",
                 findings=(Finding("elbow_flexors", "left", mas=mas),), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def zoe(database: Database) -> Database:
    with database.transaction() as session:
        create_patient(session, ZOE)
    return database


def test_a_duplicate_mrn_is_refused_and_the_first_patient_kept(zoe: Database) -> None:
    other = dataclasses.replace(ZOE, family_name="Other")
    with pytest.raises(DuplicateError, match="MRN 'LB-1' belongs to another patient"), zoe.transaction() as s:
        create_patient(s, other)
    with zoe.transaction() as session:
        assert patient_details(session, "LB-1")[0].family_name == "Müller"


def test_invalid_details_name_the_field(database: Database) -> None:
    bad = dataclasses.replace(ZOE, gmfcs="VI")
    with pytest.raises(RecordError, match=r"^gmfcs: 'VI' is not one of"), database.transaction() as session:
        create_patient(session, bad)
    future = dataclasses.replace(ZOE, birth_date=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(RecordError, match=r"^birth_date: .* is in the future"), database.transaction() as session:
        create_patient(session, future)


def test_a_stale_edit_is_refused_and_the_newer_one_kept(zoe: Database) -> None:
    with zoe.transaction() as session:
        _, version = patient_details(session, "LB-1")
    with zoe.transaction() as session:  # workstation A saves first
        update_patient(session, "LB-1", dataclasses.replace(ZOE, gmfcs="II"), version)
    with pytest.raises(StaleEditError, match="changed on another workstation"), zoe.transaction() as session:
        update_patient(session, "LB-1", dataclasses.replace(ZOE, gmfcs="IV"), version)  # B, from its old copy
    with zoe.transaction() as session:
        assert patient_details(session, "LB-1")[0].gmfcs == "II"


def test_search_ignores_case_and_accents(zoe: Database) -> None:
    with zoe.transaction() as session:
        create_patient(session, PatientDetails("ITB-7", "Núñez", "José", dt.date(1979, 11, 20), "male", "stroke"))
        assert [p.mrn for p in find_patients(session, "NUNEZ jose")] == ["ITB-7"]
        assert [p.mrn for p in find_patients(session, "zoe")] == ["LB-1"]
        assert [p.mrn for p in find_patients(session, "lb-")] == ["LB-1"]
        assert [p.mrn for p in find_patients(session, "1979-11-20")] == ["ITB-7"]
        assert find_patients(session, "100%_") == []
        assert [p.mrn for p in find_patients(session, "")] == ["LB-1", "ITB-7"]  # by name: Müller, Núñez


def test_record_visit_then_change_the_draft(zoe: Database) -> None:
    with zoe.transaction() as session:
        assert record_visit(session, "LB-1", _visit("2025-01-10", "2")) == 1
    with zoe.transaction() as session:
        assert record_visit(session, "LB-1", _visit("2025-01-10", "1+"), expected_version=1) == 2
    with zoe.transaction() as session:
        visits = patient_history(session, "LB-1").visits
    assert len(visits) == 1 and visits[0].findings[0].mas == "1+"


def test_a_stale_draft_is_not_overwritten(zoe: Database) -> None:
    with zoe.transaction() as session:
        record_visit(session, "LB-1", _visit("2025-01-10", "2"))
    with zoe.transaction() as session:
        record_visit(session, "LB-1", _visit("2025-01-10", "3"), expected_version=1)
    with pytest.raises(StaleEditError), zoe.transaction() as session:
        record_visit(session, "LB-1", _visit("2025-01-10", "0"), expected_version=1)
    with zoe.transaction() as session:
        assert patient_history(session, "LB-1").visits[0].findings[0].mas == "3"


def test_a_signed_visit_cannot_be_changed(zoe: Database) -> None:
    signed = _visit("2025-01-10", "2", status="signed", signed_at=dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC))
    with zoe.transaction() as session:
        record_visit(session, "LB-1", signed)
    with pytest.raises(SignedRecordError, match="is signed and cannot be changed"), zoe.transaction() as session:
        record_visit(session, "LB-1", _visit("2025-01-10", "0"))


def test_invalid_visit_values_name_the_path_inside_the_visit(zoe: Database) -> None:
    bad = _visit("2025-01-10", "5")
    with pytest.raises(RecordError, match=r"^findings\[0\]\.mas: '5' is not one of"), zoe.transaction() as s:
        record_visit(s, "LB-1", bad)
    penn = _visit("2025-01-10", "1", scores=VisitScores(penn_frequency=0, penn_severity=2))
    with pytest.raises(RecordError, match=r"^scores\.penn_severity: Penn spasm severity"), zoe.transaction() as s:
        record_visit(s, "LB-1", penn)
    unknown_goal = _visit("2025-01-10", "1", goal_scores=(GoalScore("nope", 1),))
    with pytest.raises(RecordError, match="not a goal of this patient"), zoe.transaction() as s:
        record_visit(s, "LB-1", unknown_goal)
    with zoe.transaction() as session:
        assert patient_history(session, "LB-1").visits == ()


def test_goals_and_their_scores(zoe: Database) -> None:
    goal = Goal("walk", "Walks 10 m", dt.date(2025, 1, 1), -1, importance=2, difficulty=1)
    with zoe.transaction() as session:
        add_goal(session, "LB-1", goal)
        record_visit(session, "LB-1", _visit("2025-03-01", "2", goal_scores=(GoalScore("walk", 1),)))
    with pytest.raises(RecordError, match="used twice"), zoe.transaction() as session:
        add_goal(session, "LB-1", goal)
    with zoe.transaction() as session:
        record = patient_history(session, "LB-1")
    assert record.goals == (goal,) and record.visits[0].goal_scores == (GoalScore("walk", 1),)


def test_latest_findings_show_the_change(zoe: Database) -> None:
    with zoe.transaction() as session:
        record_visit(session, "LB-1", _visit("2025-01-10", "3"))
        record_visit(session, "LB-1", _visit("2025-04-10", "1+"))
        (change,) = latest_findings_with_change(session, "LB-1")
    mas = change.change("mas")
    assert mas is not None and (mas.previous, mas.current, mas.direction) == ("3", "1+", "better")


def test_record_treatment_new_then_replaced(zoe: Database) -> None:
    session_ = ToxinSession(dt.date(2025, 2, 1), "onabotulinumtoxinA",
                            (Injection("biceps_brachii", "left", 40.0, 2),))
    with zoe.transaction() as session:
        assert record_treatment(session, "LB-1", session_) is True
        more = dataclasses.replace(session_, injections=(Injection("biceps_brachii", "left", 50.0, 2),
                                                         Injection("brachialis", "left", 20.0, 1)))
        assert record_treatment(session, "LB-1", more) is False
        record_treatment(session, "LB-1", OralMedication("baclofen", 15.0, dt.date(2025, 1, 1)))
        treatments = patient_history(session, "LB-1").treatments
    assert len(treatments) == 2
    toxin = next(t for t in treatments if isinstance(t, ToxinSession))
    assert toxin.total_units == 70


def test_a_drug_stopped_before_it_started_is_refused(zoe: Database) -> None:
    drug = OralMedication("tizanidine", 6.0, dt.date(2025, 5, 1), stop=dt.date(2025, 4, 1))
    with pytest.raises(RecordError, match=r"^stop: stop 2025-04-01 is before start 2025-05-01"), \
            zoe.transaction() as session:
        record_treatment(session, "LB-1", drug)


def test_unknown_patient(database: Database) -> None:
    with pytest.raises(NotFoundError, match="no patient with MRN 'X'"), database.transaction() as session:
        record_visit(session, "X", _visit("2025-01-10", "1"))


def test_a_corrected_treatment_replaces_the_old_one_even_with_a_new_date(zoe: Database) -> None:
    from assess.services.visits import replace_treatment

    typo = ToxinSession(dt.date(2025, 2, 1), "onabotulinumtoxinA", (Injection("soleus", "left", 400.0, 2),))
    fixed = ToxinSession(dt.date(2025, 2, 3), "onabotulinumtoxinA", (Injection("soleus", "left", 40.0, 2),))
    with zoe.transaction() as session:
        record_treatment(session, "LB-1", typo)
        replace_treatment(session, "LB-1", typo, fixed)
        assert patient_history(session, "LB-1").treatments == (fixed,)


def test_a_correction_onto_another_stored_treatment_is_refused(zoe: Database) -> None:
    from assess.services.visits import replace_treatment

    first = OralMedication("baclofen", 10.0, dt.date(2025, 1, 1), stop=dt.date(2025, 3, 1))
    second = OralMedication("baclofen", 15.0, dt.date(2025, 3, 1))
    with zoe.transaction() as session:
        record_treatment(session, "LB-1", first)
        record_treatment(session, "LB-1", second)
    onto_second = OralMedication("baclofen", 12.0, dt.date(2025, 3, 1))
    with pytest.raises(DuplicateError, match=r"oral_medication on 2025-03-01 \(baclofen\) is recorded already"), \
            zoe.transaction() as session:
        replace_treatment(session, "LB-1", first, onto_second)
    with zoe.transaction() as session:
        assert set(patient_history(session, "LB-1").treatments) == {first, second}
