"""The popliteal angle's two conventions (issue 13, item 14): stored as the format's angle, so better and
worse are never reversed, and shown back as measured."""

from __future__ import annotations

import datetime as dt

import pytest

from assess.record.domain import Finding, Visit
from assess.scoring.angles import as_measured, from_measured
from assess.scoring.change import direction

DAY = dt.date(2026, 3, 2)


def test_degrees_short_of_extension_are_held_as_the_popliteal_angle_and_shown_back() -> None:
    typed = Finding("knee_flexors", "left", prom=40, tardieu_r1=60)  # 40° and 60° short of full extension
    held = from_measured(typed, "extension_deficit")
    assert (held.prom, held.tardieu_r1, held.angle_convention) == (140, 120, "extension_deficit")
    assert as_measured(held) == {"prom": 40, "tardieu_r1": 60, "tardieu_r2": None}


def test_a_tighter_hamstring_is_worse_in_either_convention() -> None:
    """Deficit 30° then 50° (tighter) must read worse, like popliteal angle 150° then 130°."""
    before = from_measured(Finding("knee_flexors", "left", prom=30), "extension_deficit")
    after = from_measured(Finding("knee_flexors", "left", prom=50), "extension_deficit")
    plain_before, plain_after = Finding("knee_flexors", "left", prom=150), Finding("knee_flexors", "left", prom=130)
    assert before.prom == plain_before.prom and after.prom == plain_after.prom
    visits = [Visit(DAY - dt.timedelta(days=90), "follow_up", "Dr A", findings=(before,)),
              Visit(DAY, "follow_up", "Dr A", findings=(after,))]
    assert visits[1].findings[0].prom is not None and visits[0].findings[0].prom is not None
    assert direction("prom", visits[0].findings[0].prom, visits[1].findings[0].prom) == "worse"


def test_other_groups_and_the_formats_convention_are_unchanged() -> None:
    ankle = Finding("ankle_plantarflexors", "left", prom=10)
    assert from_measured(ankle, "extension_deficit") == ankle
    knee = Finding("knee_flexors", "right", prom=150)
    assert from_measured(knee, None) == knee
    with pytest.raises(ValueError, match="'degrees' is not an angle convention"):
        from_measured(knee, "degrees")
