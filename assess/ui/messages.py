"""Errors from the core shown as plain messages in the window, never as a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from assess.errors import AssessError, StaleEditError


def show_error(parent: QWidget | None, title: str, error: Exception) -> None:
    """A message box saying what was wrong; for a stale edit, it says to reload."""
    text = str(error) if isinstance(error, AssessError) else f"Unexpected error: {error}"
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if isinstance(error, StaleEditError):
        box.setInformativeText("Nothing of yours was overwritten and nothing of theirs was lost. "
                               "Reload the patient, then enter your change again.")
    box.setObjectName("error_message")
    box.exec()
