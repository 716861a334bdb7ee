"""Two workstations on one database, as the clinician sees it: a save over someone else's newer save is refused,
said plainly, and the window offers to reload; nothing either of them entered is lost."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exam_helpers import LAST_DATE, LAST_VISIT, MRN, add_patient, drafts_in, type_keys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from assess.record.domain import Finding
from assess.services.history import patient_history
from assess.services.patients import patient_details, update_patient
from assess.services.visits import record_visit
from assess.storage.db import Database, open_database
from assess.ui.main_window import MainWindow
from assess.ui.patient_dialog import PatientDialog
from assess.ui.settings import Settings
from assess.ui.visit_editor import VisitEditor


@pytest.fixture
def other_workstation(database: Database) -> Iterator[Database]:
    """A second connection to the same database, as a second workstation in the clinic would have."""
    other = open_database(database.url)
    yield other
    other.close()


def _when_modal(qtbot: QtBot, act: Callable[[QMessageBox], None]) -> list[BaseException]:
    """Run `act` on the next modal box once it shows (exec() blocks the test meanwhile); failures are returned."""
    failures: list[BaseException] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        try:
            act(box)
        except BaseException as error:  # closed anyway, so a failed check cannot hang the test
            failures.append(error)
            box.reject()

    QTimer.singleShot(0, poll)
    return failures


def test_the_visit_editor_refuses_a_stale_save_offers_reload_and_can_put_the_values_back(
        qtbot: QtBot, database: Database, other_workstation: Database, tmp_path: Path) -> None:
    add_patient(database)
    editor = VisitEditor(database, MRN, LAST_DATE, "initial", "Dr K. Osei", drafts_in(tmp_path))
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    type_keys(editor.grid, ["4"])  # MAS 4 for the left hip flexors, on this workstation
    with other_workstation.transaction() as session:  # the other workstation saves the same visit first
        record_visit(session, MRN, dataclasses.replace(LAST_VISIT, notes="their change"), expected_version=1)

    seen: dict[str, str] = {}

    def click_reload(box: QMessageBox) -> None:
        seen["text"], seen["informative"] = box.text(), box.informativeText()
        [reload] = [b for b in box.buttons() if b.text().replace("&", "") == "Reload"]
        reload.click()

    failures = _when_modal(qtbot, click_reload)
    assert not editor.save()
    assert not failures, failures
    assert "saved on another workstation since you opened it" in seen["text"]
    assert "Nothing was overwritten" in seen["informative"]

    # Reloaded: their visit in the editor, my value not in it but one click away.
    assert editor.details.value("notes") == "their change"
    assert editor.model.findings() == LAST_VISIT.findings
    assert editor.banner.isVisible() and "saved on another workstation" in editor.banner.text()
    assert editor.put_back_button.isVisible()
    with database.transaction() as session:
        assert patient_history(session, MRN).visits[0].notes == "their change"  # theirs was not overwritten

    qtbot.mouseClick(editor.put_back_button, Qt.MouseButton.LeftButton)
    assert editor.model.findings()[0] == Finding("hip_flexors", "left", mas="4")
    assert editor.save()  # now knowingly over their version
    with other_workstation.transaction() as session:
        [stored] = patient_history(session, MRN).visits
    assert stored.finding("hip_flexors", "left") == Finding("hip_flexors", "left", mas="4")


def test_keep_editing_leaves_the_editor_as_it_was(qtbot: QtBot, database: Database, other_workstation: Database,
                                                  tmp_path: Path) -> None:
    add_patient(database)
    editor = VisitEditor(database, MRN, LAST_DATE, "initial", "Dr K. Osei", drafts_in(tmp_path))
    qtbot.addWidget(editor)
    editor.show()
    type_keys(editor.grid, ["4"])
    with other_workstation.transaction() as session:
        record_visit(session, MRN, dataclasses.replace(LAST_VISIT, notes="their change"), expected_version=1)

    def keep_editing(box: QMessageBox) -> None:
        [keep] = [b for b in box.buttons() if b.text().replace("&", "") == "Keep editing"]
        keep.click()

    failures = _when_modal(qtbot, keep_editing)
    assert not editor.save()
    assert not failures, failures
    assert editor.model.findings()[0] == Finding("hip_flexors", "left", mas="4")
    assert not editor.put_back_button.isVisible()
    assert editor.drafts.load_all()[0].visit == editor.visit()  # and the draft holds it


def test_the_patient_dialog_refuses_a_stale_save_and_reloads_the_saved_details(
        qtbot: QtBot, database: Database, other_workstation: Database, tmp_path: Path) -> None:
    add_patient(database, history=False)
    settings = Settings(tmp_path / "config" / "assess.ini")
    window = MainWindow(database, settings)
    qtbot.addWidget(window)
    window.open_patient(MRN)
    steps: list[str] = []
    failures: list[BaseException] = []

    def edit_in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PatientDialog):
            QTimer.singleShot(20, edit_in_dialog)
            return
        try:
            with other_workstation.transaction() as session:  # meanwhile, at the front desk
                details, version = patient_details(session, MRN)
                update_patient(session, MRN, dataclasses.replace(details, family_name="Müller-Okafor"), version)
            save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
            dialog.diagnosis_note.setText("spastic diplegia, mild")
            save.click()
            assert dialog.isVisible()  # refused: the dialog stays open with what was typed
            assert "changed on another workstation" in dialog.general_error.text()
            assert dialog.reload_button.isVisible()
            steps.append("refused")
            qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
            assert dialog.family_name.text() == "Müller-Okafor"
            assert "Reloaded" in dialog.general_error.text() and not dialog.reload_button.isVisible()
            steps.append("reloaded")
            dialog.diagnosis_note.setText("spastic diplegia, mild")
            save.click()
            steps.append("saved")
        except BaseException as error:
            failures.append(error)
            dialog.reject()

    QTimer.singleShot(0, edit_in_dialog)
    window.edit_patient()
    assert not failures, failures
    assert steps == ["refused", "reloaded", "saved"]
    with other_workstation.transaction() as session:
        details, version = patient_details(session, MRN)
    assert (details.family_name, details.diagnosis_note) == ("Müller-Okafor", "spastic diplegia, mild")
    assert version == 3
