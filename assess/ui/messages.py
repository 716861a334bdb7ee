"""Errors from the core shown as plain messages in the window, never as a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from assess.record.errors import AssessError, StaleEditError


def show_error(parent: QWidget | None, title: str, error: Exception) -> None:
    """A message box saying what was wrong; for a stale edit, it says to reload."""
    text = str(error) if isinstance(error, AssessError) else f"Unexpected error: {error}"
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if isinstance(error, StaleEditError):
        box.setInformativeText("Nothing of yours was overwritten and nothing of theirs was lost. "
                               "Reload the patient, then enter your change again.")
    box.setObjectName("error_message")
    box.exec()


def ask_reload(parent: QWidget | None, error: StaleEditError) -> bool:
    """Another workstation saved this visit first: True when the clinician wants to see their version."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Visit not saved", str(error), QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("stale_visit_message")
    box.setInformativeText("Nothing was overwritten: their visit and your values are both kept. Reload shows the "
                           "visit as they saved it; you can then put your values back over it, or keep theirs.")
    reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload)
    box.exec()
    return box.clickedButton() is reload
