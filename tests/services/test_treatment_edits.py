"""Dose changes of an oral drug: the stopped period and the new one."""

from __future__ import annotations

import datetime as dt

import pytest

from assess.record.domain import OralMedication
from assess.record.errors import RecordError
from assess.services.treatment_edits import dose_change

BACLOFEN = OralMedication("baclofen", 30, dt.date(2025, 1, 10), None, "titrating")


def test_the_old_period_stops_the_day_the_new_one_starts() -> None:
    stopped, new = dose_change(BACLOFEN, 40, dt.date(2025, 3, 1))
    assert stopped == OralMedication("baclofen", 30, dt.date(2025, 1, 10), dt.date(2025, 3, 1), "titrating")
    assert new == OralMedication("baclofen", 40, dt.date(2025, 3, 1), None, None)


def test_a_planned_stop_moves_to_the_new_period() -> None:
    planned = OralMedication("tizanidine", 6, dt.date(2025, 1, 10), dt.date(2025, 6, 30))
    stopped, new = dose_change(planned, 4, dt.date(2025, 3, 1))
    assert stopped.stop == dt.date(2025, 3, 1)
    assert new == OralMedication("tizanidine", 4, dt.date(2025, 3, 1), dt.date(2025, 6, 30))


def test_a_change_on_the_stop_day_leaves_the_new_period_open() -> None:
    ending = OralMedication("baclofen", 30, dt.date(2025, 1, 10), dt.date(2025, 3, 1))
    stopped, new = dose_change(ending, 20, dt.date(2025, 3, 1))
    assert stopped == ending
    assert new.start == dt.date(2025, 3, 1) and new.stop is None


@pytest.mark.parametrize("on", [dt.date(2025, 1, 10), dt.date(2025, 1, 9)])
def test_a_change_not_after_the_start_is_refused_at_the_start(on: dt.date) -> None:
    with pytest.raises(RecordError) as caught:
        dose_change(BACLOFEN, 40, on)
    assert caught.value.path == "start"


def test_a_change_after_the_period_stopped_is_refused() -> None:
    ended = OralMedication("baclofen", 30, dt.date(2025, 1, 10), dt.date(2025, 2, 1))
    with pytest.raises(RecordError, match="stopped on 2025-02-01") as caught:
        dose_change(ended, 40, dt.date(2025, 3, 1))
    assert caught.value.path == "start"


def test_the_same_dose_is_not_a_change() -> None:
    with pytest.raises(RecordError, match="30 mg/day already") as caught:
        dose_change(BACLOFEN, 30, dt.date(2025, 3, 1))
    assert caught.value.path == "dose_mg_per_day"
