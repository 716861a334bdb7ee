"""Change since the previous examination per muscle group and side, and the worsening flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assess.record.domain import Finding, PatientRecord, ToxinSession, Visit
from assess.scoring.order import finding_key
from assess.scoring.scales import FINDING_SCALES
from assess.scoring.worsening import MasWorsening, Worsening, judge, judge_all

__all__ = ["MasWorsening", "Worsening", "latest_findings", "toxin_sessions", "worsening", "worsening_history"]

Direction = Literal["better", "worse", "same", "changed", "new"]

# Goniometry in spastic limbs varies by several degrees between sessions and examiners; assess calls
# an angle change better/worse only from this size on. A design choice of assess, not a standard.
ANGLE_CHANGE_DEGREES = 10.0

COMPARED_FIELDS: tuple[str, ...] = (
    "mas", "tardieu_x", "tardieu_r1", "tardieu_r2", "asas", "prom", "mrc", "reflex", "clonus_beats",
    "clonus_sustained",
)
_ANGLES = ("tardieu_r1", "tardieu_r2", "prom")

Value = str | float | int | bool


@dataclass(frozen=True)
class ScaleChange:
    """One scale of one muscle group and side: its latest value against the one before it."""

    scale: str
    current: Value
    previous: Value | None
    previous_date: dt.date | None
    direction: Direction


@dataclass(frozen=True)
class FindingChange:
    """The latest finding of a muscle group and side, with the change of each scale recorded."""

    muscle_group: str
    side: str
    date: dt.date
    finding: Finding
    changes: tuple[ScaleChange, ...]

    def change(self, scale: str) -> ScaleChange | None:
        for change in self.changes:
            if change.scale == scale:
                return change
        return None


def direction(scale: str, previous: Value, current: Value) -> Direction:
    """Whether going from previous to current is better, worse or the same for the patient."""
    if previous == current:
        return "same"
    if scale in FINDING_SCALES:
        ordinal = FINDING_SCALES[scale]
        if ordinal.higher_is_worse is None:
            return "changed"
        up = ordinal.rank(str(current)) > ordinal.rank(str(previous))
        return "worse" if up == ordinal.higher_is_worse else "better"
    if scale in _ANGLES:
        delta = float(current) - float(previous)
        if abs(delta) < ANGLE_CHANGE_DEGREES:
            return "same"
        return "better" if delta > 0 else "worse"  # a larger angle is a less tight muscle
    if scale == "clonus_sustained":
        return "worse" if current else "better"
    if scale == "clonus_beats":
        return "worse" if float(current) > float(previous) else "better"
    return "changed"


def _chronological(visits: Sequence[Visit]) -> list[Visit]:
    return sorted(visits, key=lambda v: v.date)


def latest_findings(visits: Sequence[Visit]) -> list[FindingChange]:
    """For every muscle group and side ever examined: the latest finding and each scale's change.

    A scale's change compares with the most recent earlier visit that recorded that scale for that
    group and side, so a visit that skipped the upper limbs does not hide their history.
    """
    history: dict[tuple[str, str], list[tuple[dt.date, Finding]]] = {}
    for visit in _chronological(visits):
        for finding in visit.findings:
            history.setdefault((finding.muscle_group, finding.side), []).append((visit.date, finding))
    result: list[FindingChange] = []
    for (group, side), entries in history.items():
        date, latest = entries[-1]
        changes: list[ScaleChange] = []
        for scale in COMPARED_FIELDS:
            current = getattr(latest, scale)
            if current is None:
                continue
            previous, previous_date = None, None
            for earlier_date, earlier in reversed(entries[:-1]):
                if getattr(earlier, scale) is not None:
                    previous, previous_date = getattr(earlier, scale), earlier_date
                    break
            changes.append(ScaleChange(
                scale, current, previous, previous_date,
                "new" if previous is None else direction(scale, previous, current),
            ))
        result.append(FindingChange(group, side, date, latest, tuple(changes)))
    result.sort(key=lambda c: finding_key(c.finding))
    return result


def worsening(visits: Sequence[Visit], visit: Visit, sessions: Sequence[ToxinSession] = ()) -> Worsening:
    """The worsening flag of `visit` against the patient's earlier days (scoring/worsening.py: the rule)."""
    return judge(visits, visit, sessions)


def worsening_history(visits: Sequence[Visit],
                      sessions: Sequence[ToxinSession] = ()) -> dict[tuple[dt.date, str], Worsening]:
    """The worsening flag of every visit (the patient view shows them all)."""
    return judge_all(visits, sessions)


def toxin_sessions(record: PatientRecord) -> tuple[ToxinSession, ...]:
    """The record's botulinum toxin sessions: the worsening rule leaves exams under their effect out."""
    return tuple(t for t in record.treatments if isinstance(t, ToxinSession))
