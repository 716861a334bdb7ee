"""Goals corrected and withdrawn after they are set: checked like an import, audited, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from assess.record.domain import Goal, GoalScore, PatientDetails, Visit
from assess.record.errors import RecordError
from assess.services.audit import events
from assess.services.goals import restore_goal, update_goal, withdraw_goal, withdrawn_goals
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.visits import add_goal, record_visit
from assess.storage.db import Database

MRN = "LB-7"
SET = dt.date(2025, 3, 2)
WALK = Goal("walk", "Walks 10 m with a walker", SET, -1, 2, 2)


def _patient(database: Database) -> None:
    with database.transaction() as session:
        create_patient(session, PatientDetails(MRN, "Abdi", "Nadia", dt.date(2016, 5, 1), "female",
                                               "cerebral_palsy"))
        add_goal(session, MRN, WALK)
        record_visit(session, MRN, Visit(dt.date(2025, 6, 9), "follow_up", "Dr K. Osei",
                                         goal_scores=(GoalScore("walk", 0),)))


def test_a_goal_is_corrected_and_the_change_is_in_the_audit_trail(database: Database) -> None:
    _patient(database)
    with database.transaction() as session:
        assert update_goal(session, MRN, Goal("walk", "Walks 20 m with a walker", SET, -1, 3, 2))
        assert not update_goal(session, MRN, Goal("walk", "Walks 20 m with a walker", SET, -1, 3, 2))
    with database.transaction() as session:
        [goal] = patient_history(session, MRN).goals
        assert (goal.text, goal.importance) == ("Walks 20 m with a walker", 3)
        [event] = [e for e in events(session) if e.entity == "goal" and e.action == "update"]
        assert event.before["text"] == "Walks 10 m with a walker" and event.after["importance"] == 3


def test_a_correction_that_breaks_a_scored_visit_is_refused_and_writes_nothing(database: Database) -> None:
    _patient(database)
    with database.transaction() as session, pytest.raises(RecordError) as refused:
        update_goal(session, MRN, Goal("walk", WALK.text, dt.date(2025, 7, 1), -1, 2, 2))
    assert refused.value.path == "set_on" and "scored at a visit" in str(refused.value)
    with database.transaction() as session:
        assert patient_history(session, MRN).goals == (WALK,)


def test_a_goal_is_withdrawn_with_its_reason_and_restored(database: Database) -> None:
    _patient(database)
    with database.transaction() as session:
        with pytest.raises(RecordError, match="say why"):
            withdraw_goal(session, MRN, "walk", dt.date(2025, 7, 1), "  ")
        withdraw_goal(session, MRN, "walk", dt.date(2025, 7, 1), "family moved the goal to school")
    with database.transaction() as session:
        found = withdrawn_goals(session, MRN)
        assert found["walk"].on == dt.date(2025, 7, 1) and "school" in found["walk"].reason
        assert patient_history(session, MRN).visits[0].goal_scores == (GoalScore("walk", 0),)  # kept
        actions = [e.action for e in events(session) if e.entity == "goal"]
        assert actions == ["withdraw", "create"]  # newest first
        restore_goal(session, MRN, "walk")
    with database.transaction() as session:
        assert withdrawn_goals(session, MRN) == {}
