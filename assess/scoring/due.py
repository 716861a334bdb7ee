"""Due items as stored: how long a patient's alerts hold, what an acknowledgement names, and the urgency order.

A patient's alerts depend on the record and on the day they are judged for. They are stored as worked out for one
day together with `fresh_until`, the first later day on which they may read differently with nothing recorded
(a follow-up window opens or closes, a pump refill date comes near, a toxin session leaves the 12 months that are
re-checked, a birthday changes the age group). Until then the stored items are the rules' answer; on that day
they are worked out again. Any day earlier than the exact one is safe (only a little more work), so each rule's
change points may be generous. A code these functions do not know (a rule added later) makes its patient's items
hold for one day only: new rules flow into the worklist at once, checked daily until given their change points.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files

from assess.record.domain import OralMedication, PatientRecord, PumpEvent, Sdr, ToxinSession, treatment_date
from assess.scoring import safety
from assess.scoring.current import pump_status
from assess.scoring.limits import LimitTable
from assess.scoring.safety import Alert

# Bump when a rule changes in code; the limits file's content counts by itself. Stored items made by other
# rules are worked out again (and `assess db due --rebuild` does it for the whole clinic at once).
RULES_REVISION = "issue-14/1"
# Codes whose date is the day judged ("a dose taken now"): stored as ongoing and read with the reading day.
ONGOING_CODES = frozenset({"oral_dose_limit", "pump_refill_due"})
KNOWN_CODES = frozenset({"toxin_dose_limit", "toxin_weight_missing", "toxin_interval", "oral_dose_limit",
                         "pump_refill_due", "pump_titration_step", "followup_due", "followup_overdue", "worsening"})
LONGEST = dt.timedelta(days=366)  # worked out again at least once a year whatever happens
LOST_AFTER = dt.timedelta(days=365)  # not seen for over a year: lost to follow-up

# Urgency, most urgent first (docs/worklist.md). A pump reservoir reaching its alarm or a pump stop (the code
# pump_refill_due, any code starting with "itb_", or severity "urgent") risks baclofen withdrawal within days.
URGENT, WARNINGS, OVERDUE, DUE_SOON, NOTES = range(5)
URGENT_SEVERITY = "urgent"


def rules_version(limits_text: str | None = None) -> str:
    """RULES_REVISION and the limits file's content (the shipped file by default), as one short checksum."""
    if limits_text is None:
        return _shipped_rules_version()
    return hashlib.sha256(f"{RULES_REVISION}\n{limits_text}".encode()).hexdigest()[:32]


@functools.cache
def _shipped_rules_version() -> str:
    return rules_version(files("assess.resources").joinpath("limits.json").read_text(encoding="utf-8"))


def urgency(alert: Alert) -> int:
    if alert.severity == URGENT_SEVERITY or alert.code.startswith("itb_") or (
            alert.code == "pump_refill_due" and alert.severity == safety.WARNING):
        return URGENT
    if alert.code == "followup_overdue":
        return OVERDUE
    if alert.severity == safety.WARNING:
        return WARNINGS
    if alert.code.startswith("followup"):
        return DUE_SOON
    return NOTES


def item_key(alert: Alert, ongoing: bool) -> str:
    """What an acknowledgement names: the code, the day (none for an ongoing item) and the words. An item whose
    words change (a dose raised, one more day overdue) is a new item, shown again."""
    day = "" if ongoing else alert.date.isoformat()
    return hashlib.sha256(f"{alert.code}\n{day}\n{alert.message}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Worked:
    """A patient's alerts as worked out for `on`, and until when they hold."""

    on: dt.date
    alerts: tuple[Alert, ...]
    ongoing: tuple[bool, ...]
    fresh_until: dt.date
    last_seen: dt.date | None


def ongoing(alert: Alert, on: dt.date) -> bool:
    """Dated `on` because it is about the day judged: a dose taken, a refill date that cannot be worked out."""
    if alert.date != on or alert.code not in ONGOING_CODES:
        return False
    return alert.code == "oral_dose_limit" or alert.severity == safety.INFO


def as_of(alert: Alert, is_ongoing: bool, day: dt.date) -> Alert:
    """A stored alert read on `day` (an ongoing one is about that day)."""
    return replace(alert, date=day) if is_ongoing else alert


def work_out(record: PatientRecord, on: dt.date, limits: LimitTable) -> Worked:
    """The rules for `on` (safety.patient_alerts), with the day they stop holding."""
    found = tuple(safety.patient_alerts(record, on, limits))
    flags = tuple(ongoing(a, on) for a in found)
    seen = [v.date for v in record.visits if v.date <= on]
    return Worked(on, found, flags, fresh_until(record, on, found, limits), max(seen) if seen else None)


def fresh_until(record: PatientRecord, on: dt.date, found: Sequence[Alert], limits: LimitTable) -> dt.date:
    """The first day after `on` on which the alerts may differ with nothing recorded (see the module doc)."""
    tomorrow = on + dt.timedelta(days=1)
    points: list[dt.date] = [on + LONGEST]
    for alert in found:
        if alert.code not in KNOWN_CODES:
            return tomorrow  # a rule without change points
        if alert.date == on and not ongoing(alert, on):
            return tomorrow  # dated today: tomorrow it is "yesterday's"
        if alert.date > on:
            points.append(alert.date)
    points += _record_points(record, on)
    points += _followup_points(record, on)
    points += _pump_points(record, on, limits)
    return max(tomorrow, min(p for p in points if p > on) if any(p > on for p in points) else tomorrow)


def _record_points(record: PatientRecord, on: dt.date) -> Iterable[dt.date]:
    """Entries dated after `on` (they count from their day), stops, 12-month re-checks and birthdays."""
    for visit in record.visits:
        yield visit.date
    for treatment in record.treatments:
        yield treatment_date(treatment)
        if isinstance(treatment, OralMedication) and treatment.stop is not None:
            yield treatment.stop
            yield treatment.stop + dt.timedelta(days=1)
        if isinstance(treatment, ToxinSession | PumpEvent):  # leaves the HISTORY_MONTHS re-checked
            yield safety._add_months(treatment.date, safety.HISTORY_MONTHS)
    birthday = _next_birthday(record.birth_date, on)
    yield birthday


def _next_birthday(birth: dt.date, on: dt.date) -> dt.date:
    for year in (on.year, on.year + 1):
        day = safety._add_months(birth, (year - birth.year) * 12)
        if day > on:
            return day
    return on + LONGEST


def _followup_points(record: PatientRecord, on: dt.date) -> Iterable[dt.date]:
    """Each follow-up window: when it comes within LOOK_AHEAD, and the day after it closes."""
    windows: list[tuple[dt.date, dt.date]] = []
    procedures = [t.date for t in record.treatments if isinstance(t, Sdr)]
    procedures += [t.date for t in record.treatments if isinstance(t, PumpEvent) and t.event == "implant"]
    for day in procedures:
        for months in safety.POST_OP_MONTHS:
            due = safety._add_months(day, months)
            windows.append((due - safety.POST_OP_WINDOW, due + safety.POST_OP_WINDOW))
    for session in (t for t in record.treatments if isinstance(t, ToxinSession)):
        # The earliest next injection is shown until its day: the alert's own date is a change point.
        windows.append((session.date + safety.TOXIN_REVIEW_FROM, session.date + safety.TOXIN_REVIEW_TO))
    for start, end in windows:
        yield start - safety.LOOK_AHEAD
        yield end + dt.timedelta(days=1)


def _pump_points(record: PatientRecord, on: dt.date, limits: LimitTable) -> Iterable[dt.date]:
    """When the refill warning of the pump in place first shows: searched by halving, as it stays once shown."""
    events = [t for t in record.treatments if isinstance(t, PumpEvent) and t.date <= on]
    if pump_status(events, on) is None:
        return
    if any(a.code == "pump_refill_due" for a in safety.pump_alerts(record.mrn, events, on, limits, "cerebral")):
        return

    def shown(day: dt.date) -> bool:
        return any(a.code == "pump_refill_due" for a in safety.pump_alerts(record.mrn, events, day, limits,
                                                                          "cerebral"))
    low, high = on, on + LONGEST
    if not shown(high):
        return
    while (high - low).days > 1:
        middle = low + (high - low) / 2
        low, high = (low, middle) if shown(middle) else (middle, high)
    yield high


def lost_to_follow_up(last_seen: dt.date | None, today: dt.date) -> bool:
    return last_seen is not None and today - last_seen > LOST_AFTER
