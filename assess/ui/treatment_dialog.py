"""The treatment form for therapy, orthosis, oral medication, pump event, SDR and surgery, from one field spec."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import (
    DRUGS,
    ORTHOSES,
    PUMP_EVENTS,
    THERAPIES,
    OralMedication,
    Orthosis,
    PatientDetails,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    Treatment,
)
from assess.record.errors import RecordError
from assess.record.labels import words
from assess.scoring.limits import LimitTable, load_limits
from assess.scoring.safety import Alert
from assess.services.checks import check_treatment
from assess.services.treatment_edits import dose_change
from assess.ui.drug_checks import DrugChecks
from assess.ui.pump_checks import IMPLANT_FIELDS, PumpChecks
from assess.ui.toxin_checks import ask_override_reason, override_note

ERROR_STYLE = "color: #b00020;"
_SIDES = ("left", "right", "both")


# ---- pieces the goal and toxin dialogs share: dates, notes, messages under the field ----

def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class DateField(QDateEdit):
    """A date that Tab enters and leaves like any field; the arrow keys (Left/Right) move between its parts."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt's names
        # QDateEdit's own Tab walks year, month, day and only then leaves: a keyboard trap in a form.
        return QWidget.focusNextPrevChild(self, next)


def date_edit(name: str, day: dt.date | None = None) -> QDateEdit:
    edit = DateField(to_qdate(day or dt.date.today()))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def notes_edit(name: str = "Notes") -> QPlainTextEdit:
    """A few lines of free text; Tab leaves it (it is a form, not an editor)."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setAccessibleName(name)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
    return edit


def patient_line(details: PatientDetails) -> QLabel:
    label = QLabel(f"<b>{details.family_name}, {details.given_name}</b> · MRN {details.mrn} · "
                   f"born {details.birth_date.isoformat()}")
    label.setObjectName("patient_line")
    return label


def readable(message: str) -> str:
    """The validator's words (jsonschema's) as a person says them; the rule itself stays in the check."""
    if message.startswith("'' should be non-empty") or message.endswith("is too short"):
        return "Required."
    bounds = (("is less than or equal to the minimum of", "Must be more than"),
              ("is less than the minimum of", "Must be at least"),
              ("is greater than or equal to the maximum of", "Must be less than"),
              ("is greater than the maximum of", "Must be at most"))
    for said, meant in bounds:
        found = re.fullmatch(rf"\S+ {said} (\S+)", message)
        if found:
            return f"{meant} {found[1]}."
    if " is not one of " in message:
        return "Choose one from the list."
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


class FieldErrors:
    """A red message line under each field, keyed by the record path the check names; one shown at a time."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}
        self.general = self._label("error_general")

    @staticmethod
    def _label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def wrap(self, key: str, field: QWidget, focus: QWidget | None = None) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        label = self._label(f"error_{key}")
        layout.addWidget(label)
        self.labels[key] = label
        self._focus[key] = focus or field
        if isinstance(field, NumberBox):
            field.refused.connect(lambda message, key=key: self.show(key, message))
        return box

    def clear(self) -> None:
        for label in (*self.labels.values(), self.general):
            label.hide()
            label.clear()

    def show(self, key: str, message: str) -> None:
        """Show the message at the field named `key` and move there; at the foot of the form if none is."""
        self.clear()
        label = self.labels.get(key, self.general)
        label.setText(message)
        label.show()
        window = label.window()
        if window.layout() is not None:
            window.layout().activate()  # type: ignore[union-attr]
        if window.height() < window.sizeHint().height():  # room for the message without squeezing the fields
            window.resize(window.width(), window.sizeHint().height())
        if key in self._focus:
            self._focus[key].setFocus(Qt.FocusReason.OtherFocusReason)


# ---- the field spec ----

@dataclass(frozen=True)
class FieldSpec:
    """One field of a treatment record: its name (also its error path), label and how it is entered."""

    name: str
    label: str
    entry: str  # "date", "end_date", "optional_date", "choice", "number", "text" or "notes"
    choices: tuple[str, ...] = ()
    suffix: str = ""
    decimals: int = 0
    placeholder: str = ""


def _choice(name: str, label: str, choices: tuple[str, ...]) -> FieldSpec:
    return FieldSpec(name, label, "choice", choices)


def _number(name: str, label: str, suffix: str, decimals: int = 0) -> FieldSpec:
    return FieldSpec(name, label, "number", suffix=suffix, decimals=decimals)


def _text(name: str, label: str, placeholder: str = "") -> FieldSpec:
    return FieldSpec(name, label, "text", placeholder=placeholder)


_NOTES = FieldSpec("notes", "Notes", "notes")
FORMS: dict[str, tuple[Callable[..., Treatment], tuple[FieldSpec, ...]]] = {
    "therapy": (Therapy, (
        _choice("therapy", "Therapy", THERAPIES), FieldSpec("start", "Start", "date"),
        FieldSpec("end", "End", "end_date"), _number("sessions_per_week", "Sessions", " per week", 1), _NOTES)),
    "orthosis": (Orthosis, (
        _choice("orthosis", "Orthosis", ORTHOSES), _text("body_region", "Body region", "e.g. ankle-foot"),
        _choice("side", "Side", _SIDES), FieldSpec("start", "Start", "date"), FieldSpec("end", "End", "end_date"),
        _NOTES)),
    "oral_medication": (OralMedication, (
        _choice("drug", "Drug", DRUGS), _number("dose_mg_per_day", "Daily dose", " mg/day", 2),
        FieldSpec("start", "Start", "date"), FieldSpec("stop", "Stop", "end_date"), _NOTES)),
    "itb_pump": (PumpEvent, (
        _choice("event", "Event", PUMP_EVENTS), FieldSpec("date", "Date", "date"),
        _text("pump_model", "Pump model"), FieldSpec("replacement_due", "Replacement due", "optional_date",
                                                     placeholder="not entered"),
        _number("reservoir_ml", "Reservoir", " mL", 1), _number("alarm_ml", "Low-reservoir alarm", " mL", 1),
        _number("volume_ml", "Volume filled", " mL", 1),
        _number("concentration_mcg_per_ml", "Concentration", " µg/mL", 0),
        _number("dose_mcg_per_day", "Daily dose", " µg/day", 1), _number("bolus_mcg", "Bolus", " µg", 1), _NOTES)),
    "sdr": (Sdr, (
        FieldSpec("date", "Date", "date"), _text("levels", "Levels", "e.g. L2-S1"),
        _number("rootlets_cut_percent", "Rootlets cut", " %", 0), _text("surgeon", "Surgeon"), _NOTES)),
    "surgery": (Surgery, (
        FieldSpec("date", "Date", "date"), _text("procedure", "Procedure", "e.g. hamstring lengthening"),
        _choice("side", "Side", _SIDES), _NOTES)),
}


def _required(kind: str) -> set[str]:
    """Fields the record cannot be built without: those its dataclass gives no default."""
    factory = FORMS[kind][0]
    assert isinstance(factory, type)
    return {f.name for f in dataclasses.fields(factory) if f.default is dataclasses.MISSING}


class EndDate(QWidget):
    """An end or stop date that may be left open ("ongoing, no end yet")."""

    def __init__(self, name: str, open_text: str = "") -> None:
        super().__init__()
        self.day = date_edit(f"{name} date")
        self.open = QCheckBox(open_text or "open, no end yet")  # or what an optional date left empty means
        self.open.setAccessibleName(f"{name}: {open_text}" if open_text else f"{name} open (no end yet)")
        self.open.toggled.connect(self._on_open_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.day)
        layout.addWidget(self.open)
        layout.addStretch(1)
        self.set_value(None)

    def _on_open_toggled(self, is_open: bool) -> None:
        self.day.setEnabled(not is_open)

    def value(self) -> dt.date | None:
        return None if self.open.isChecked() else from_qdate(self.day.date())

    def set_value(self, day: dt.date | None) -> None:
        self.open.setChecked(day is None)
        if day is not None:
            self.day.setDate(to_qdate(day))
        self._on_open_toggled(day is None)


def choice_edit(name: str, choices: tuple[str, ...], required: bool, placeholder: str = "choose…") -> QComboBox:
    """Codes shown as words; a required choice starts empty (no silent default), an optional one "not recorded"."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    if required:
        combo.setPlaceholderText(placeholder)
    else:
        combo.addItem("not recorded", None)
    for code in choices:
        combo.addItem(words(code), code)
    combo.setCurrentIndex(-1 if required else 0)
    return combo


class NumberBox(QDoubleSpinBox):
    """A number without trailing zeros: "15 mg/day", "2.5 mg/day", "0.25 mg/day". A letter typed is refused
    with a word (`refused`, shown under the field), never swallowed without a sign."""

    refused = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        if text and text.isprintable() and not (text.isdigit() or text in ".,-+ ") and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            self.refused.emit(f"'{text}' is not part of a number: type digits and a decimal point "
                              f"({self.accessibleName()}).")
            return
        super().keyPressEvent(event)

    def textFromValue(self, value: float) -> str:  # noqa: N802
        text = f"{value:.{self.decimals()}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


def number_edit(name: str, suffix: str, decimals: int, required: bool = False) -> QDoubleSpinBox:
    spin = NumberBox()
    spin.setAccessibleName(name)
    spin.setDecimals(decimals)
    # The lowest value stands for "not entered"; real limits are the check's, not the widget's.
    spin.setRange(-(10.0 ** -decimals), 100_000)
    spin.setSpecialValueText("—" if required else "not recorded")
    spin.setSuffix(suffix)
    spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the mouse wheel never changes a dose unseen
    spin.setValue(spin.minimum())
    spin.setMinimumWidth(160)
    spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return spin


def _editor(spec: FieldSpec, required: bool) -> QWidget:
    if spec.entry == "date":
        return date_edit(spec.label)
    if spec.entry in ("end_date", "optional_date"):
        return EndDate(spec.label, spec.placeholder)
    if spec.entry == "choice":
        return choice_edit(spec.label, spec.choices, required)
    if spec.entry == "number":
        return number_edit(spec.label, spec.suffix, spec.decimals, required)
    if spec.entry == "text":
        line = QLineEdit()
        line.setPlaceholderText(spec.placeholder)
        line.setAccessibleName(spec.label)
        return line
    return notes_edit(spec.label)


def field_value(widget: QWidget) -> Any:
    """What a field holds as the record stores it: a date, a code, a number, text; None when empty."""
    if isinstance(widget, QDateEdit):
        return from_qdate(widget.date())
    if isinstance(widget, EndDate):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData() if widget.currentIndex() >= 0 else None
    if isinstance(widget, QDoubleSpinBox):
        return None if widget.value() == widget.minimum() else widget.value()
    if isinstance(widget, QLineEdit):
        return widget.text().strip() or None
    assert isinstance(widget, QPlainTextEdit)
    return widget.toPlainText().strip() or None


def set_field_value(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QDateEdit):
        widget.setDate(to_qdate(value))
    elif isinstance(widget, EndDate):
        widget.set_value(value)
    elif isinstance(widget, QComboBox):
        if value is not None and widget.findData(value) < 0:  # a clinic's own x- code
            widget.addItem(words(value), value)
        blank = 0 if widget.count() and widget.itemData(0) is None else -1  # "not recorded", or the placeholder
        widget.setCurrentIndex(widget.findData(value) if value is not None else blank)
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(widget.minimum() if value is None else float(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(value or "")
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")


class TreatmentDialog(QDialog):
    def __init__(self, parent: QWidget | None, kind: str, details: PatientDetails, initial: Treatment | None = None,
                 *, changing: OralMedication | None = None, weight: tuple[float, dt.date] | None = None,
                 others: Sequence[OralMedication] = (), limits: LimitTable | None = None,
                 pump_events: Sequence[PumpEvent] = ()) -> None:
        super().__init__(parent)
        if kind not in FORMS or (initial is not None and initial.kind != kind):
            raise ValueError(f"no treatment form for {kind!r} with {initial!r}")
        self._kind = kind
        self._details = details
        self._changing = changing
        self._required = _required(kind)
        self.result_treatment: Treatment | None = None
        self.result_dose_change: tuple[OralMedication, OralMedication] | None = None
        self.errors = FieldErrors()
        self.fields: dict[str, QWidget] = {}
        self._rows: dict[str, QWidget] = {}
        self._date_key = "start" if kind in ("therapy", "orthosis", "oral_medication") else "date"
        self.setWindowTitle(f"Change dose of {words(changing.drug)}" if changing
                            else f"Edit {words(kind)}" if initial else f"New {words(kind)}")
        layout = QVBoxLayout(self)
        layout.addWidget(patient_line(details))
        layout.addWidget(QLabel(f"<b>{'New dose' if changing else words(kind).capitalize()}</b>"))
        if changing is not None:
            since = QLabel(f"{words(changing.drug).capitalize()} {changing.dose_mg_per_day:g} mg/day since "
                           f"{changing.start.isoformat()} stops on the day the new dose starts.")
            since.setObjectName("dose_change_note")
            since.setWordWrap(True)
            layout.addWidget(since)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in FORMS[kind][1]:
            widget = _editor(spec, spec.name in self._required)
            self.fields[spec.name] = widget
            focus = widget.day if isinstance(widget, EndDate) else widget
            self._rows[spec.name] = row = self.errors.wrap(spec.name, widget, focus)
            form.addRow(spec.label, row)
        layout.addLayout(form)
        self.checks: DrugChecks | None = None
        if kind == "oral_medication":  # the label's rules as the dose is typed (warn, never block)
            self.checks = DrugChecks(details, weight, [d for d in others if d != changing and d != initial],
                                     limits or load_limits())
            layout.addWidget(self.checks)
        self.pump_checks: PumpChecks | None = None
        if kind == "itb_pump":  # the pump rules, its refill and replacement dates as the event is typed
            self.pump_checks = PumpChecks(details, pump_events, others, limits or load_limits(),
                                          {s.name: s.label for s in FORMS[kind][1]}, readable)
            layout.addWidget(self.pump_checks)
        layout.addWidget(self.errors.general)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        if initial is not None:
            for name, widget in self.fields.items():
                set_field_value(widget, getattr(initial, name))
        if changing is not None:
            self._prefill_dose_change(changing)
        if self.checks is not None:
            for name, signal in (("drug", "currentIndexChanged"), ("dose_mg_per_day", "valueChanged"),
                                 ("start", "dateChanged")):
                getattr(self.fields[name], signal).connect(self._recheck)
            self._recheck()
        if self.pump_checks is not None:
            self.pump_checks.watch(self.fields, lambda name, shown: form.setRowVisible(self._rows[name], shown),
                                   self._values)

    def _values(self) -> dict[str, Any]:
        """What the form says, field by field; a pump's own facts only on its implant event."""
        values = {name: field_value(widget) for name, widget in self.fields.items()}
        if self._kind == "itb_pump" and values["event"] != "implant":
            values.update(dict.fromkeys(IMPLANT_FIELDS))
        return values

    def ask_override(self, warnings: Sequence[Alert]) -> str | None:
        return ask_override_reason(self, warnings)

    def _recheck(self, *_: object) -> None:
        if self.checks is None:
            return
        values = {name: field_value(widget) for name, widget in self.fields.items()}
        complete = all(values[n] is not None for n in ("drug", "dose_mg_per_day", "start"))
        self.checks.update_for(OralMedication(**values) if complete else None)

    @classmethod
    def ask(cls, parent: QWidget | None, kind: str, details: PatientDetails, initial: Treatment | None = None, *,
            weight: tuple[float, dt.date] | None = None, others: Sequence[OralMedication] = (),
            pump_events: Sequence[PumpEvent] = ()) -> Treatment | None:
        """The treatment as entered and checked (canonical), or None when cancelled. For a drug, `weight` (kg and
        the day weighed) and the patient's `others` drugs feed the live checks; for a pump event, the patient's
        other `pump_events` and oral drugs."""
        dialog = cls(parent, kind, details, initial, weight=weight, others=others, pump_events=pump_events)
        dialog.exec()
        return dialog.result_treatment

    @classmethod
    def ask_dose_change(cls, parent: QWidget | None, details: PatientDetails, old: OralMedication, *,
                        weight: tuple[float, dt.date] | None = None, others: Sequence[OralMedication] = (),
                        ) -> tuple[OralMedication, OralMedication] | None:
        """(the old period stopped, the new period) for the caller to save together, or None when cancelled."""
        dialog = cls(parent, "oral_medication", details, old, changing=old, weight=weight, others=others)
        dialog.exec()
        return dialog.result_dose_change

    def _prefill_dose_change(self, old: OralMedication) -> None:
        today = dt.date.today()
        set_field_value(self.fields["start"], today)
        set_field_value(self.fields["stop"], old.stop if old.stop is not None and old.stop > today else None)
        set_field_value(self.fields["notes"], None)
        self.fields["drug"].setEnabled(False)  # a change of drug is a new period, not a dose change
        dose = self.fields["dose_mg_per_day"]
        assert isinstance(dose, QDoubleSpinBox)
        dose.selectAll()
        dose.setFocus()

    def record(self) -> Treatment | None:
        """The treatment as the form says it, or None after showing which required field is empty."""
        values = self._values()
        missing = [name for name in self.fields if values[name] is None and name in self._required]
        if missing:  # in form order: the first empty one is shown
            self.errors.show(missing[0], "Required.")
            return None
        return FORMS[self._kind][0](**values)

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        treatment = self.record()
        if treatment is None:
            return
        if isinstance(treatment, OralMedication) and self.checks is not None and self.checks.needing_reason:
            reason = self.ask_override(self.checks.needing_reason)
            if reason is None:
                return
            treatment = dataclasses.replace(treatment, notes=override_note(treatment.notes, reason,
                                                                           self.checks.needing_reason))
        try:
            if self._changing is None:
                self.result_treatment = check_treatment(self._details, treatment)
            else:
                assert isinstance(treatment, OralMedication)
                stopped, new = dose_change(self._changing, treatment.dose_mg_per_day, treatment.start)
                new = dataclasses.replace(new, stop=treatment.stop, notes=treatment.notes)
                checked_new = check_treatment(self._details, new)
                checked_old = check_treatment(self._details, stopped)
                assert isinstance(checked_new, OralMedication) and isinstance(checked_old, OralMedication)
                self.result_dose_change = (checked_old, checked_new)
        except RecordError as error:  # one without a field (before the birth date) is about the date
            self.errors.show(error.path or self._date_key, readable(error.message))
            return
        self.accept()
