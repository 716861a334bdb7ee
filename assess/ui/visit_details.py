"""Goal scores with the visit's GAS T-score, triggers, symptoms and notes of the visit editor."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import SYMPTOMS, TRIGGERS, Goal, GoalScore, Visit
from assess.scoring.gas import goal_weight, goals_scored, scored_words, visit_t_score
from assess.ui.visit_fields import NOT_SCORED, CodeChecklist, UndoKeysToEditor

# The five levels of Goal Attainment Scaling (Kiresuk & Sherman 1968), as written on a GAS form.
GAS_LEVELS: tuple[tuple[int, str], ...] = (
    (-2, "−2 much less than expected"), (-1, "−1 somewhat less than expected"), (0, "0 expected outcome"),
    (1, "+1 somewhat more than expected"), (2, "+2 much more than expected"),
)
GOAL_PREFIX = "goal:"


class VisitDetailsPanel(QObject):
    """Goals, triggers, symptoms and notes, in `sections` the editor places beside or under the grid."""

    edited = Signal(str, object, object)

    def __init__(self, goals: Sequence[Goal], visit_date: dt.date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._goals = tuple(goals)
        self._visit_date = visit_date
        self._other_scores: tuple[GoalScore, ...] = ()  # scores of goals not offered here: kept as stored
        self.goal_combos: dict[str, QComboBox] = {}
        self._goal_values: dict[str, int | None] = {}
        self.t_score = QLabel()
        self.t_score.setAccessibleName("GAS T-score of this visit")
        self.t_score.setStyleSheet("font-weight: 600;")
        goals_box = QGroupBox("Goals (GAS)")
        grid = QGridLayout(goals_box)
        grid.setColumnStretch(0, 1)
        if not self._goals:
            grid.addWidget(QLabel("No goal set on or before this visit."), 0, 0)
        for row, goal in enumerate(self._goals):
            # Two goals may read alike (set again a year later): the date tells them apart.
            text = QLabel(f"{html.escape(goal.text)} <span style='color: palette(dark)'>· set {goal.set_on}</span>")
            text.setWordWrap(True)
            text.setToolTip(f"Set on {goal.set_on}; baseline {goal.baseline:+d}; weight {goal_weight(goal):g}")
            combo = QComboBox()
            combo.setAccessibleName(f"Goal score: {goal.text}")
            combo.addItem(NOT_SCORED, None)
            for score, label in GAS_LEVELS:
                combo.addItem(label, score)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(27)
            combo.currentIndexChanged.connect(lambda _i, goal_id=goal.id: self._on_goal_changed(goal_id))
            text.setBuddy(combo)
            grid.addWidget(text, row, 0)
            grid.addWidget(combo, row, 1)
            self.goal_combos[goal.id] = combo
            self._goal_values[goal.id] = None
        grid.addWidget(self.t_score, len(self._goals) + 1, 0, 1, 2)

        self.triggers = CodeChecklist(TRIGGERS, "Triggers")
        self.symptoms = CodeChecklist(SYMPTOMS, "Symptoms")
        self.triggers.edited.connect(lambda before, after: self.edited.emit("triggers", before, after))
        self.symptoms.edited.connect(lambda before, after: self.edited.emit("symptoms", before, after))
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("Notes of this visit")
        self.notes.setUndoRedoEnabled(False)  # the visit's own undo stack covers the notes too
        self._undo_keys = UndoKeysToEditor(self)
        self.notes.installEventFilter(self._undo_keys)
        self.notes.setMinimumHeight(4 * self.notes.fontMetrics().lineSpacing())
        self.notes.setMaximumHeight(9 * self.notes.fontMetrics().lineSpacing())
        self._notes_value: str | None = None
        self.notes.textChanged.connect(self._on_notes_text_changed)

        self.goals_box = goals_box
        self.triggers_box = _boxed("Triggers", self.triggers)
        self.symptoms_box = _boxed("Symptoms", self.symptoms)
        self.notes_box = _boxed("Notes", self.notes)
        self._refresh_t_score()

    def focus_chain(self) -> list[QWidget]:
        return [*self.goal_combos.values(), *self.triggers.focus_chain(), *self.symptoms.focus_chain(), self.notes]

    # --- values ----------------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        if name.startswith(GOAL_PREFIX):
            return self._goal_values[name.removeprefix(GOAL_PREFIX)]
        if name == "notes":
            return self._notes_value
        return self.triggers.value() if name == "triggers" else self.symptoms.value()

    def set_field(self, name: str, value: Any) -> None:
        if name.startswith(GOAL_PREFIX):
            goal_id = name.removeprefix(GOAL_PREFIX)
            combo = self.goal_combos[goal_id]
            self._goal_values[goal_id] = value
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
            self._refresh_t_score()
        elif name == "notes":
            self._set_notes(value)
        elif name == "triggers":
            self.triggers.set_value(value)
        elif name == "symptoms":
            self.symptoms.set_value(value)
        else:
            raise KeyError(name)

    def goal_scores(self) -> tuple[GoalScore, ...]:
        offered = tuple(GoalScore(goal_id, score) for goal_id, score in self._goal_values.items() if score is not None)
        return offered + self._other_scores

    def t_score_value(self) -> float | None:
        return visit_t_score(self._goals, self._visit_date, self.goal_scores())

    def load(self, visit: Visit) -> None:
        scores = {s.goal: s.score for s in visit.goal_scores}
        for goal_id in self.goal_combos:
            self.set_field(GOAL_PREFIX + goal_id, scores.get(goal_id))
        self._other_scores = tuple(s for s in visit.goal_scores if s.goal not in self.goal_combos)
        self.triggers.set_value(visit.triggers)
        self.symptoms.set_value(visit.symptoms)
        self._set_notes(visit.notes)
        self._refresh_t_score()

    def set_read_only(self, read_only: bool) -> None:
        for combo in self.goal_combos.values():
            combo.setEnabled(not read_only)
        self.triggers.set_read_only(read_only)
        self.symptoms.set_read_only(read_only)
        self.notes.setReadOnly(read_only)

    # --- events ----------------------------------------------------------------------------------
    def _on_goal_changed(self, goal_id: str) -> None:
        before, after = self._goal_values[goal_id], self.goal_combos[goal_id].currentData()
        self._goal_values[goal_id] = after
        self._refresh_t_score()
        if before != after:
            self.edited.emit(GOAL_PREFIX + goal_id, before, after)

    def _on_notes_text_changed(self) -> None:
        before, after = self._notes_value, self.notes.toPlainText() or None
        self._notes_value = after
        if before != after:
            self.edited.emit("notes", before, after)

    def _set_notes(self, value: str | None) -> None:
        self._notes_value = value
        if self.notes.toPlainText() == (value or ""):
            return
        self.notes.blockSignals(True)
        self.notes.setPlainText(value or "")
        self.notes.moveCursor(self.notes.textCursor().MoveOperation.End)
        self.notes.blockSignals(False)

    def _refresh_t_score(self) -> None:
        t = self.t_score_value()
        part = scored_words(*goals_scored(self._goals, self._visit_date, self.goal_scores()))
        self.t_score.setText("GAS T-score: " + ("— (no weighted goal scored)" if t is None
                                                else f"{t:.1f} {part}".rstrip()))


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    layout.addStretch(1)  # the fields at the top of a tall box, not floating in its middle
    return box
