"""Change since the previous examination per muscle group and side, and the worsening flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assess.record.domain import Finding, Visit
from assess.scoring.order import finding_key
from assess.scoring.scales import FINDING_SCALES, MAS

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


@dataclass(frozen=True)
class MasWorsening:
    muscle_group: str
    side: str
    previous: str
    current: str
    previous_date: dt.date


@dataclass(frozen=True)
class Worsening:
    """Why a visit is flagged: MAS up by at least one grade somewhere, or Penn spasm frequency up."""

    muscles: tuple[MasWorsening, ...]
    penn_previous: int | None
    penn_current: int | None

    @property
    def penn_up(self) -> bool:
        return self.penn_previous is not None and self.penn_current is not None and (
            self.penn_current > self.penn_previous)

    def __bool__(self) -> bool:
        return bool(self.muscles) or self.penn_up


def worsening(visits: Sequence[Visit], visit: Visit) -> Worsening:
    """The worsening flag of `visit` against the patient's earlier visits (CLINICAL.md rule).

    'Up by one grade' counts steps on the MAS list 0, 1, 1+, 2, 3, 4, so 1 -> 1+ is one grade up.
    """
    # One rule, one implementation: the visit judged as the last of its own history.
    earlier = [v for v in visits if v.date < visit.date]
    return worsening_history([*earlier, visit])[visit.key]


def worsening_history(visits: Sequence[Visit]) -> dict[tuple[dt.date, str], Worsening]:
    """The worsening flag of every visit at once, in one pass (the patient view shows them all).

    Same rule as `worsening`: each visit against the latest earlier value of each muscle group and side,
    where earlier means an earlier day (two visits of one day are not compared with each other).
    """
    last_mas: dict[tuple[str, str], tuple[str, dt.date]] = {}
    last_penn: int | None = None
    flags: dict[tuple[dt.date, str], Worsening] = {}
    ordered = _chronological(visits)
    start = 0
    while start < len(ordered):
        day = ordered[start].date
        end = start
        while end < len(ordered) and ordered[end].date == day:
            end += 1
        same_day = ordered[start:end]
        for visit in same_day:
            muscles = []
            for finding in sorted(visit.findings, key=finding_key):
                before = last_mas.get((finding.muscle_group, finding.side))
                if finding.mas is not None and before is not None and (
                        MAS.rank(finding.mas) - MAS.rank(before[0]) >= 1):
                    muscles.append(MasWorsening(finding.muscle_group, finding.side, before[0], finding.mas,
                                                before[1]))
            flags[visit.key] = Worsening(tuple(muscles), last_penn, visit.scores.penn_frequency)
        for visit in same_day:  # only now do this day's values become "earlier" for the next days
            for finding in visit.findings:
                if finding.mas is not None:
                    last_mas[(finding.muscle_group, finding.side)] = (finding.mas, day)
            if visit.scores.penn_frequency is not None:
                last_penn = visit.scores.penn_frequency
        start = end
    return flags
