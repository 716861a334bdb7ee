"""Series for the charts and the response to each toxin cycle, on hand-made histories."""

from __future__ import annotations

import datetime as dt

from assess.record.domain import Finding, Injection, OralMedication, ToxinSession, Visit
from assess.scoring.response import cycle_responses, effect_window, injected_sites, series

D = dt.date


def _visit(day: dt.date, mas: str | None, r1: float | None = None, group: str = "plantarflexors_knee_extended",
           side: str = "left") -> Visit:
    return Visit(day, "follow_up", "Dr A", findings=(Finding(group, side, mas=mas, tardieu_r1=r1),))


def _botox(day: dt.date, *muscles: tuple[str, str]) -> ToxinSession:
    return ToxinSession(day, "onabotulinumtoxinA", tuple(Injection(m, s, 50.0) for m, s in muscles))


def test_series_charts_mas_on_its_ordinal_axis_and_skips_unexamined_visits() -> None:
    visits = [_visit(D(2025, 1, 1), "2"), _visit(D(2025, 3, 1), "1+"),
              _visit(D(2025, 2, 1), None, group="hip_flexors"), _visit(D(2025, 5, 1), None, r1=-10.0)]
    points = series(visits, "plantarflexors_knee_extended", "left", "mas")
    assert [(p.date, p.value, p.label) for p in points] == [(D(2025, 1, 1), 2.0, "2"), (D(2025, 3, 1), 1.5, "1+")]
    angles = series(visits, "plantarflexors_knee_extended", "left", "tardieu_r1")
    assert [(p.value, p.label) for p in angles] == [(-10.0, "-10°")]


def test_effect_window_and_the_groups_an_injection_reaches() -> None:
    session = _botox(D(2025, 3, 10), ("rectus_femoris", "left"), ("gastrocnemius_medial", "right"))
    assert effect_window(session) == (D(2025, 3, 13), D(2025, 6, 30))  # 3 days to 16 weeks
    assert injected_sites(session) == {("hip_flexors", "left"), ("knee_extensors", "left"),
                                       ("plantarflexors_knee_extended", "right")}


def test_a_cycle_with_mas_down_one_grade_is_a_response() -> None:
    visits = [_visit(D(2025, 3, 2), "3"), _visit(D(2025, 4, 14), "2"), _visit(D(2025, 5, 26), "1+"),
              _visit(D(2025, 6, 20), "2")]
    sessions = [_botox(D(2025, 3, 10), ("gastrocnemius_medial", "left")),
                _botox(D(2025, 6, 23), ("gastrocnemius_medial", "left")), OralMedication("baclofen", 10, D(2024, 1, 1))]
    first, second = cycle_responses(visits, sessions)
    assert (first.mas_before, first.mas_best, first.mas_steps_down, first.responder) == ("3", "1+", 2, True)
    assert first.before is not None and first.before.date == D(2025, 3, 2)
    assert first.at_next_session is not None and first.at_next_session.date == D(2025, 6, 20)
    assert second.best is None and second.responder is None  # nothing examined after it yet


def test_r1_opening_by_ten_degrees_counts_nine_does_not() -> None:
    session = [_botox(D(2025, 3, 10), ("soleus", "left"))]

    def after(r1: float) -> list[Visit]:
        return [_visit(D(2025, 3, 2), "2", r1=-20.0, group="plantarflexors_knee_flexed"),
                _visit(D(2025, 4, 20), "2", r1=r1, group="plantarflexors_knee_flexed")]
    assert cycle_responses(after(-10.0), session)[0].responder is True
    assert cycle_responses(after(-11.0), session)[0].responder is False


def test_an_examination_too_soon_after_the_injection_is_not_its_effect() -> None:
    visits = [_visit(D(2025, 3, 2), "3"), _visit(D(2025, 3, 15), "1")]  # 5 days after: before the effect
    (row,) = cycle_responses(visits, [_botox(D(2025, 3, 10), ("gastrocnemius_lateral", "left"))])
    assert row.best is None and row.responder is None
