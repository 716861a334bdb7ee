"""The patient dialog: what it builds, and validation messages at the field."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assess.record.domain import Contact, PatientDetails
from assess.services.patients import create_patient, find_patients, patient_details
from assess.storage.db import Database
from assess.ui.patient_dialog import PatientDialog

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy",
                     "spastic diplegia", "III", Contact("Dr A. Rao", phone="555-0100"))


def _saver(database: Database):  # type: ignore[no-untyped-def]
    def save(details: PatientDetails) -> None:
        with database.transaction() as session:
            create_patient(session, details)
    return save


def test_filled_form_saves_the_exact_patient(qtbot: QtBot, database: Database) -> None:
    dialog = PatientDialog(None, None, _saver(database))
    qtbot.addWidget(dialog)
    dialog.mrn.setText("LB-1")
    dialog.family_name.setText("Müller")  # non-ASCII: setText, not keyClicks (QTest is ASCII only)
    dialog.given_name.setText("Zoë")
    dialog.birth_date.setText("2017-03-02")
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    dialog.diagnosis.setCurrentIndex(dialog.diagnosis.findData("cerebral_palsy"))
    dialog.diagnosis_note.setText("spastic diplegia")
    dialog.gmfcs.setCurrentIndex(dialog.gmfcs.findData("III"))
    dialog.pcp["name"].setText("Dr A. Rao")
    dialog.pcp["phone"].setText("555-0100")
    dialog._on_buttons_accepted()
    assert dialog.result_details == ZOE
    with database.transaction() as session:
        assert patient_details(session, "LB-1")[0] == ZOE


def test_missing_name_is_shown_at_the_field(qtbot: QtBot, database: Database) -> None:
    dialog = PatientDialog(None, None, _saver(database))
    qtbot.addWidget(dialog)
    dialog.mrn.setText("LB-2")
    dialog.given_name.setText("Anna")
    dialog._on_buttons_accepted()
    assert dialog.result_details is None
    assert not dialog.errors["family_name"].isHidden()
    assert dialog.errors["family_name"].text() == "Required."


def test_duplicate_mrn_is_shown_at_the_mrn_and_nothing_changes(qtbot: QtBot, database: Database) -> None:
    with database.transaction() as session:
        create_patient(session, ZOE)
    dialog = PatientDialog(None, None, _saver(database))
    qtbot.addWidget(dialog)
    dialog.mrn.setText("LB-1")
    dialog.family_name.setText("Other")
    dialog.given_name.setText("Person")
    dialog.birth_date.setText("2016-01-01")
    dialog.diagnosis.setCurrentIndex(0)
    dialog._on_buttons_accepted()
    assert dialog.result_details is None
    assert "belongs to another patient" in dialog.errors["mrn"].text()
    with database.transaction() as session:
        assert patient_details(session, "LB-1")[0].family_name == "Müller"


def test_primary_care_without_a_name_is_refused_at_its_name(qtbot: QtBot, database: Database) -> None:
    dialog = PatientDialog(None, None, _saver(database))
    qtbot.addWidget(dialog)
    dialog.mrn.setText("LB-3")
    dialog.family_name.setText("A")
    dialog.given_name.setText("B")
    dialog.birth_date.setText("2016-01-01")
    dialog.diagnosis.setCurrentIndex(0)
    dialog.pcp["phone"].setText("555")
    dialog._on_buttons_accepted()
    assert dialog.result_details is None
    assert dialog.errors["primary_care.name"].text() == "Required."


def test_editing_shows_the_stored_values(qtbot: QtBot) -> None:
    dialog = PatientDialog(None, ZOE, lambda details: None)
    qtbot.addWidget(dialog)
    assert dialog.details() == ZOE
    assert dialog.windowTitle() == "Edit patient"


def test_other_medicines_are_saved_and_shown_again(qtbot: QtBot, database: Database) -> None:
    """Issue 13: a place for the patient's other medicines, read by the tizanidine interaction check."""
    with database.transaction() as session:
        create_patient(session, ZOE)
    dialog = PatientDialog(None, ZOE, _saver(database))
    qtbot.addWidget(dialog)
    dialog.other_medicines.setText("Omeprazole 20 mg, Ciprofloxacin 500 mg")
    assert dialog.details().other_medicines == "Omeprazole 20 mg, Ciprofloxacin 500 mg"
    again = PatientDialog(None, dialog.details(), _saver(database))
    qtbot.addWidget(again)
    assert again.other_medicines.text() == "Omeprazole 20 mg, Ciprofloxacin 500 mg"
    dialog.other_medicines.setText("  ")
    assert dialog.details().other_medicines is None


def test_a_new_patient_has_no_birth_date_or_diagnosis_until_typed(qtbot: QtBot, database: Database) -> None:
    dialog = PatientDialog(None, None, _saver(database))
    qtbot.addWidget(dialog)
    assert dialog.birth_date.text() == "" and dialog.diagnosis.currentIndex() == -1
    dialog.mrn.setText("LB-9")
    dialog.family_name.setText("Abdi")
    dialog.given_name.setText("Nadia")
    dialog._on_buttons_accepted()
    assert dialog.result_details is None
    assert dialog.errors["birth_date"].text().startswith("Required: type the birth date as YYYY-MM-DD")
    dialog.birth_date.setText("2016-13-40")
    dialog._on_buttons_accepted()
    assert "'2016-13-40' is not a date" in dialog.errors["birth_date"].text()
    dialog.birth_date.setText("2016-05-01")
    dialog._on_buttons_accepted()
    assert dialog.errors["diagnosis"].text() == "Required: choose the diagnosis."
    with database.transaction() as session:
        assert find_patients(session, "") == []  # nothing was written


def test_edit_patient_opens_on_the_first_field_a_user_changes(qtbot: QtBot) -> None:
    dialog = PatientDialog(None, ZOE, lambda details: None)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert QApplication.focusWidget() is dialog.diagnosis_note
    new = PatientDialog(None, None, lambda details: None)
    qtbot.addWidget(new)
    with qtbot.waitExposed(new):
        new.show()
    new.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is new.mrn)
