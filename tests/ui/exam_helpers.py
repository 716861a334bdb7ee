"""Shared helpers of the exam editor tests: a demo-like patient with an earlier exam, an open editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from assess.record.domain import Contact, Finding, Goal, GoalScore, PatientDetails, Visit, VisitScores
from assess.services.patients import create_patient
from assess.services.visits import add_goal, record_visit
from assess.storage.db import Database
from assess.storage.drafts import DraftStore

MRN = "LB-100234"
ZOE = PatientDetails(MRN, "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy", "spastic diplegia",
                     "III", Contact("Dr A. Rao", phone="555-0100"))
LAST_DATE = dt.date(2025, 3, 2)
TODAY = dt.date(2025, 6, 9)
GOALS = (
    Goal("walk", "Walks 10 m with a walker", LAST_DATE, -1, 2, 2),
    Goal("shoes", "Puts on shoes with help", LAST_DATE, -2),
    Goal("later", "Rides a tricycle", dt.date(2025, 8, 1), -1),  # set after the visit: not scored at it
)
LAST_VISIT = Visit(
    LAST_DATE, "initial", "Dr K. Osei", weight_kg=22.6,
    findings=(
        Finding("hip_adductors", "left", mas="1+", tardieu_x=2),
        Finding("hip_adductors", "right", mas="2"),
        Finding("knee_flexors", "left", mas="1", prom=-30.0),
        Finding("knee_flexors", "right", mas="1"),
        Finding("plantarflexors_knee_extended", "left", mas="3", tardieu_x=2, tardieu_r1=-15.0, tardieu_r2=5.0,
                prom=5.0, mrc="4-"),
        Finding("plantarflexors_knee_extended", "right", mas="2", tardieu_x=2, tardieu_r1=-5.0, tardieu_r2=10.0),
    ),
    scores=VisitScores(penn_frequency=2, penn_severity=1, pain_nrs=3),
    symptoms=("stiffness", "leg_crossing"),
    goal_scores=(GoalScore("walk", -1), GoalScore("shoes", -2)),
)
LOWER_GROUPS = (
    "hip_flexors", "hip_adductors", "knee_flexors", "knee_extensors", "plantarflexors_knee_extended",
    "plantarflexors_knee_flexed", "ankle_invertors", "toe_flexors", "great_toe_extensor",
)


def add_patient(db: Database, history: bool = True) -> str:
    """Zoë with two goals set at her first visit and (with history) that first exam, lower limbs."""
    with db.transaction() as session:
        create_patient(session, ZOE)
        if history:
            for goal in GOALS:
                add_goal(session, MRN, goal)
            record_visit(session, MRN, LAST_VISIT)
    return MRN


def drafts_in(folder: Path) -> DraftStore:
    return DraftStore(folder / "drafts")


def type_keys(widget: QWidget, keys: Iterable[str | Qt.Key]) -> int:
    """Send keystrokes one by one (as QTest does from a keyboard); returns how many were sent."""
    count = 0
    for key in keys:
        QTest.keyClick(widget, key)  # type: ignore[call-overload]
        count += 1
    return count
