"""Change since the previous exam per muscle group and side (the worsening rule: test_worsening.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assess.record.domain import Finding, Visit, VisitScores
from assess.scoring.change import (
    FindingChange,
    ScaleChange,
    direction,
    latest_findings,
)

D1, D2, D3, D4 = dt.date(2025, 1, 10), dt.date(2025, 4, 10), dt.date(2025, 7, 10), dt.date(2025, 10, 10)


def visit(day: dt.date, *findings: Finding, penn: int | None = None, type_: str = "follow_up") -> Visit:
    return Visit(day, type_, "Dr K. Osei", findings=findings,
                 scores=VisitScores(penn_frequency=penn, penn_severity=1 if penn else None))


def f(group: str = "elbow_flexors", side: str = "left", **scales: Any) -> Finding:
    return Finding(group, side, **scales)


def only(changes: list[FindingChange], group: str = "elbow_flexors", side: str = "left") -> FindingChange:
    matching = [c for c in changes if (c.muscle_group, c.side) == (group, side)]
    assert len(matching) == 1
    return matching[0]


def change_of(scale: str, previous: Any, current: Any) -> ScaleChange:
    changes = latest_findings([visit(D1, f(**{scale: previous})), visit(D2, f(**{scale: current}))])
    result = only(changes).change(scale)
    assert result is not None
    return result


# --- better / worse / same per scale direction ---------------------------------------------------------

@pytest.mark.parametrize(("scale", "previous", "current", "expected"), [
    # MAS: lower is better.
    ("mas", "2", "1", "better"), ("mas", "1", "2", "worse"), ("mas", "1+", "1+", "same"),
    ("mas", "1", "1+", "worse"), ("mas", "1+", "1", "better"), ("mas", "4", "0", "better"),
    # Tardieu X and ASAS: lower is better.
    ("tardieu_x", 2, 1, "better"), ("tardieu_x", 1, 3, "worse"), ("asas", 3, 1, "better"), ("asas", 0, 2, "worse"),
    # MRC strength: higher is better; 4- < 4 < 4+.
    ("mrc", "3", "4", "better"), ("mrc", "4", "3", "worse"), ("mrc", "4-", "4", "better"),
    ("mrc", "4+", "4-", "worse"), ("mrc", "4+", "4+", "same"),
    # Reflex: neither better nor worse, only changed.
    ("reflex", "2+", "3+", "changed"), ("reflex", "4+", "1+", "changed"), ("reflex", "3+", "3+", "same"),
    # Angles: a larger angle is a less tight muscle; only a change of 10° or more counts.
    ("prom", 0, 10, "better"), ("prom", 0, -10, "worse"), ("prom", 0, 9.5, "same"), ("prom", 0, -9.9, "same"),
    ("prom", 5, 5, "same"), ("tardieu_r1", -15, 0, "better"), ("tardieu_r1", 0, -20, "worse"),
    ("tardieu_r2", 10, 19.9, "same"), ("tardieu_r2", 10, 20, "better"), ("tardieu_r2", 10.5, 0.5, "worse"),
    # Clonus: more beats or sustained clonus is worse.
    ("clonus_beats", 4, 10, "worse"), ("clonus_beats", 10, 4, "better"), ("clonus_beats", 3, 3, "same"),
    ("clonus_sustained", False, True, "worse"), ("clonus_sustained", True, False, "better"),
])
def test_direction_of_change(scale: str, previous: Any, current: Any, expected: str) -> None:
    assert direction(scale, previous, current) == expected
    change = change_of(scale, previous, current)
    assert (change.previous, change.current, change.previous_date, change.direction) == (
        previous, current, D1, expected)


def test_the_first_exam_of_a_group_is_new() -> None:
    (change,) = latest_findings([visit(D1, f(mas="2", prom=5))])
    assert change.date == D1
    assert change.finding == f(mas="2", prom=5)
    mas, prom = change.change("mas"), change.change("prom")
    assert mas == ScaleChange("mas", "2", None, None, "new")
    assert prom == ScaleChange("prom", 5, None, None, "new")
    assert change.change("mrc") is None  # not recorded: no change listed


def test_only_recorded_scales_are_listed() -> None:
    changes = latest_findings([visit(D1, f(mas="2", mrc="3")), visit(D2, f(mas="1"))])
    assert [c.scale for c in only(changes).changes] == ["mas"]


# --- comparison skips visits that did not record that group or scale --------------------------------

def test_a_visit_that_skipped_the_group_does_not_hide_its_history() -> None:
    visits = [
        visit(D1, f(mas="2")),
        visit(D2, f("knee_flexors", "left", mas="1")),  # upper limbs not examined
        visit(D3, f(mas="1")),
    ]
    mas = only(latest_findings(visits)).change("mas")
    assert mas == ScaleChange("mas", "1", "2", D1, "better")


def test_a_visit_that_examined_the_group_without_that_scale_is_skipped_for_it() -> None:
    visits = [
        visit(D1, f(mas="1", prom=0)),
        visit(D2, f(prom=20)),            # MAS not graded this time
        visit(D3, f(mas="2", prom=25)),
    ]
    change = only(latest_findings(visits))
    assert change.change("mas") == ScaleChange("mas", "2", "1", D1, "worse")
    # PROM compares with the nearest visit that measured it: 20 -> 25 is under 10°.
    assert change.change("prom") == ScaleChange("prom", 25, 20, D2, "same")


def test_a_group_not_examined_at_the_last_visit_keeps_its_latest_finding() -> None:
    visits = [
        visit(D1, f(mas="3"), f("knee_flexors", "left", mas="2")),
        visit(D2, f(mas="2"), f("knee_flexors", "left", mas="2")),
        visit(D3, f("knee_flexors", "left", mas="1")),
    ]
    changes = latest_findings(visits)
    elbow = only(changes)
    assert elbow.date == D2
    assert elbow.change("mas") == ScaleChange("mas", "2", "3", D1, "better")
    knee = only(changes, "knee_flexors")
    assert knee.date == D3
    assert knee.change("mas") == ScaleChange("mas", "1", "2", D2, "better")


def test_sides_are_compared_separately() -> None:
    visits = [visit(D1, f(side="left", mas="1"), f(side="right", mas="3")),
              visit(D2, f(side="left", mas="2"), f(side="right", mas="2"))]
    changes = latest_findings(visits)
    left, right = only(changes, side="left"), only(changes, side="right")
    assert left.change("mas") is not None and left.change("mas").direction == "worse"  # type: ignore[union-attr]
    assert right.change("mas") is not None and right.change("mas").direction == "better"  # type: ignore[union-attr]


def test_visits_are_taken_in_date_order_and_results_in_catalogue_order() -> None:
    visits = [
        visit(D2, f("knee_flexors", "right", mas="1"), f("x-neck_rotators", "left", mas="2"),
              f("elbow_flexors", "right", mas="1"), f("elbow_flexors", "left", mas="1")),
        visit(D1, f("knee_flexors", "right", mas="3"), f("elbow_flexors", "left", mas="2")),
    ]
    changes = latest_findings(visits)  # given newest first
    assert [(c.muscle_group, c.side) for c in changes] == [
        ("elbow_flexors", "left"), ("elbow_flexors", "right"), ("knee_flexors", "right"), ("x-neck_rotators", "left")]
    assert only(changes, "knee_flexors", "right").change("mas") == ScaleChange("mas", "1", "3", D1, "better")
    assert all(c.date == D2 for c in changes)
