"""The pump event dialog (issue 13, item 7): the pump's own low-reservoir alarm volume (default 2 mL, shown as such)
and replacement date on its implant event, checked as typed, with the refill, alarm and replacement dates the
pump rules give, and the rules' warnings on the event as it is typed."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox
from pytestqt.qtbot import QtBot

from assess.record.domain import PatientDetails, PumpEvent
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.visits import add_treatment
from assess.storage.db import Database
from assess.ui.treatment_dialog import EndDate, TreatmentDialog

IMPLANTED = dt.date(2025, 4, 1)
ADA = PatientDetails("A-7", "Okafor", "Ada", dt.date(1975, 6, 1), "female", "multiple_sclerosis")
SCREENING = PumpEvent("screening", IMPLANTED - dt.timedelta(days=30), bolus_mcg=50.0)


def _dialog(qtbot: QtBot, event: str = "implant", earlier: tuple[PumpEvent, ...] = (),
            initial: PumpEvent | None = None) -> TreatmentDialog:
    dialog = TreatmentDialog(None, "itb_pump", ADA, initial, pump_events=earlier)
    qtbot.addWidget(dialog)
    dialog.show()
    if initial is None:
        _choose(dialog, event)
        day = dialog.fields["date"]
        assert isinstance(day, QDateEdit)
        day.setDate(QDate(IMPLANTED.year, IMPLANTED.month, IMPLANTED.day))
    return dialog


def _choose(dialog: TreatmentDialog, event: str) -> None:
    combo = dialog.fields["event"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(event))


def _type(qtbot: QtBot, dialog: TreatmentDialog, field: str, text: str) -> None:
    """Keystrokes into a number field, as a clinician types over what it shows."""
    spin = dialog.fields[field]
    assert isinstance(spin, QDoubleSpinBox)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def _fill(qtbot: QtBot, dialog: TreatmentDialog, volume: str = "20", concentration: str = "500",
          dose: str = "100") -> None:
    for field, text in (("reservoir_ml", "20"), ("volume_ml", volume), ("concentration_mcg_per_ml", concentration),
                        ("dose_mcg_per_day", dose)):
        _type(qtbot, dialog, field, text)


def _replacement(dialog: TreatmentDialog) -> EndDate:
    widget = dialog.fields["replacement_due"]
    assert isinstance(widget, EndDate)
    return widget


def test_the_alarm_volume_shows_its_default_and_the_refill_date_follows_it(qtbot: QtBot) -> None:
    """(20 mL - 2 mL) x 500 µg/mL / 100 µg/day = 90 days: due by 2025-06-30, the alarm from 2025-07-01."""
    dialog = _dialog(qtbot)
    alarm = dialog.fields["alarm_ml"]
    assert isinstance(alarm, QDoubleSpinBox)
    assert alarm.text() == "default 2 mL"
    _fill(qtbot, dialog)
    dates = dialog.pump_checks.dates.text() if dialog.pump_checks else ""
    assert "Next refill due by 2025-06-30; the low-reservoir alarm (2 mL, the default: enter this pump's own if " \
           "different) sounds from 2025-07-01." in dates
    _type(qtbot, dialog, "alarm_ml", "4")  # this pump alarms at 4 mL: 16 mL x 500 / 100 = 80 days
    assert dialog.pump_checks is not None
    assert "Next refill due by 2025-06-20; the low-reservoir alarm (4 mL, this pump's own) sounds from " \
           "2025-06-21." in dialog.pump_checks.dates.text()
    dialog._on_buttons_accepted()
    assert isinstance(dialog.result_treatment, PumpEvent) and dialog.result_treatment.alarm_ml == 4.0


def test_the_replacement_date_is_estimated_until_entered(qtbot: QtBot) -> None:
    """SynchroMed II: at most 7 years of service; due from 6 months before (Medtronic, unverified)."""
    dialog = _dialog(qtbot)
    _fill(qtbot, dialog)
    assert dialog.pump_checks is not None
    assert ("Pump replacement due by 2032-04-01 (estimated: none entered, at most 7 years from the implant); "
            "schedule it from 2031-10-01.") in dialog.pump_checks.dates.text()
    replacement = _replacement(dialog)
    assert replacement.open.isChecked() and replacement.open.text().startswith("not entered")
    assert replacement.day.date() == QDate(2032, 4, 1)  # unticked, it starts from the date assumed
    qtbot.mouseClick(replacement.open, Qt.MouseButton.LeftButton)
    replacement.day.setDate(QDate(2031, 1, 15))
    assert "due by 2031-01-15 (as entered); schedule it from 2030-07-15." in dialog.pump_checks.dates.text()
    dialog._on_buttons_accepted()
    assert isinstance(dialog.result_treatment, PumpEvent)
    assert dialog.result_treatment.replacement_due == dt.date(2031, 1, 15)


def test_an_alarm_above_the_reservoir_or_a_replacement_before_the_implant_is_said_as_typed(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill(qtbot, dialog)
    _type(qtbot, dialog, "alarm_ml", "30")
    assert dialog.pump_checks is not None
    assert dialog.pump_checks.problem == ("Low-reservoir alarm: 30 mL is not a volume above 0 and within the "
                                          "reservoir.")
    assert dialog.pump_checks.messages.isVisibleTo(dialog)
    dialog._on_buttons_accepted()  # OK shows it at the field, and nothing is returned
    assert dialog.result_treatment is None
    assert dialog.errors.labels["alarm_ml"].isVisibleTo(dialog)
    _type(qtbot, dialog, "alarm_ml", "2")
    assert dialog.pump_checks.problem is None
    replacement = _replacement(dialog)
    replacement.open.setChecked(False)
    replacement.day.setDate(QDate(2025, 3, 1))
    assert dialog.pump_checks.problem == "Replacement due: The replacement date must come after the event."


def test_the_first_dose_over_twice_the_screening_bolus_warns_as_typed(qtbot: QtBot) -> None:
    """LIORESAL INTRATHECAL / GABLOFEN, 2 Dosage: the first daily dose after implant at most twice the screening
    dose: a 50 µg bolus allows 100 µg/day; 150 µg/day warns (issue 13, item 5)."""
    dialog = _dialog(qtbot, earlier=(SCREENING,))
    _fill(qtbot, dialog, dose="100")
    assert dialog.pump_checks is not None and dialog.pump_checks.warnings == []
    _type(qtbot, dialog, "dose_mcg_per_day", "150")
    assert [a.code for a in dialog.pump_checks.warnings] == ["pump_first_dose"]
    assert "over 2 × the 50 µg screening bolus" in dialog.pump_checks.messages.text()


def test_a_strength_not_marketed_and_an_explant_warn_as_typed(qtbot: QtBot) -> None:
    implant = PumpEvent("implant", IMPLANTED - dt.timedelta(days=60), volume_ml=20.0, concentration_mcg_per_ml=500.0,
                        dose_mcg_per_day=100.0)
    dialog = _dialog(qtbot, "refill", (implant,))
    _type(qtbot, dialog, "volume_ml", "20")
    _type(qtbot, dialog, "concentration_mcg_per_ml", "600")
    assert dialog.pump_checks is not None
    assert [a.code for a in dialog.pump_checks.warnings] == ["pump_concentration"]
    assert not dialog._rows["alarm_ml"].isVisibleTo(dialog)  # the pump's own facts are on its implant event
    _choose(dialog, "explant")
    assert [a.code for a in dialog.pump_checks.warnings] == ["pump_stop"]  # abrupt withdrawal: the boxed warning
    assert "Abrupt discontinuation of intrathecal baclofen" in dialog.pump_checks.messages.text()
    assert dialog.pump_checks.dates.text() == ""  # no pump in place: no refill or replacement date


def test_a_refill_works_out_from_the_implants_own_alarm(qtbot: QtBot) -> None:
    """The refill date of a refill uses the alarm volume recorded at the pump's implant."""
    implant = PumpEvent("implant", IMPLANTED - dt.timedelta(days=60), reservoir_ml=20.0, volume_ml=20.0,
                        concentration_mcg_per_ml=500.0, dose_mcg_per_day=100.0, alarm_ml=4.0)
    dialog = _dialog(qtbot, "refill", (implant,))
    _type(qtbot, dialog, "volume_ml", "18")  # (18 - 4) x 500 / 100 = 70 days from 2025-04-01
    assert dialog.pump_checks is not None
    assert "Next refill due by 2025-06-10; the low-reservoir alarm (4 mL, this pump's own)" in \
        dialog.pump_checks.dates.text()


def test_alarm_and_replacement_typed_in_the_dialog_are_stored(qtbot: QtBot, database: Database) -> None:
    dialog = _dialog(qtbot)
    _fill(qtbot, dialog)
    _type(qtbot, dialog, "alarm_ml", "3")
    replacement = _replacement(dialog)
    replacement.open.setChecked(False)
    replacement.day.setDate(QDate(2031, 10, 1))
    dialog._on_buttons_accepted()
    event = dialog.result_treatment
    assert isinstance(event, PumpEvent)
    with database.transaction() as session:
        create_patient(session, ADA)
        add_treatment(session, ADA.mrn, event)
    with database.transaction() as session:
        (stored,) = patient_history(session, ADA.mrn).treatments
    assert isinstance(stored, PumpEvent)
    assert (stored.alarm_ml, stored.replacement_due) == (3.0, dt.date(2031, 10, 1))
    again = _dialog(qtbot, initial=stored)  # corrected where it was entered: shown as stored
    alarm = again.fields["alarm_ml"]
    assert isinstance(alarm, QDoubleSpinBox) and alarm.text() == "3 mL"
    assert not _replacement(again).open.isChecked() and _replacement(again).day.date() == QDate(2031, 10, 1)


@pytest.mark.parametrize("event", ["refill", "dose_change", "screening"])
def test_a_pumps_own_facts_are_not_kept_on_other_events(qtbot: QtBot, event: str) -> None:
    dialog = _dialog(qtbot)
    _type(qtbot, dialog, "alarm_ml", "3")
    _choose(dialog, event)
    assert not dialog._rows["alarm_ml"].isVisibleTo(dialog) and not dialog._rows["replacement_due"].isVisibleTo(dialog)
    dialog._on_buttons_accepted()
    assert isinstance(dialog.result_treatment, PumpEvent) and dialog.result_treatment.alarm_ml is None


def test_the_replacement_box_is_named_for_a_screen_reader(qtbot: QtBot) -> None:
    box = _replacement(_dialog(qtbot)).findChild(QCheckBox)
    assert box is not None and box.accessibleName() == "Replacement due: not entered"
