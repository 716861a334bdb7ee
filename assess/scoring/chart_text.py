"""Charts and the body map as words and tables: their text alternative, for screen readers and for reading."""

from __future__ import annotations

from collections.abc import Sequence

from assess.record.domain import PatientRecord, Visit
from assess.scoring.muscles import MUSCLE_GROUPS, group_name
from assess.scoring.response import VISIT_SCORES, Point, latest_mas, series, visit_score_series

Table = tuple[tuple[str, ...], list[tuple[str, ...]]]  # headers, rows
CHART_SCALES = {"mas": "MAS", "tardieu": "Tardieu R1 / R2", "tardieu_x": "Tardieu X", "prom": "PROM",
                "mrc": "MRC"}


def _by_day(columns: Sequence[Sequence[Point]]) -> list[tuple[str, ...]]:
    days = sorted({p.date for points in columns for p in points})
    cells = [{p.date: p.label for p in points} for points in columns]
    return [(day.isoformat(), *(cell.get(day, "") for cell in cells)) for day in days]


def trend_table(record: PatientRecord, group: str | None, chart: str) -> Table:
    """What a trend chart draws, one row per examination day (oldest first)."""
    if group is None:
        return ("Date", VISIT_SCORES[chart][0]), _by_day([visit_score_series(record.visits, record.goals, chart)])
    if chart == "tardieu":
        columns = [series(record.visits, group, side, scale) for side in ("left", "right")
                   for scale in ("tardieu_r1", "tardieu_r2")]
        return ("Date", "R1 left", "R2 left", "R1 right", "R2 right"), _by_day(columns)
    title = CHART_SCALES[chart]
    columns = [series(record.visits, group, side, chart) for side in ("left", "right")]
    return ("Date", f"{title} left", f"{title} right"), _by_day(columns)


def trend_summary(record: PatientRecord, group: str | None, chart: str) -> str:
    """One sentence a screen reader says for the chart: what it shows, first and latest values."""
    headers, rows = trend_table(record, group, chart)
    what = VISIT_SCORES[chart][0] if group is None else f"{CHART_SCALES[chart]} of {group_name(group).lower()}"
    if not rows:
        return f"Chart of {what}: nothing recorded yet."
    def said(row: tuple[str, ...]) -> str:
        return ", ".join(f"{h} {v}" for h, v in zip(headers[1:], row[1:], strict=True) if v) or "no value"
    return (f"Chart of {what} at {len(rows)} examinations, {rows[0][0]} to {rows[-1][0]}. "
            f"First ({rows[0][0]}): {said(rows[0])}. Latest ({rows[-1][0]}): {said(rows[-1])}. "
            "Every value is in the Values table.")


def body_map_table(visits: Sequence[Visit]) -> Table:
    """The body map's colours as grades: the latest MAS of each examined group, left and right."""
    grades = latest_mas(visits)
    rows: list[tuple[str, ...]] = [
        (group.name, grades.get((group.code, "left"), ""), grades.get((group.code, "right"), ""))
        for group in MUSCLE_GROUPS if (group.code, "left") in grades or (group.code, "right") in grades]
    return ("Muscle group", "Latest MAS left", "Latest MAS right"), rows


def body_map_summary(visits: Sequence[Visit]) -> str:
    _headers, rows = body_map_table(visits)
    if not rows:
        return "Body map: no MAS grade recorded yet."
    parts = "; ".join(f"{name}: left {left or '—'}, right {right or '—'}" for name, left, right in rows)
    return f"Body map of the latest MAS grades. {parts}."
