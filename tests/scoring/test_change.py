"""Change since the previous exam per muscle group and side, and the worsening flag (CLINICAL.md rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.record.domain import Finding, Visit, VisitScores
from assess.scoring.change import (
    FindingChange,
    MasWorsening,
    ScaleChange,
    direction,
    latest_findings,
    worsening,
    worsening_history,
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


# --- worsening ----------------------------------------------------------------------------------------

def test_mas_up_one_grade_flags_worsening() -> None:
    earlier, now = visit(D1, f(mas="1")), visit(D2, f(mas="2"))
    result = worsening([earlier, now], now)
    assert result
    assert result.muscles == (MasWorsening("elbow_flexors", "left", "1", "2", D1),)


def test_mas_1_to_1_plus_counts_as_one_grade_up() -> None:
    # Documented in change.worsening: steps on the list 0, 1, 1+, 2, 3, 4.
    earlier, now = visit(D1, f(mas="1")), visit(D2, f(mas="1+"))
    result = worsening([earlier, now], now)
    assert result.muscles == (MasWorsening("elbow_flexors", "left", "1", "1+", D1),)


@pytest.mark.parametrize(("before", "after"), [("2", "1"), ("1+", "1"), ("4", "0"), ("2", "2"), ("1+", "1+")])
def test_mas_down_or_unchanged_does_not_flag(before: str, after: str) -> None:
    earlier, now = visit(D1, f(mas=before)), visit(D2, f(mas=after))
    result = worsening([earlier, now], now)
    assert not result
    assert result.muscles == ()


def test_only_the_side_that_worsened_is_named() -> None:
    earlier = visit(D1, f(side="left", mas="1"), f(side="right", mas="3"),
                    f("plantarflexors_knee_extended", "right", mas="0"))
    now = visit(D2, f(side="left", mas="2"), f(side="right", mas="2"),
                f("plantarflexors_knee_extended", "right", mas="3"))
    result = worsening([earlier, now], now)
    assert result.muscles == (
        MasWorsening("elbow_flexors", "left", "1", "2", D1),
        MasWorsening("plantarflexors_knee_extended", "right", "0", "3", D1),
    )


def test_worsening_compares_with_the_last_visit_that_graded_mas_there() -> None:
    visits = [
        visit(D1, f(mas="1")),
        visit(D2, f("knee_flexors", "left", mas="3")),  # elbow not examined
        visit(D3, f(prom=10)),                          # elbow examined, MAS not graded
        visit(D4, f(mas="1+")),
    ]
    result = worsening(visits, visits[3])
    assert result.muscles == (MasWorsening("elbow_flexors", "left", "1", "1+", D1),)


def test_only_the_latest_earlier_grade_counts() -> None:
    # 3 -> 1 -> 2: up one grade since the visit before, although still below the first.
    visits = [visit(D1, f(mas="3")), visit(D2, f(mas="1")), visit(D3, f(mas="2"))]
    assert worsening(visits, visits[2]).muscles == (MasWorsening("elbow_flexors", "left", "1", "2", D2),)
    # 1 -> 3 -> 2: down since the visit before, no flag although above the first.
    visits = [visit(D1, f(mas="1")), visit(D2, f(mas="3")), visit(D3, f(mas="2"))]
    assert not worsening(visits, visits[2])


def test_later_visits_do_not_count() -> None:
    visits = [visit(D1, f(mas="1"), penn=1), visit(D2, f(mas="2"), penn=2), visit(D3, f(mas="0"), penn=0)]
    result = worsening(visits, visits[1])  # judged against D1, not D3
    assert result.muscles == (MasWorsening("elbow_flexors", "left", "1", "2", D1),)
    assert result.penn_up


def test_penn_frequency_up_flags_worsening() -> None:
    earlier, now = visit(D1, f(mas="2"), penn=1), visit(D2, f(mas="2"), penn=2)
    result = worsening([earlier, now], now)
    assert result
    assert result.muscles == ()
    assert (result.penn_previous, result.penn_current, result.penn_up) == (1, 2, True)


@pytest.mark.parametrize(("before", "after"), [(2, 1), (3, 3), (1, 0)])
def test_penn_frequency_down_or_same_does_not_flag(before: int, after: int) -> None:
    earlier, now = visit(D1, penn=before), visit(D2, penn=after)
    result = worsening([earlier, now], now)
    assert not result
    assert not result.penn_up


def test_penn_compares_with_the_last_visit_that_recorded_it() -> None:
    visits = [visit(D1, penn=1), visit(D2, f(mas="1")), visit(D3, penn=3)]
    result = worsening(visits, visits[2])
    assert (result.penn_previous, result.penn_current) == (1, 3)
    assert result


def test_no_penn_today_does_not_flag() -> None:
    visits = [visit(D1, penn=1), visit(D2, f(mas="1"))]
    assert not worsening(visits, visits[1])


def test_the_first_visit_never_flags() -> None:
    first = visit(D1, f(mas="4"), f(side="right", mas="4"), penn=4)
    result = worsening([first], first)
    assert not result
    assert result.muscles == ()
    assert result.penn_previous is None
    # Nor when the list holds later, better visits.
    later = visit(D2, f(mas="0"), penn=0)
    assert not worsening([later, first], first)


def test_visits_are_ordered_by_date_not_by_list_position() -> None:
    earlier, now = visit(D1, f(mas="1"), penn=1), visit(D2, f(mas="2"), penn=2)
    result = worsening([now, earlier], now)
    assert result.muscles == (MasWorsening("elbow_flexors", "left", "1", "2", D1),)
    assert result.penn_up


# --- the one-pass history agrees with the rule visit by visit --------------------------------------
_grades = st.sampled_from(["0", "1", "1+", "2", "3", "4", None])
_visit_strategy = st.builds(
    lambda day, kind, grades, penn: Visit(
        dt.date(2025, 1, 1) + dt.timedelta(days=day), kind, "Dr A",
        findings=tuple(Finding(group, side, mas=grade) for (group, side), grade in
                       zip([("hip_flexors", "left"), ("hip_flexors", "right"), ("knee_flexors", "left")],
                           grades, strict=False) if grade is not None),
        scores=VisitScores(penn_frequency=penn)),
    st.integers(0, 6), st.sampled_from(["follow_up", "dosing"]), st.lists(_grades, min_size=3, max_size=3),
    st.one_of(st.none(), st.integers(0, 4)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_visit_strategy, max_size=8, unique_by=lambda v: (v.date, v.type)))
def test_worsening_history_equals_the_rule_for_each_visit(visits: list[Visit]) -> None:
    flags = worsening_history(visits)
    for visit in visits:
        assert flags[visit.key] == worsening(visits, visit)
