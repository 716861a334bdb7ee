"""The clinic's settings shared by every workstation: the reports' letterhead, the exam rows it does not examine,
how it measures the popliteal angle."""

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
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import ANGLE_CONVENTIONS
from assess.record.errors import AssessError
from assess.reports.content import Clinic
from assess.scoring.angles import CONVENTION_WORDS
from assess.scoring.muscles import MUSCLE_GROUPS
from assess.services.clinic import (
    clinic_letterhead,
    hidden_muscle_groups,
    popliteal_convention,
    set_clinic_letterhead,
    set_hidden_muscle_groups,
    set_popliteal_convention,
)
from assess.storage.db import Database
from assess.ui.messages import show_error


class ClinicSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, hidden: frozenset[str], letterhead: Clinic,
                 convention: str | None = None) -> None:
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
        layout.addWidget(self._popliteal_box(convention))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _popliteal_box(self, convention: str | None) -> QGroupBox:
        """How the knee flexors' angles are typed in new exams (issue 13): a finding keeps its own."""
        box = QGroupBox("Popliteal angle (knee flexors) in the exam grid")
        form = QFormLayout(box)
        self.popliteal = QComboBox()
        self.popliteal.setAccessibleName("Popliteal angle typed as")
        for code in (None, *ANGLE_CONVENTIONS):
            self.popliteal.addItem(CONVENTION_WORDS[code].capitalize(), code)
        self.popliteal.setCurrentIndex(max(0, self.popliteal.findData(convention)))
        form.addRow("Typed as", self.popliteal)
        note = QLabel("Each finding keeps the convention it was measured in, so better and worse are never "
                      "reversed; this choice is for angles typed from now on.")
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def convention(self) -> str | None:
        code = self.popliteal.currentData()
        return None if code is None else str(code)

    def hidden(self) -> frozenset[str]:
        return frozenset(code for code, check in self.shown.items() if not check.isChecked())

    def letterhead(self) -> Clinic:
        return Clinic(self.name.text().strip(), self.address.text().strip(), self.phone.text().strip(),
                      self.fax.text().strip(), str(self.paper.currentData()))

    @classmethod
    def ask(cls, parent: QWidget | None, hidden: frozenset[str], letterhead: Clinic,
            convention: str | None = None) -> tuple[frozenset[str], Clinic, str | None] | None:
        dialog = cls(parent, hidden, letterhead, convention)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.hidden(), dialog.letterhead(), dialog.convention()


def edit_clinic_settings(parent: QWidget | None, db: Database) -> str | None:
    """Ask for the clinic's settings and save them (each audited), refused whole when another workstation changed
    one since they were read; the status line to show, or None when nothing was saved."""
    with db.read() as session:
        hidden, letterhead = hidden_muscle_groups(session), clinic_letterhead(session)
        convention = popliteal_convention(session)
    chosen = ClinicSettingsDialog.ask(parent, hidden, letterhead, convention)
    if chosen is None:
        return None
    try:
        with db.transaction() as session:
            set_hidden_muscle_groups(session, chosen[0], expected=hidden)
            set_clinic_letterhead(session, chosen[1], expected=letterhead)
            set_popliteal_convention(session, chosen[2], expected=convention)
    except AssessError as error:
        show_error(parent, "Clinic settings not saved", error)
        return None
    return f"Clinic settings saved {dt.datetime.now():%H:%M:%S}; exams opened from now on use them"
