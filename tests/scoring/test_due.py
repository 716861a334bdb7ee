"""Stored due items: they equal the rules' answer on every day until they are due to be worked out again."""

from __future__ import annotations

import datetime as dt

import pytest

from assess.demo.patients import demo_patients
from assess.record.domain import PatientRecord, PumpEvent
from assess.scoring import due
from assess.scoring.limits import load_limits
from assess.scoring.safety import INFO, WARNING, Alert, patient_alerts

LIMITS = load_limits()
TODAY = dt.date(2026, 11, 1)


def _key(alert: Alert) -> tuple[str, str, str, dt.date, str, str | None]:
    return (alert.mrn, alert.code, alert.severity, alert.date, alert.message, alert.source)


def _check(record: PatientRecord, on: dt.date, horizon: int) -> int:
    worked = due.work_out(record, on, LIMITS)
    assert worked.fresh_until > on
    days = 0
    day = on
    while day < min(worked.fresh_until, on + dt.timedelta(days=horizon)):
        stored = sorted(_key(due.as_of(a, o, day)) for a, o in zip(worked.alerts, worked.ongoing, strict=True))
        assert stored == sorted(_key(a) for a in patient_alerts(record, day, LIMITS)), (record.mrn, on, day)
        day += dt.timedelta(days=1)
        days += 1
    return days


@pytest.mark.parametrize("on", [TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=90), TODAY])
def test_stored_items_hold_on_every_day_until_their_fresh_until(on: dt.date) -> None:
    held = [_check(record, on, horizon=120) for record in demo_patients(60, seed=5, today=TODAY)]
    assert sum(held) / len(held) > 7  # most patients' items hold for more than a week


def test_a_rule_the_change_points_do_not_know_holds_one_day() -> None:
    record = next(iter(demo_patients(1, today=TODAY)))
    found = [Alert("itb_catheter_check", WARNING, record.mrn, TODAY + dt.timedelta(days=30), "new rule")]
    assert due.fresh_until(record, TODAY, found, LIMITS) == TODAY + dt.timedelta(days=1)


def test_a_pump_refill_past_due_holds_its_words() -> None:
    record = next(iter(demo_patients(1, today=TODAY)))
    found = [Alert("pump_refill_due", WARNING, record.mrn, TODAY - dt.timedelta(days=2), "was due")]
    assert due.fresh_until(record, TODAY, found, LIMITS) > TODAY + dt.timedelta(days=1)


def test_urgency_puts_the_pump_first_then_warnings_overdue_and_due_soon() -> None:
    def alert(code: str, severity: str) -> Alert:
        return Alert(code, severity, "M", TODAY, "")
    order = [alert("followup_due", INFO), alert("followup_overdue", WARNING), alert("toxin_dose_limit", WARNING),
             alert("itb_pump_stopped", INFO), alert("pump_refill_due", WARNING), alert("anything", "urgent"),
             alert("oral_dose_limit", INFO)]
    assert [due.urgency(a) for a in order] == [due.DUE_SOON, due.OVERDUE, due.WARNINGS, due.URGENT, due.URGENT,
                                               due.URGENT, due.NOTES]


def test_an_acknowledgement_names_code_day_and_words() -> None:
    a = Alert("oral_dose_limit", WARNING, "M", TODAY, "baclofen 90 mg/day is over")
    assert due.item_key(a, True) == due.item_key(Alert(a.code, a.severity, "M", TODAY + dt.timedelta(days=3),
                                                       a.message), True)
    assert due.item_key(a, False) != due.item_key(Alert(a.code, a.severity, "M", TODAY + dt.timedelta(days=3),
                                                        a.message), False)
    assert due.item_key(a, True) != due.item_key(Alert(a.code, a.severity, "M", TODAY, "baclofen 100 mg"), True)


def test_the_rules_version_follows_the_limits_file() -> None:
    assert due.rules_version("{}") != due.rules_version("{ }")
    assert due.rules_version() == due.rules_version()


def test_not_seen_for_over_a_year_is_lost_to_follow_up() -> None:
    assert due.lost_to_follow_up(TODAY - dt.timedelta(days=366), TODAY)
    assert not due.lost_to_follow_up(TODAY - dt.timedelta(days=365), TODAY)
    assert not due.lost_to_follow_up(None, TODAY)
    assert PumpEvent  # the pump cases run in the demo patients above
