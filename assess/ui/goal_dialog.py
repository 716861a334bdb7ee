"""The Goal Attainment Scaling goal dialog: text, date set, importance, difficulty, baseline, id."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from assess.record.domain import Goal, PatientDetails
from assess.record.errors import RecordError
from assess.scoring.scales import GAS
from assess.services.checks import check_goals
from assess.ui.treatment_dialog import FieldErrors, date_edit, from_qdate, patient_line, readable, to_qdate

# Turner-Stokes 2009: each rated 0-3; weight = importance x difficulty.
IMPORTANCE = ("not at all important", "a little important", "moderately important", "very important")
DIFFICULTY = ("not at all difficult", "a little difficult", "moderately difficult", "very difficult")
_ID_LENGTH = 32


def goal_id(text: str, taken: Iterable[str]) -> str:
    """An id made from the goal's first words ("Walk 10 m with a walker" -> "walk-10-m-with-a-walker"), unique
    among `taken` by a -2, -3... ending; always 1-32 letters, digits, - or _ as the format requires."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    stem = ""
    for word in re.findall(r"[a-z0-9]+", plain):
        longer = f"{stem}-{word}" if stem else word
        if len(longer) > _ID_LENGTH:
            stem = stem or word[:_ID_LENGTH]
            break
        stem = longer
    stem = stem or "goal"
    used = set(taken)
    candidate, n = stem, 1
    while candidate in used:
        n += 1
        ending = f"-{n}"
        candidate = stem[:_ID_LENGTH - len(ending)].rstrip("-") + ending
    return candidate


def _rating(name: str, meanings: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem("not rated", None)
    for value, meaning in enumerate(meanings):
        combo.addItem(f"{value} – {meaning}", value)
    return combo


class GoalDialog(QDialog):
    def __init__(self, parent: QWidget | None, details: PatientDetails, existing_goals: Sequence[Goal],
                 initial: Goal | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit goal" if initial else "New goal")
        self._details = details
        # Editing a goal: the others are the ones it must not clash with.
        self._others = tuple(g for g in existing_goals if initial is None or g.id != initial.id)
        self.result_goal: Goal | None = None
        self.errors = FieldErrors()
        self.text = QLineEdit()
        self.text.setAccessibleName("Goal")
        self.text.setPlaceholderText("what the patient will be able to do, e.g. walk 10 m with a walker")
        self.text.setMinimumWidth(440)
        self.set_on = date_edit("Set on")
        self.importance = _rating("Importance", IMPORTANCE)
        self.difficulty = _rating("Difficulty", DIFFICULTY)
        self.baseline = QComboBox()
        self.baseline.setAccessibleName("Baseline")
        self.baseline.setPlaceholderText("choose…")
        for grade in GAS.grades:
            if grade.value in (-2, -1):
                self.baseline.addItem(f"{grade.label.replace('-', '−')}  {grade.meaning}", int(grade.value))
        self.baseline.setCurrentIndex(-1)
        self.goal_id = QLineEdit()
        self.goal_id.setAccessibleName("Goal id")
        self.goal_id.setMaxLength(_ID_LENGTH)

        form = QFormLayout()
        for label, key, widget in (("Goal", "text", self.text), ("Set on", "set_on", self.set_on),
                                   ("Importance", "importance", self.importance),
                                   ("Difficulty", "difficulty", self.difficulty),
                                   ("Baseline", "baseline", self.baseline), ("Id", "id", self.goal_id)):
            form.addRow(label, self.errors.wrap(key, widget))
        hint = QLabel("Weight = importance × difficulty (Turner-Stokes 2009); not rated counts as 1. "
                      "Baseline: where the patient is now, below the expected outcome (0).")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(patient_line(details))
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.text.textChanged.connect(self._on_text_changed)
        if initial is not None:
            self._fill(initial)
            self.goal_id.setReadOnly(True)  # the goal's identity: its scores at visits name it
            self.goal_id.setAccessibleDescription("The goal's id, named by its scores; it cannot be changed")
        self._on_text_changed()

    @classmethod
    def ask(cls, parent: QWidget | None, details: PatientDetails, existing_goals: Sequence[Goal],
            initial: Goal | None = None) -> Goal | None:
        """The goal as entered and checked against the patient's other goals, or None when cancelled."""
        dialog = cls(parent, details, existing_goals, initial)
        dialog.exec()
        return dialog.result_goal

    def _fill(self, goal: Goal) -> None:
        self.text.setText(goal.text)
        self.set_on.setDate(to_qdate(goal.set_on))
        self.importance.setCurrentIndex(max(0, self.importance.findData(goal.importance)))
        self.difficulty.setCurrentIndex(max(0, self.difficulty.findData(goal.difficulty)))
        self.baseline.setCurrentIndex(self.baseline.findData(goal.baseline))
        self.goal_id.setText(goal.id)

    def _on_text_changed(self) -> None:
        """An empty id field shows the id the goal will get."""
        self.goal_id.setPlaceholderText(f"{self._made_id()} (made from the goal)")

    def _made_id(self) -> str:
        return goal_id(self.text.text(), (g.id for g in self._others))

    def goal(self) -> Goal | None:
        """The goal as the form says it, or None after showing that the baseline is missing."""
        if self.baseline.currentIndex() < 0:
            self.errors.show("baseline", "Required.")
            return None
        return Goal(id=self.goal_id.text().strip() or self._made_id(), text=self.text.text().strip(),
                    set_on=from_qdate(self.set_on.date()), baseline=int(self.baseline.currentData()),
                    importance=self.importance.currentData(), difficulty=self.difficulty.currentData())

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        goal = self.goal()
        if goal is None:
            return
        try:
            check_goals(self._details, (*self._others, goal))
        except RecordError as error:
            # The other goals are stored, so checked already: the error is about this one (goals[i].field).
            field = error.path.rpartition(".")[2] if error.path.startswith("goals[") else ""
            message = error.message
            if field == "id" and "does not match" in message:
                message = "Use 1 to 32 letters, digits, - or _."
            self.errors.show(field, readable(message))
            return
        self.result_goal = goal
        self.accept()
