"""Table models of the patient view: the timeline, the latest findings with change, the goals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from assess.record import palette
from assess.record.domain import (
    Goal,
    OralMedication,
    Orthosis,
    PatientRecord,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Treatment,
    Visit,
    treatment_date,
)
from assess.record.labels import words
from assess.scoring.arrows import arrow, change_mark
from assess.scoring.change import FindingChange, ScaleChange, toxin_sessions, worsening_history
from assess.scoring.gas import goal_weight, goals_scored, scored_words, visit_t_score
from assess.scoring.muscles import group_name, muscle_name
from assess.scoring.worsening import describe_wearing_off
from assess.services.goals import Withdrawal
from assess.ui.table_model import DISPLAY, Index, RowsTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# Shape and colour together (UX.md, assess.scoring.arrows): ▲/▼ follow the number; blue better, orange worse.
BETTER, WORSE = QColor(palette.BETTER), QColor(palette.WORSE)
MAS_BACKGROUNDS = {grade: QBrush(QColor(colour)) for grade, colour in palette.MAS_COLOURS.items()}


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    what: str
    details: str
    status: str
    flagged: bool
    visit: Visit | None = None
    treatment: Treatment | None = None


def _treatment_line(t: Treatment) -> tuple[str, str]:
    if isinstance(t, ToxinSession):
        muscles = ", ".join(f"{i.side[0].upper()} {muscle_name(i.muscle).lower()} {i.units:g}" for i in t.injections)
        notes = f" — {t.notes}" if t.notes else ""  # an overridden safety warning is said here
        return f"Botulinum toxin {t.total_units:g} U", f"{words(t.product)}: {muscles}{notes}"
    if isinstance(t, OralMedication):
        until = f" until {t.stop}" if t.stop else ""
        return f"{words(t.drug).capitalize()} {t.dose_mg_per_day:g} mg/day", f"from {t.start}{until}"
    if isinstance(t, PumpEvent):
        parts = [f"{t.dose_mcg_per_day:g} µg/day" if t.dose_mcg_per_day is not None else "",
                 f"{t.concentration_mcg_per_ml:g} µg/mL" if t.concentration_mcg_per_ml is not None else "",
                 f"{t.volume_ml:g} mL" if t.volume_ml is not None else ""]
        return f"Pump {words(t.event)}", ", ".join(p for p in parts if p)
    if isinstance(t, Therapy):
        return words(t.therapy).capitalize(), f"from {t.start}" + (f" to {t.end}" if t.end else ", ongoing")
    if isinstance(t, Orthosis):
        where = f" ({t.body_region}{', ' + words(t.side) if t.side else ''})" if t.body_region else ""
        return f"{words(t.orthosis).capitalize()}{where}", f"from {t.start}" + (f" to {t.end}" if t.end else "")
    if isinstance(t, Sdr):
        return "Selective dorsal rhizotomy", ", ".join(x for x in (t.levels, f"{t.rootlets_cut_percent:g}% cut"
                                                                   if t.rootlets_cut_percent else None) if x)
    assert isinstance(t, Surgery)
    return t.procedure, words(t.side) if t.side else ""


def timeline(record: PatientRecord) -> list[TimelineEntry]:
    """Visits and treatments in one list, newest first."""
    entries = []
    flags = worsening_history(record.visits, toxin_sessions(record))
    for visit in record.visits:
        flag = flags[visit.key]
        details = f"{len(visit.findings)} findings" + (f", weight {visit.weight_kg:g} kg" if visit.weight_kg else "")
        if flag:
            worse = [f"{w.side} {group_name(w.muscle_group).lower()} {w.previous}→{w.current}" for w in flag.muscles]
            if flag.penn_up:
                worse.append(f"Penn spasm frequency {flag.penn_previous:g}→{flag.penn_current}")
            details += "; worse: " + ", ".join(worse)
        elif flag.wearing_off is not None:
            details += f"; toxin wearing off ({describe_wearing_off(flag.wearing_off)})"
        entries.append(TimelineEntry(visit.date, words(visit.type).capitalize(), details,
                                     "signed" if visit.status == "signed" else "DRAFT", bool(flag), visit=visit))
    for treatment in record.treatments:
        what, details = _treatment_line(treatment)
        entries.append(TimelineEntry(treatment_date(treatment), what, details, "", False, treatment=treatment))
    entries.sort(key=lambda e: (e.date, e.visit is not None), reverse=True)
    return entries


class TimelineModel(RowsTableModel[TimelineEntry]):
    DATE, WHAT, DETAILS, STATUS = range(4)
    HEADERS = ("Date", "What", "Details", "Status")

    def entry(self, row: int) -> TimelineEntry:
        return self.row(row)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        e = self.row(index.row())
        if role == DISPLAY:
            status = e.status + (" ⚠" if e.flagged else "")
            return (e.date.isoformat(), e.what, e.details, status.strip())[index.column()]
        if role == SORT_ROLE:
            return (e.date.toordinal(), e.what, e.details, e.status)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and e.flagged and index.column() == self.STATUS:
            return QBrush(WORSE)
        if role == Qt.ItemDataRole.FontRole and e.visit is not None:
            font = QFont()
            font.setBold(True)  # visits stand out from the treatments between them
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.what}: {e.details}" if e.details else e.what
        return None


SCALES = (("mas", "MAS"), ("tardieu_r1", "R1"), ("prom", "PROM"))


class LatestFindingsModel(RowsTableModel[str]):
    """One row per muscle group: when it was last examined, then for each scale a left and a right column,
    value with ▲/▼ (a side examined on another day says so in its cell's tooltip and the Examined column)."""

    EXAMINED = 1
    HEADERS = ("Muscle group", "Examined") + tuple(f"{title} {side}" for _, title in SCALES for side in ("L", "R"))

    def __init__(self) -> None:
        super().__init__()
        self._cells: dict[tuple[str, str], FindingChange] = {}

    def set_changes(self, changes: Sequence[FindingChange]) -> None:
        self._cells = {(c.muscle_group, c.side): c for c in changes}
        self.set_rows(list(dict.fromkeys(c.muscle_group for c in changes)))

    def examined(self, row: int) -> str:
        """'2025-06-09', or 'L 2025-03-02' and 'R 2025-06-09' on two lines when the sides were last examined
        on different days."""
        group = self.row(row)
        days = {side: cell.date for side in ("left", "right") if (cell := self._cells.get((group, side)))}
        if len(set(days.values())) <= 1:
            return next(iter(days.values())).isoformat() if days else ""
        return "\n".join(f"{side[0].upper()} {day}" for side, day in days.items())

    def change_at(self, row: int, column: int) -> ScaleChange | None:
        if column <= self.EXAMINED:
            return None
        scale, _ = SCALES[(column - 2) // 2]
        side = ("left", "right")[(column - 2) % 2]
        cell = self._cells.get((self.row(row), side))
        return cell.change(scale) if cell else None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        group = self.row(index.row())
        if index.column() == 0:
            return group_name(group) if role in (DISPLAY, SORT_ROLE) else None
        if index.column() == self.EXAMINED:
            return self.examined(index.row()) if role in (DISPLAY, SORT_ROLE) else None
        change = self.change_at(index.row(), index.column())
        if change is None:
            return None
        value = f"{change.current:g}°" if isinstance(change.current, float) else str(change.current)
        if role == DISPLAY:
            mark = arrow(change.scale, change.previous, change.current)
            return f"{value} {mark}" if mark else value
        if role == Qt.ItemDataRole.BackgroundRole and change.scale == "mas":
            return MAS_BACKGROUNDS.get(str(change.current))
        if role == Qt.ItemDataRole.ForegroundRole and change.direction in ("better", "worse"):
            return QBrush(BETTER if change.direction == "better" else WORSE)
        if role == Qt.ItemDataRole.ToolTipRole:
            if change.previous is None:
                return "First examination of this scale"
            before = f"{change.previous:g}°" if isinstance(change.previous, float) else change.previous
            return f"{change_mark(change) or change.direction}: was {before} on {change.previous_date}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class GoalsModel(RowsTableModel[Goal]):
    TEXT, SET_ON, WEIGHT, BASELINE, LATEST, STATUS = range(6)
    HEADERS = ("Goal", "Set on", "Weight", "Baseline", "Latest score", "Status")

    def __init__(self) -> None:
        super().__init__()
        self._record: PatientRecord | None = None
        self._withdrawn: Mapping[str, Withdrawal] = {}

    def set_record(self, record: PatientRecord, withdrawn: Mapping[str, Withdrawal] | None = None) -> None:
        self._record = record
        self._withdrawn = withdrawn or {}
        self.set_rows(record.goals)

    def withdrawal(self, goal: Goal) -> Withdrawal | None:
        return self._withdrawn.get(goal.id)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self._record is None:
            return None
        goal = self.row(index.row())
        gone = self._withdrawn.get(goal.id)
        if role == Qt.ItemDataRole.ForegroundRole and gone is not None:
            return QBrush(QColor("#6b6b6b"))
        if role != DISPLAY:
            return None
        scores = [(v.date, s.score) for v in self._record.visits for s in v.goal_scores if s.goal == goal.id]
        latest = f"{scores[-1][1]:+d} on {scores[-1][0]}" if scores else "not scored"
        status = f"withdrawn {gone.on}: {gone.reason}" if gone else "active"
        return (goal.text, goal.set_on.isoformat(), f"{goal_weight(goal):g}", f"{goal.baseline:+d}",
                latest, status)[index.column()]


def t_scores(record: PatientRecord) -> list[tuple[dt.date, float, str]]:
    """The GAS T-score of every visit that scored goals, oldest first, with "(3 of 11 goals scored)" when
    only some of the goals set by then were scored."""
    result = []
    for visit in record.visits:
        if visit.goal_scores:
            t = visit_t_score(record.goals, visit.date, visit.goal_scores)
            if t is not None:
                result.append((visit.date, t, scored_words(*goals_scored(record.goals, visit.date,
                                                                         visit.goal_scores))))
    return result
