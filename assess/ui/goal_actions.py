"""A goal after it is set: correct it in the goal dialog, or withdraw it (date and reason), through the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from assess.record.domain import Goal, PatientRecord
from assess.record.errors import AssessError, RecordError
from assess.services.goals import update_goal, withdraw_goal
from assess.storage.db import Database
from assess.ui import messages
from assess.ui.treatment_dialog import FieldErrors, date_edit, from_qdate, patient_line, readable

if TYPE_CHECKING:
    from assess.ui.main_window import MainWindow


class WithdrawGoalDialog(QDialog):
    """From which day the goal is no longer worked towards, and why (both kept with the goal, audited)."""

    def __init__(self, parent: QWidget | None, db: Database, record: PatientRecord, goal: Goal) -> None:
        super().__init__(parent)
        self.setWindowTitle("Withdraw goal")
        self.errors = FieldErrors()
        self.on = date_edit("Withdrawn on")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setAccessibleDescription("Why the goal is given up; kept with the goal")
        self.reason.setPlaceholderText("e.g. no longer relevant after surgery")
        self.reason.setMinimumWidth(380)
        what = QLabel(f"Goal: <b>{goal.text}</b> (set on {goal.set_on}). Its scores so far are kept; later "
                      "visits no longer score it.")
        what.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Withdrawn on", self.errors.wrap("withdrawn_on", self.on))
        form.addRow("Reason", self.errors.wrap("reason", self.reason))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(patient_line(record.details))
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.reason.setFocus()  # the date is today's most often; the reason is what must be typed
        self._db, self._mrn, self._goal = db, record.mrn, goal
        self.saved = False

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        try:
            with self._db.transaction() as session:
                withdraw_goal(session, self._mrn, self._goal.id, from_qdate(self.on.date()), self.reason.text())
        except RecordError as error:
            self.errors.show(error.path, readable(error.message))
            return
        except AssessError as error:
            self.errors.show("", str(error))
            return
        self.saved = True
        self.accept()


def edit_goal(parent: QWidget, db: Database, record: PatientRecord, goal: Goal) -> str | None:
    """The goal corrected in its dialog and saved; the status line's message, or None (cancelled, unchanged)."""
    from assess.ui.goal_dialog import GoalDialog

    corrected = GoalDialog.ask(parent, record.details, record.goals, goal)
    if corrected is None:
        return None
    with db.transaction() as session:
        changed = update_goal(session, record.mrn, corrected)
    return f"Goal “{corrected.text}” saved" if changed else None


def withdraw(parent: QWidget, db: Database, record: PatientRecord, goal: Goal) -> str | None:
    dialog = WithdrawGoalDialog(parent, db, record, goal)
    dialog.exec()
    return f"Goal “{goal.text}” withdrawn on {from_qdate(dialog.on.date())}" if dialog.saved else None



def goal_action(window: MainWindow, which: str, goal: Goal) -> None:
    """Edit goal… / Withdraw goal… on the patient's goals page; the patient is shown again after a save."""
    record = window.view.record
    if record is None:
        return
    act = edit_goal if which == "edit" else withdraw
    try:
        message = act(window, window.db, record, goal)
    except AssessError as error:
        messages.show_error(window, "Goal not saved", error)
        return
    if message:
        window.open_patient(record.mrn)
        window.statusBar().showMessage(message)
