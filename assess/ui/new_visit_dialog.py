"""Asks the date and type of a visit that is not today's follow-up."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from assess.record.domain import VISIT_TYPES
from assess.record.labels import words
from assess.ui.treatment_dialog import DateField


class NewVisitDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New visit")
        self.day = DateField(QDate.currentDate())  # Tab enters and leaves it like any field
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setCalendarPopup(True)
        self.day.setMaximumDate(QDate.currentDate())
        self.day.setAccessibleName("Visit date")
        self.visit_type = QComboBox()
        self.visit_type.setAccessibleName("Visit type")
        for code in VISIT_TYPES:
            self.visit_type.addItem(words(code).capitalize(), code)
        self.visit_type.setCurrentIndex(VISIT_TYPES.index("follow_up"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Date", self.day)
        form.addRow("Type", self.visit_type)
        form.addRow(buttons)

    def chosen(self) -> tuple[dt.date, str]:
        day = self.day.date()
        return dt.date(day.year(), day.month(), day.day()), str(self.visit_type.currentData())

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[dt.date, str] | None:
        dialog = cls(parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
