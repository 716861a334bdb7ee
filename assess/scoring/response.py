"""Trends and the response to each botulinum toxin cycle, as plain series for charts, tables and reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from assess.record.domain import Goal, ToxinSession, Treatment, Visit
from assess.scoring.gas import visit_t_score
from assess.scoring.muscles import groups_of_muscle
from assess.scoring.scales import FINDING_SCALES, MAS

# Effect of botulinum toxin: begins in days, lasts about 12-16 weeks (CLINICAL.md, treatments).
EFFECT_START = dt.timedelta(days=3)
EFFECT_END = dt.timedelta(weeks=16)
# "The weeks after" an injection in which its best effect is looked for: from the effect's start to its end.
RESPONSE_FROM, RESPONSE_TO = dt.timedelta(weeks=2), dt.timedelta(weeks=16)
# Responder: MAS down by at least one grade (steps along 0, 1, 1+, 2, 3, 4, as for worsening), or the
# Tardieu catch angle R1 opened by at least 10 degrees, the measurement error of goniometry in spastic
# muscles that assess uses everywhere (scoring/change.py). A design choice of assess, documented here.
RESPONDER_R1_DEGREES = 10.0


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float
    label: str  # as recorded: "1+", "-10°"


def series(visits: Sequence[Visit], muscle_group: str, side: str, scale: str) -> list[Point]:
    """One scale of one muscle group and side over time, charted values (MAS 1+ as 1.5), oldest first."""
    points = []
    for visit in sorted(visits, key=lambda v: v.date):
        finding = visit.finding(muscle_group, side)
        value = getattr(finding, scale) if finding is not None else None
        if value is None:
            continue
        if scale in FINDING_SCALES:
            points.append(Point(visit.date, FINDING_SCALES[scale].value(str(value)), str(value)))
        else:
            points.append(Point(visit.date, float(value), f"{float(value):g}°"))
    return points


# Visit-level scores that have a chart of their own, with the axis each is drawn on (lowest, highest).
VISIT_SCORES: dict[str, tuple[str, float, float]] = {
    "penn_frequency": ("Penn spasm frequency (0-4)", 0, 4),
    "penn_severity": ("Penn spasm severity (1-3)", 1, 3),
    "pain_nrs": ("Pain, numeric rating (0-10)", 0, 10),
    "das_total": ("Disability Assessment Scale, total (0-12)", 0, 12),
    "gas_t": ("GAS T-score (50 = goals met as expected)", 20, 80),
}


def latest_mas(visits: Sequence[Visit]) -> dict[tuple[str, str], str]:
    """The latest recorded MAS grade of every muscle group and side, over all of a patient's visits (the
    body map). A visit that did not grade a group (not examined, or only other scales) does not hide an
    earlier grade."""
    sites = {(f.muscle_group, f.side) for visit in visits for f in visit.findings if f.mas is not None}
    result: dict[tuple[str, str], str] = {}
    for group, side in sites:
        points = series(visits, group, side, "mas")
        if points:
            result[(group, side)] = points[-1].label
    return result


def visit_score_series(visits: Sequence[Visit], goals: Sequence[Goal], score: str) -> list[Point]:
    """One visit-level score over time, oldest first: Penn, pain, DAS total or the GAS T-score."""
    points = []
    for visit in sorted(visits, key=lambda v: v.date):
        value: float | None
        if score == "gas_t":
            value = visit_t_score(goals, visit.date, visit.goal_scores) if visit.goal_scores else None
            label = f"{value:.1f}" if value is not None else ""
        else:
            raw = getattr(visit.scores, score)
            value, label = (float(raw), str(raw)) if raw is not None else (None, "")
        if value is not None:
            points.append(Point(visit.date, value, label))
    return points


def effect_window(session: ToxinSession) -> tuple[dt.date, dt.date]:
    """When the session's effect is expected: from a few days after it to about 16 weeks after."""
    return session.date + EFFECT_START, session.date + EFFECT_END


def injected_sites(session: ToxinSession) -> set[tuple[str, str]]:
    """The (muscle group, side) pairs whose findings show this session's effect."""
    return {(group, i.side) for i in session.injections for group in groups_of_muscle(i.muscle)}


@dataclass(frozen=True)
class CycleResponse:
    """One toxin session, one injected muscle group and side: before, best after, at the next session."""

    session: ToxinSession
    muscle_group: str
    side: str
    before: Visit | None  # the last examination of the group before the session
    best: Visit | None  # the best MAS (then R1) in the weeks after
    at_next_session: Visit | None  # the last examination before the next session
    mas_before: str | None
    mas_best: str | None
    r1_before: float | None
    r1_best: float | None
    responder: bool | None  # None: no examination before or after to judge from

    @property
    def mas_steps_down(self) -> int | None:
        if self.mas_before is None or self.mas_best is None:
            return None
        return MAS.rank(self.mas_before) - MAS.rank(self.mas_best)


def _examined(ordered: Sequence[Visit], group: str, side: str) -> list[Visit]:
    return [v for v in ordered if v.finding(group, side) is not None]


def _better(a: Visit, b: Visit, group: str, side: str) -> bool:
    """Whether visit a shows the group better than b: lower MAS, then a larger R1."""
    fa, fb = a.finding(group, side), b.finding(group, side)
    assert fa is not None and fb is not None
    ra = MAS.rank(fa.mas) if fa.mas is not None else None
    rb = MAS.rank(fb.mas) if fb.mas is not None else None
    if ra is not None and rb is not None and ra != rb:
        return ra < rb
    return (fa.tardieu_r1 or -999.0) > (fb.tardieu_r1 or -999.0)


def cycle_responses(visits: Sequence[Visit], treatments: Sequence[Treatment]) -> list[CycleResponse]:
    """Every toxin session x injected group and side, oldest session first (rows of the response table)."""
    sessions = sorted((t for t in treatments if isinstance(t, ToxinSession)), key=lambda s: s.date)
    rows = []
    ordered = sorted(visits, key=lambda v: v.date)
    by_site: dict[tuple[str, str], list[Visit]] = {}  # each group and side's examinations, found once
    for n, session in enumerate(sessions):
        following = sessions[n + 1].date if n + 1 < len(sessions) else None
        for group, side in sorted(injected_sites(session)):
            if (group, side) not in by_site:
                by_site[(group, side)] = _examined(ordered, group, side)
            examined = by_site[(group, side)]
            before = next((v for v in reversed(examined) if v.date <= session.date), None)
            window = [v for v in examined if session.date + RESPONSE_FROM <= v.date <= session.date + RESPONSE_TO
                      and (following is None or v.date <= following)]
            best = None
            for visit in window:
                if best is None or _better(visit, best, group, side):
                    best = visit
            at_next = (next((v for v in reversed(examined) if session.date < v.date <= following), None)
                       if following is not None else None)
            fb = before.finding(group, side) if before else None
            fa = best.finding(group, side) if best else None
            mas_before, mas_best = (fb.mas if fb else None), (fa.mas if fa else None)
            r1_before, r1_best = (fb.tardieu_r1 if fb else None), (fa.tardieu_r1 if fa else None)
            responder = None
            judged = [x is not None for x in (mas_before, mas_best)], [x is not None for x in (r1_before, r1_best)]
            if all(judged[0]) or all(judged[1]):
                mas_down = (all(judged[0]) and MAS.rank(str(mas_before)) - MAS.rank(str(mas_best)) >= 1)
                r1_open = (all(judged[1]) and float(r1_best or 0) - float(r1_before or 0) >= RESPONDER_R1_DEGREES)
                responder = bool(mas_down or r1_open)
            rows.append(CycleResponse(session, group, side, before, best, at_next, mas_before, mas_best, r1_before,
                                      r1_best, responder))
    return rows


def _finding_text(visit: Visit | None, group: str, side: str) -> str:
    """'2025-03-01: MAS 2, R1 -10°' — the scales that judge a response, as recorded."""
    if visit is None:
        return "—"
    finding = visit.finding(group, side)
    parts = []
    if finding is not None and finding.mas is not None:
        parts.append(f"MAS {finding.mas}")
    if finding is not None and finding.tardieu_r1 is not None:
        parts.append(f"R1 {finding.tardieu_r1:g}°")
    return f"{visit.date}: " + (", ".join(parts) if parts else "examined")


# The verdict next to the group it is about, the evidence after it: in a narrow window it stays in view.
RESPONSE_HEADERS = ("Session", "Muscle group", "Side", "Responder", "Before", "Best in 2–16 weeks",
                    "At next session")


def response_cells(row: CycleResponse, group_title: str) -> tuple[str, ...]:
    """One row of the response table, as text (the window's table and the report print the same)."""
    verdict = {True: "yes", False: "no", None: "not judged"}[row.responder]
    steps = row.mas_steps_down
    if row.responder and steps is not None and steps >= 1:
        verdict += f" (MAS {row.mas_before} → {row.mas_best})"
    elif row.responder and row.r1_before is not None and row.r1_best is not None:
        verdict += f" (R1 {row.r1_before:g}° → {row.r1_best:g}°)"
    return (f"{row.session.date} {row.session.total_units:g} U", group_title, row.side, verdict,
            _finding_text(row.before, row.muscle_group, row.side),
            _finding_text(row.best, row.muscle_group, row.side),
            _finding_text(row.at_next_session, row.muscle_group, row.side))
