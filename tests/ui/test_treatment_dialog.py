"""The treatment form for the six other kinds: exact records, errors at the field, dose changes, keyboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assess.record.domain import OralMedication, Orthosis, PatientDetails, PumpEvent, Sdr, Surgery, Therapy, Treatment
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.treatment_edits import dose_change
from assess.services.visits import record_treatment
from assess.storage.db import Database
from assess.ui.treatment_dialog import EndDate, TreatmentDialog, readable

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy")
BACLOFEN = OralMedication("baclofen", 15, dt.date(2025, 1, 10), None, "5 mg three times a day")
RECORDS: list[Treatment] = [
    Therapy("physical", dt.date(2025, 5, 12), None, 2.5, "Gait training"),
    Therapy("occupational", dt.date(2025, 5, 12), dt.date(2025, 8, 1)),
    Orthosis("serial_casting", dt.date(2025, 8, 4), "ankle-foot", "both", dt.date(2025, 9, 1), "3 casts"),
    Orthosis("splint", dt.date(2025, 8, 4)),
    BACLOFEN,
    OralMedication("clonazepam", 0.25, dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
    PumpEvent("refill", dt.date(2025, 6, 2), "SynchroMed II", 20, 18, 500, 150.5, None, "Next refill in 3 months"),
    PumpEvent("screening", dt.date(2024, 2, 1), bolus_mcg=50),
    PumpEvent("dose_change", dt.date(2025, 7, 1), dose_mcg_per_day=0),
    Sdr(dt.date(2024, 11, 20), "L2-S1", 55, "Dr K. Osei", "Uneventful"),
    Sdr(dt.date(2024, 11, 20)),
    Surgery(dt.date(2024, 3, 5), "Bilateral hamstring lengthening", "both"),
    Surgery(dt.date(2024, 3, 5), "Tendon transfer"),
]


def _dialog(qtbot: QtBot, kind: str, initial: Treatment | None = None, **kwargs: Any) -> TreatmentDialog:
    dialog = TreatmentDialog(None, kind, ZOE, initial, **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _enter(widget: QWidget, value: Any) -> None:
    """Fill one field through the widget's own API, as a user would leave it."""
    if isinstance(widget, EndDate):
        widget.open.setChecked(value is None)
        if value is not None:
            widget.day.setDate(QDate(value.year, value.month, value.day))
    elif isinstance(widget, QDateEdit):
        widget.setDate(QDate(value.year, value.month, value.day))
    elif isinstance(widget, QComboBox):
        if value is not None:
            widget.setCurrentIndex(widget.findData(value))
    elif isinstance(widget, QDoubleSpinBox):
        if value is not None:
            widget.setValue(value)
    elif isinstance(widget, QLineEdit):
        widget.setText(value or "")
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.kind}")
def test_each_kind_returns_the_exact_record(qtbot: QtBot, record: Treatment) -> None:
    dialog = _dialog(qtbot, record.kind)
    assert dialog.windowTitle().startswith("New ")
    for name, widget in dialog.fields.items():
        _enter(widget, getattr(record, name))
    dialog._on_buttons_accepted()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_treatment == record


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.kind}")
def test_editing_shows_the_stored_record(qtbot: QtBot, record: Treatment) -> None:
    dialog = _dialog(qtbot, record.kind, record)
    assert dialog.windowTitle().startswith("Edit ")
    dialog._on_buttons_accepted()
    assert dialog.result_treatment == record


def test_the_words_and_units_are_the_clinics(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "itb_pump", RECORDS[6])
    event = dialog.fields["event"]
    assert isinstance(event, QComboBox)
    assert [event.itemText(i) for i in range(event.count())] == [
        "screening", "implant", "dose change", "refill", "explant"]
    texts = {name: w.text() for name, w in dialog.fields.items() if isinstance(w, QDoubleSpinBox)}
    assert texts == {"reservoir_ml": "20 mL", "volume_ml": "18 mL", "concentration_mcg_per_ml": "500 µg/mL",
                     "dose_mcg_per_day": "150.5 µg/day", "bolus_mcg": "not recorded", "alarm_ml": "default 2 mL"}
    drug = _dialog(qtbot, "oral_medication", RECORDS[5])
    assert drug.fields["dose_mg_per_day"].findChild(QLineEdit).text() == "0.25 mg/day"
    sdr = _dialog(qtbot, "sdr", RECORDS[9])
    assert sdr.fields["rootlets_cut_percent"].findChild(QLineEdit).text() == "55 %"


def test_stop_before_start_is_shown_at_the_stop_field(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "oral_medication", OralMedication("baclofen", 15, dt.date(2025, 3, 10)))
    _enter(dialog.fields["stop"], dt.date(2025, 1, 10))
    dialog._on_buttons_accepted()
    assert dialog.result_treatment is None and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.labels["stop"].text() == "Stop 2025-01-10 is before start 2025-03-10."
    assert dialog.errors.labels["stop"].isVisible()
    assert all(label.isHidden() for key, label in dialog.errors.labels.items() if key != "stop")
    stop = dialog.fields["stop"]
    assert isinstance(stop, EndDate) and dialog.focusWidget() is stop.day
    _enter(stop, None)
    dialog._on_buttons_accepted()
    assert dialog.result_treatment == OralMedication("baclofen", 15, dt.date(2025, 3, 10))
    assert dialog.errors.labels["stop"].isHidden()


@pytest.mark.parametrize(("kind", "field"), [("oral_medication", "drug"), ("therapy", "therapy"),
                                             ("itb_pump", "event"), ("surgery", "procedure")])
def test_a_required_field_left_empty_is_shown_there(qtbot: QtBot, kind: str, field: str) -> None:
    dialog = _dialog(qtbot, kind)
    dialog._on_buttons_accepted()
    assert dialog.result_treatment is None
    assert dialog.errors.labels[field].text() == "Required."


def test_values_the_check_refuses_are_shown_at_their_field(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "sdr", Sdr(dt.date(2024, 11, 20), rootlets_cut_percent=120))
    dialog._on_buttons_accepted()
    assert dialog.errors.labels["rootlets_cut_percent"].text() == "Must be at most 100."
    before_birth = _dialog(qtbot, "therapy", Therapy("physical", dt.date(2016, 1, 1)))
    before_birth._on_buttons_accepted()
    assert "before the birth date 2017-03-02" in before_birth.errors.labels["start"].text()


def test_an_open_end_disables_its_date(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "therapy")
    end = dialog.fields["end"]
    assert isinstance(end, EndDate)
    assert end.open.isChecked() and not end.day.isEnabled()
    end.open.setChecked(False)
    assert end.day.isEnabled()


def test_dose_change_returns_the_stopped_and_the_new_period(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "oral_medication", BACLOFEN, changing=BACLOFEN)
    assert dialog.windowTitle() == "Change dose of baclofen"
    assert not dialog.fields["drug"].isEnabled()
    _enter(dialog.fields["dose_mg_per_day"], 20)
    _enter(dialog.fields["start"], dt.date(2025, 4, 1))
    _enter(dialog.fields["notes"], "increase: spasms at night")
    dialog._on_buttons_accepted()
    stopped, new = dose_change(BACLOFEN, 20, dt.date(2025, 4, 1))
    assert dialog.result_dose_change == (stopped, OralMedication("baclofen", 20, dt.date(2025, 4, 1), None,
                                                                 "increase: spasms at night"))
    assert stopped.stop == new.start == dt.date(2025, 4, 1)


def test_a_dose_change_on_the_first_day_is_shown_at_the_start(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "oral_medication", BACLOFEN, changing=BACLOFEN)
    _enter(dialog.fields["dose_mg_per_day"], 20)
    _enter(dialog.fields["start"], BACLOFEN.start)
    dialog._on_buttons_accepted()
    assert dialog.result_dose_change is None
    assert dialog.errors.labels["start"].text().startswith("A dose change must start after the period it changes")


def test_a_dose_change_is_saved_as_two_periods(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                               database: Database) -> None:
    def new_dose_and_ok(self: TreatmentDialog) -> int:
        qtbot.addWidget(self)
        _enter(self.fields["dose_mg_per_day"], 20)
        _enter(self.fields["start"], dt.date(2025, 4, 1))
        self._on_buttons_accepted()
        return self.result()

    monkeypatch.setattr(TreatmentDialog, "exec", new_dose_and_ok)
    with database.transaction() as session:
        create_patient(session, ZOE)
        record_treatment(session, "LB-1", BACLOFEN)
    change = TreatmentDialog.ask_dose_change(None, ZOE, BACLOFEN)
    assert change is not None
    with database.transaction() as session:
        for period in change:  # the caller saves both; the stopped one replaces the open one (same identity)
            record_treatment(session, "LB-1", period)
    with database.transaction() as session:
        assert patient_history(session, "LB-1").treatments == change


def test_ask_returns_the_record_or_none(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    surgery = Surgery(dt.date(2024, 3, 5), "Tendon transfer", "left")

    def fill_and_ok(self: TreatmentDialog) -> int:
        qtbot.addWidget(self)
        for name, widget in self.fields.items():
            _enter(widget, getattr(surgery, name))
        self._on_buttons_accepted()
        return self.result()

    monkeypatch.setattr(TreatmentDialog, "exec", fill_and_ok)
    assert TreatmentDialog.ask(None, "surgery", ZOE) == surgery
    monkeypatch.setattr(TreatmentDialog, "exec", lambda self: (qtbot.addWidget(self), self.reject(), 0)[2])
    assert TreatmentDialog.ask(None, "surgery", ZOE, surgery) is None


def test_unknown_kind_or_mismatched_record_is_refused() -> None:
    with pytest.raises(ValueError, match="botulinum_toxin"):
        TreatmentDialog(None, "botulinum_toxin", ZOE)
    with pytest.raises(ValueError, match="therapy"):
        TreatmentDialog(None, "therapy", ZOE, BACLOFEN)


def test_enter_is_ok_and_escape_cancels(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "surgery", Surgery(dt.date(2024, 3, 5), "Tendon transfer"))
    qtbot.keyClick(dialog.fields["procedure"], Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    other = _dialog(qtbot, "surgery", Surgery(dt.date(2024, 3, 5), "Tendon transfer"))
    qtbot.keyClick(other.fields["procedure"], Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected and other.result_treatment is None
    empty = _dialog(qtbot, "surgery")
    qtbot.keyClick(empty.fields["procedure"], Qt.Key.Key_Return)  # not valid: stays open
    assert empty.isVisible() and empty.errors.labels["procedure"].text() == "Required."


def test_tab_order_follows_the_form_and_every_control_is_named(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "oral_medication", BACLOFEN)
    order: list[str] = []
    widget = dialog.fields["drug"]
    for _ in range(8):
        order.append(widget.accessibleName() or widget.text())  # type: ignore[attr-defined]
        widget = widget.nextInFocusChain()
        while not (widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or isinstance(
                widget.parentWidget(), (QComboBox, QDoubleSpinBox, QDateEdit)):
            widget = widget.nextInFocusChain()
    assert order == ["Drug", "Daily dose", "Start", "Stop open (no end yet)", "Notes", "OK", "Cancel", "Drug"]
    for kind in ("therapy", "orthosis", "oral_medication", "itb_pump", "sdr", "surgery"):
        form = _dialog(qtbot, kind)
        controls = [w for w in form.findChildren(QWidget)
                    if isinstance(w, (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QCheckBox))
                    and not isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox))]
        assert len(controls) >= 4 and all(w.accessibleName() for w in controls), kind


def test_readable_messages() -> None:
    assert readable("'' should be non-empty") == "Required."
    assert readable("0 is less than or equal to the minimum of 0") == "Must be more than 0."
    assert readable("-1 is less than the minimum of 0") == "Must be at least 0."
    assert readable("6000 is greater than the maximum of 5000") == "Must be at most 5000."
    assert readable("'zz' is not one of ['a', 'b']") == "Choose one from the list."
    assert readable("stop 2025-01-10 is before start 2025-03-10") == "Stop 2025-01-10 is before start 2025-03-10."
