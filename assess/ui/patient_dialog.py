"""The new/edit patient dialog: demographics, diagnosis, GMFCS, primary care doctor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import DIAGNOSES, SEXES, Contact, PatientDetails
from assess.record.errors import AssessError, DuplicateError, RecordError, StaleEditError
from assess.record.labels import words
from assess.scoring.scales import GMFCS

SaveDetails = Callable[[PatientDetails], None]
ReloadDetails = Callable[[], PatientDetails]  # the details as stored now (saved on another workstation)
_PCP_FIELDS = ("name", "practice", "address", "phone", "fax", "email")


class PatientDialog(QDialog):
    def __init__(self, parent: QWidget | None, initial: PatientDetails | None, save: SaveDetails,
                 reload: ReloadDetails | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit patient" if initial else "New patient")
        self.setMinimumWidth(560)
        self._save = save
        self._reload = reload
        self.result_details: PatientDetails | None = None
        self.mrn = self._line("MRN", "Medical record number")
        self.family_name = self._line("Family name", "Family name")
        self.given_name = self._line("Given name", "Given name")
        # Typed, never pre-set: a default date (or diagnosis) would be saved unnoticed as the patient's own.
        self.birth_date = self._line("Birth date", "YYYY-MM-DD")
        self.birth_date.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?"),
                                                                 self.birth_date))
        self.sex = self._combo("Sex", [(words(s) if s != "unknown" else "unknown", s) for s in SEXES])
        self.diagnosis = self._combo("Diagnosis", [(words(d), d) for d in DIAGNOSES])
        self.diagnosis.setPlaceholderText("choose…")
        self.diagnosis.setCurrentIndex(-1)
        self.diagnosis_note = self._line("Diagnosis note", "Cause, type, e.g. spastic diplegia")
        self.gmfcs = self._combo("GMFCS", [("not classified", None)]
                                 + [(f"{g.label} – {g.meaning}", g.label) for g in GMFCS.grades])
        # Issue 13: what the interaction checks read (tizanidine with ciprofloxacin or fluvoxamine).
        self.other_medicines = self._line("Other medicines", "Not spasticity drugs, by commas: ciprofloxacin 500 mg")
        self.pcp = {name: self._line(f"Primary care {name}", "") for name in _PCP_FIELDS}
        self.errors: dict[str, QLabel] = {}
        self.error_fields: dict[str, QWidget] = {}

        form = QFormLayout()
        for label, widget, key in (("MRN", self.mrn, "mrn"), ("Family name", self.family_name, "family_name"),
                                   ("Given name", self.given_name, "given_name"),
                                   ("Birth date", self.birth_date, "birth_date"), ("Sex", self.sex, "sex"),
                                   ("Diagnosis", self.diagnosis, "diagnosis"),
                                   ("Diagnosis note", self.diagnosis_note, "diagnosis_note"),
                                   ("GMFCS", self.gmfcs, "gmfcs"),
                                   ("Other medicines", self.other_medicines, "other_medicines")):
            form.addRow(label, self._with_error(widget, key))
        pcp_box = QGroupBox("Primary care doctor (receives the report)")
        pcp_form = QFormLayout(pcp_box)
        for name, title in zip(_PCP_FIELDS, ("Name", "Practice", "Address", "Phone", "Fax", "Email"), strict=True):
            pcp_form.addRow(title, self._with_error(self.pcp[name], f"primary_care.{name}"))
        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setStyleSheet("color: #b00020;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        # Offered when another workstation saved this patient first: show their details, then edit again.
        self.reload_button = QPushButton("&Reload the saved details")
        self.reload_button.setAccessibleName("Reload the patient's saved details")
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.hide()
        error_row = QHBoxLayout()
        error_row.addWidget(self.general_error, 1)
        error_row.addWidget(self.reload_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(pcp_box)
        layout.addLayout(error_row)
        layout.addWidget(buttons)
        self._fill(initial)
        # Editing, the MRN and names are who the patient is and seldom change: start on the first field that does.
        (self.diagnosis_note if initial else self.mrn).setFocus()

    @classmethod
    def ask(cls, parent: QWidget | None, initial: PatientDetails | None, save: SaveDetails,
            reload: ReloadDetails | None = None) -> PatientDetails | None:
        """Show the dialog; `save` is called on Save and the dialog stays open while it refuses."""
        dialog = cls(parent, initial, save, reload)
        dialog.exec()
        return dialog.result_details

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _combo(self, name: str, items: list[tuple[str, str | None]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for text, value in items:
            combo.addItem(text, value)
        return combo

    def _with_error(self, widget: QWidget, key: str) -> QWidget:
        """The field with a red line under it where its validation message appears."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet("color: #b00020;")
        error.setWordWrap(True)
        error.hide()
        layout.addWidget(error)
        self.errors[key] = error
        self.error_fields[key] = widget
        return box

    def _fill(self, initial: PatientDetails | None) -> None:
        if initial is None:
            self.sex.setCurrentIndex(SEXES.index("unknown"))
            return
        self.mrn.setText(initial.mrn)
        self.family_name.setText(initial.family_name)
        self.given_name.setText(initial.given_name)
        self.birth_date.setText(initial.birth_date.isoformat())
        self.sex.setCurrentIndex(max(0, self.sex.findData(initial.sex)))
        if self.diagnosis.findData(initial.diagnosis) < 0:  # a clinic's own x- diagnosis
            self.diagnosis.addItem(words(initial.diagnosis), initial.diagnosis)
        self.diagnosis.setCurrentIndex(self.diagnosis.findData(initial.diagnosis))
        self.diagnosis_note.setText(initial.diagnosis_note or "")
        self.gmfcs.setCurrentIndex(max(0, self.gmfcs.findData(initial.gmfcs)))
        self.other_medicines.setText(", ".join((initial.other_medicines or "").splitlines()))
        if initial.primary_care:
            for name in _PCP_FIELDS:
                self.pcp[name].setText(getattr(initial.primary_care, name) or "")

    def reload(self) -> None:
        """Replace the form with the details as stored now; the next Save goes over those."""
        if self._reload is None:
            return
        try:
            stored = self._reload()
        except AssessError as error:
            self._show_error("", str(error))
            return
        self._fill(stored)
        self._show_error("", "Reloaded: these are the details as saved on the other workstation.")
        self.general_error.setStyleSheet("color: #1b5e20;")

    def details(self) -> PatientDetails:
        """What the form says, as typed (the services check it)."""
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        contact = None
        pcp_values = {name: text(self.pcp[name]) for name in _PCP_FIELDS}
        if any(pcp_values.values()):
            contact = Contact(pcp_values["name"] or "", *(pcp_values[n] for n in _PCP_FIELDS[1:]))
        return PatientDetails(
            mrn=self.mrn.text().strip(), family_name=self.family_name.text().strip(),
            given_name=self.given_name.text().strip(), birth_date=self.birth_day() or dt.date.min,
            sex=self.sex.currentData(), diagnosis=self.diagnosis.currentData(),
            diagnosis_note=text(self.diagnosis_note), gmfcs=self.gmfcs.currentData(), primary_care=contact,
            other_medicines=text(self.other_medicines),
        )

    def _show_error(self, key: str, message: str) -> None:
        for label in self.errors.values():
            label.hide()
        self.general_error.hide()
        self.general_error.setStyleSheet("color: #b00020;")
        self.reload_button.hide()
        if key not in self.errors:
            self.general_error.setText(message)
            self.general_error.show()
            return
        self.errors[key].setText(message)
        self.errors[key].show()
        self.error_fields[key].setFocus()

    def birth_day(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.birth_date.text().strip())
        except ValueError:
            return None

    def _missing(self) -> tuple[str, str] | None:
        """The first field (in the form's order) it cannot save without, with what to do."""
        for key in ("mrn", "family_name", "given_name"):
            if not getattr(self, key).text().strip():
                return key, "Required."
        if self.birth_day() is None:
            return "birth_date", ("Required: type the birth date as YYYY-MM-DD, e.g. 2017-03-02." if
                                  not self.birth_date.text().strip() else
                                  f"'{self.birth_date.text()}' is not a date: type it as YYYY-MM-DD, e.g. 2017-03-02.")
        if self.diagnosis.currentIndex() < 0:
            return "diagnosis", "Required: choose the diagnosis."
        return None

    def _on_buttons_accepted(self) -> None:
        missing = self._missing()
        if missing is not None:
            self._show_error(*missing)
            return
        details = self.details()
        try:
            self._save(details)
        except RecordError as error:
            self._show_error(error.path, _readable(error.message))
            return
        except DuplicateError as error:
            self._show_error("mrn", str(error))
            return
        except StaleEditError as error:
            self._show_error("", f"Not saved: {error}. Nothing was overwritten; reload, then make your change "
                                 "again.")
            self.reload_button.setVisible(self._reload is not None)
            return
        except AssessError as error:
            self._show_error("", str(error))
            return
        self.result_details = details
        self.accept()


def _readable(message: str) -> str:
    """Schema messages for empty text say "should be non-empty"; say it as a person would."""
    if message.startswith("'' should be non-empty") or message.endswith("is too short"):
        return "Required."
    return message
