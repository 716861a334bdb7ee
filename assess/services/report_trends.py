"""The pictures of the report to the primary care doctor: which trends to show, and why.

A referring doctor reads a few charts, not one per muscle: the groups that got worse at the visit, then the
groups injected in the report's period and, when neither applies, the two with the highest tone; at most
three, each only when it has at least two MAS grades to draw a trend from. The body map shows every group.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from assess.record.domain import PatientRecord, ToxinSession, Treatment, Visit, treatment_date
from assess.record.labels import words
from assess.reports.content import TrendChart, Trends
from assess.scoring.change import worsening
from assess.scoring.muscles import group_name
from assess.scoring.order import GROUP_ORDER
from assess.scoring.response import (
    RESPONDER_R1_DEGREES,
    CycleResponse,
    cycle_responses,
    injected_sites,
    latest_mas,
    response_cells,
    series,
    visit_score_series,
)
from assess.scoring.scales import MAS

MAX_GROUP_CHARTS = 3  # with the Penn chart, two rows of two on a page of the appendix
RESPONSE_SESSIONS = 4  # the latest sessions in the response table; the window shows them all
RESPONSE_NOTE = (f"Responder: MAS down by one grade or more, or the Tardieu catch angle R1 opened by "
                 f"{RESPONDER_R1_DEGREES:g}° or more, at the best examination 2 to 16 weeks after the session "
                 "compared with the last one before it.")


def _history(record: PatientRecord, visit: Visit) -> PatientRecord:
    """The record as it stood at the visit: a report of an old visit shows nothing that came after it."""
    return dataclasses.replace(record, visits=tuple(v for v in record.visits if v.date <= visit.date),
                               treatments=tuple(t for t in record.treatments if treatment_date(t) <= visit.date))


def _chosen_groups(history: PatientRecord, visit: Visit, given: Sequence[Treatment]) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for w in worsening(history.visits, visit).muscles:
        reasons.setdefault(w.muscle_group, "worse at this visit")
    for t in given:
        if isinstance(t, ToxinSession):
            for group, _side in sorted(injected_sites(t)):
                reasons.setdefault(group, f"injected with botulinum toxin on {t.date}")
    if not reasons:
        tone: dict[str, int] = {}
        for f in visit.findings:
            if f.mas is not None:
                tone[f.muscle_group] = max(tone.get(f.muscle_group, 0), MAS.rank(f.mas))
        for group in sorted(tone, key=lambda g: (-tone[g], GROUP_ORDER[g]))[:2]:
            if tone[group] >= MAS.rank("1+"):
                reasons[group] = "the highest tone at this visit"
    return reasons


def report_trends(record: PatientRecord, visit: Visit, given: Sequence[Treatment]) -> Trends | None:
    """The body map, up to three MAS trend charts and the Penn chart, and the latest toxin responses."""
    history = _history(record, visit)
    # The first groups by reason (worse, then injected, then tone), each with a trend to draw, shown head to toe.
    drawable = [(group, reason) for group, reason in _chosen_groups(history, visit, given).items()
                if max(len(series(history.visits, group, side, "mas")) for side in ("left", "right")) >= 2]
    charts = [TrendChart(group, "mas", f"{group_name(group)}: Modified Ashworth Scale over time; {reason}.")
              for group, reason in sorted(drawable[:MAX_GROUP_CHARTS], key=lambda g: GROUP_ORDER[g[0]])]
    if len(visit_score_series(history.visits, history.goals, "penn_frequency")) >= 2:
        charts.append(TrendChart(None, "penn_frequency", "Penn spasm frequency over time."))
    sessions = sorted({t.date for t in history.treatments if isinstance(t, ToxinSession)})[-RESPONSE_SESSIONS:]
    # Head to toe, left before right, each group's sessions newest first.
    responses = tuple(_compact(r) for r in sorted(
        cycle_responses(history.visits, history.treatments),
        key=lambda r: (GROUP_ORDER[r.muscle_group], r.side != "left", -r.session.date.toordinal()))
                      if r.session.date in sessions)
    grades = latest_mas(history.visits)
    if not charts and not responses and len(history.visits) < 2:
        return None
    return Trends(history, tuple((g, s, grade) for (g, s), grade in sorted(grades.items())), tuple(charts),
                  RESPONSE_NOTE, responses, RESPONSE_COLUMNS)


# The report's response table: each session (with its product) against each group and side injected, the verdict
# with the grades it was judged on; the window's table has the dates of the examinations besides.
RESPONSE_COLUMNS = ("Session", "Muscle group", "Side", "Responder")


def _compact(response: CycleResponse) -> tuple[str, ...]:
    """One response in the report's words: the session with its product named (units differ between
    products), the group and side, and the verdict with what it was judged on, for a non-responder too."""
    session = response.session
    cells = response_cells(response, group_name(response.muscle_group))
    verdict = cells[3]
    if response.responder is False:
        if response.mas_before is not None and response.mas_best is not None:
            verdict += f" (MAS {response.mas_before} → {response.mas_best})"
        elif response.r1_before is not None and response.r1_best is not None:
            verdict += f" (R1 {response.r1_before:g}° → {response.r1_best:g}°)"
    brand = words(session.product).split("(")[-1].rstrip(")")
    return (f"{session.date.isoformat()} {brand} {session.total_units:g} U", cells[1], cells[2], verdict)
