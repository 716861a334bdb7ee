"""The clinic's settings shared by every workstation: the reports' letterhead, the exam rows it does not examine."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from assess.record.errors import AssessError
from assess.reports.content import Clinic
from assess.scoring.muscles import MUSCLE_GROUPS
from assess.services.clinic import (
    clinic_letterhead,
    hidden_muscle_groups,
    set_clinic_letterhead,
    set_hidden_muscle_groups,
)
from assess.storage.db import Database
from assess.ui import messages


class ClinicSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, hidden: frozenset[str], letterhead: Clinic) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self.shown: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        head = QGroupBox("Letterhead of the reports (every workstation)")
        form = QFormLayout(head)
        self.name, self.address, self.phone, self.fax = (QLineEdit(v) for v in (
            letterhead.name, letterhead.address,
            letterhead.phone, letterhead.fax))
        self.paper = QComboBox()
        self.paper.addItem("US Letter", "letter")
        self.paper.addItem("A4", "a4")
        self.paper.setCurrentIndex(max(0, self.paper.findData(letterhead.paper)))
        for label, widget in (("Clinic name", self.name), ("Address", self.address), ("Phone", self.phone),
                              ("Fax", self.fax), ("Paper", self.paper)):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        layout.addWidget(head)
        intro = QLabel("Rows of the exam grid at every workstation of this clinic. Untick the muscle groups "
                       "your clinic does not examine; a row that holds a value is always shown.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for region, title in (("upper", "Upper limb"), ("lower", "Lower limb")):
            box = QGroupBox(title)
            grid = QGridLayout(box)
            groups = [g for g in MUSCLE_GROUPS if g.region == region]
            for i, group in enumerate(groups):
                check = QCheckBox(group.name)
                check.setChecked(group.code not in hidden)
                check.setAccessibleName(f"Examine {group.name}")
                self.shown[group.code] = check
                grid.addWidget(check, i % 5, i // 5)
            layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def hidden(self) -> frozenset[str]:
        return frozenset(code for code, check in self.shown.items() if not check.isChecked())

    def letterhead(self) -> Clinic:
        return Clinic(self.name.text().strip(), self.address.text().strip(), self.phone.text().strip(),
                      self.fax.text().strip(), str(self.paper.currentData()))

    @classmethod
    def ask(cls, parent: QWidget | None, hidden: frozenset[str],
            letterhead: Clinic) -> tuple[frozenset[str], Clinic] | None:
        dialog = cls(parent, hidden, letterhead)
        return (dialog.hidden(), dialog.letterhead()) if dialog.exec() == QDialog.DialogCode.Accepted else None


def edit_clinic_settings(window: QMainWindow, db: Database) -> None:
    """Clinic settings… of the Patient menu: asked, then saved against the values read (another workstation's
    change in between is refused, not overwritten)."""
    with db.transaction() as session:
        hidden, letterhead = hidden_muscle_groups(session), clinic_letterhead(session)
    chosen = ClinicSettingsDialog.ask(window, hidden, letterhead)
    if chosen is None:
        return
    try:
        with db.transaction() as session:
            set_hidden_muscle_groups(session, chosen[0], expected=hidden)
            set_clinic_letterhead(session, chosen[1], expected=letterhead)
    except AssessError as error:
        messages.show_error(window, "Clinic settings not saved", error)
        return
    window.statusBar().showMessage(f"Clinic settings saved {dt.datetime.now():%H:%M:%S}; exams opened from now "
                                   "on use them")
