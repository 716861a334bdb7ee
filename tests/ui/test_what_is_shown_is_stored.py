"""What the screen shows is what is stored: a signed visit cannot be changed back by undo, a recovered draft opens
with its own patient (so Ctrl+T records the toxin session for that patient), and a restored draft does not widen
the window past the screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from exam_helpers import MRN, TODAY, add_patient, drafts_in, type_keys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from assess.record.domain import Finding, Injection, PatientDetails, ToxinSession, Visit
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.visits import record_visit
from assess.storage.db import Database, open_database
from assess.storage.drafts import DraftStore, VisitDraft
from assess.ui import toxin_dialog
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings
from assess.ui.visit_editor import VisitEditor

ADA = PatientDetails("WS-2", "Okafor", "Ada", dt.date(2015, 6, 1), "female", "cerebral_palsy")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    add_patient(database)
    with database.transaction() as session:
        record_visit(session, MRN, Visit(TODAY, "follow_up", "Dr K. Osei"))
        create_patient(session, ADA)
    yield database
    database.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(tmp_path / "config" / "assess.ini")
    s.clinician = "Dr K. Osei"
    return s


def _answer_sign(qtbot: QtBot) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, answer)
            return
        next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == "Sign").click()
    QTimer.singleShot(0, answer)


def test_after_signing_undo_no_longer_changes_what_is_shown(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    editor = VisitEditor(db, MRN, TODAY, "follow_up", "Dr K. Osei", drafts_in(tmp_path))
    qtbot.addWidget(editor)
    editor.show()
    type_keys(editor.grid, ["2"])
    editor.scores.combos["pain_nrs"].set_value(4)  # a visit score too, through the undo stack
    qtbot.wait(10)
    _answer_sign(qtbot)
    assert editor.sign()
    with db.transaction() as session:
        stored = next(v for v in patient_history(session, MRN).visits if v.date == TODAY)
    shown = editor.visit()
    assert stored.status == "signed" and shown.findings == stored.findings and shown.scores == stored.scores
    for _ in range(3):
        qtbot.keyClick(editor.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        editor.undo()
    assert editor.visit() == shown  # the signed visit, as stored
    assert not editor.undo_action.isEnabled() and not editor.redo_action.isEnabled()
    assert not editor.dirty


def _window(qtbot: QtBot, db: Database, settings: Settings) -> MainWindow:
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _drafts(settings: Settings, *mrns: str) -> None:
    store = DraftStore(settings.drafts_folder)
    for mrn in mrns:
        visit = Visit(dt.date(2025, 7, 1), "follow_up", "Dr K. Osei", findings=(Finding("elbow_flexors", "left", "2"),))
        store.save(VisitDraft(mrn, visit, None, dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC)))


def test_a_recovered_draft_opens_with_its_patient_and_ctrl_t_records_for_that_patient(
        qtbot: QtBot, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _drafts(settings, MRN, ADA.mrn)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: QMessageBox.StandardButton.Yes))
    asked_for: list[str] = []

    def ask(cls: object, parent: object, record: object, *args: object, **kwargs: object) -> ToxinSession:
        asked_for.append(record.mrn)  # type: ignore[attr-defined]
        return ToxinSession(dt.date(2025, 7, 1), "onabotulinumtoxinA", (Injection("soleus", "left", 40.0, 2),))

    monkeypatch.setattr(toxin_dialog.ToxinSessionDialog, "ask", classmethod(ask))
    window = _window(qtbot, db, settings)  # a fresh start: no patient open
    window.offer_restored_drafts()
    editors = [window.tabs.widget(i) for i in range(1, window.tabs.count())]
    assert [e.mrn for e in editors if isinstance(e, VisitEditor)] == [MRN, ADA.mrn]
    for editor in editors:  # from each recovered exam, Ctrl+T is about the exam's own patient
        assert isinstance(editor, VisitEditor)
        window.tabs.setCurrentWidget(editor)
        assert window.mrn == editor.mrn and window.view.record is not None
        assert window.view.record.mrn == editor.mrn
        qtbot.keyClick(editor.grid, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert asked_for == [MRN, ADA.mrn]
    with db.transaction() as session:
        assert [t.kind for t in patient_history(session, ADA.mrn).treatments] == ["botulinum_toxin"]


def test_a_restored_draft_does_not_widen_the_window_past_the_screen(qtbot: QtBot, db: Database,
                                                                    settings: Settings,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _drafts(settings, MRN)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: QMessageBox.StandardButton.Yes))
    window = _window(qtbot, db, settings)
    window.resize(1216, 760)  # what assess opens at on a 1280 × 800 screen
    window.offer_restored_drafts()
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor) and "not saved yet" in editor.status.text()
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1280 and window.width() <= 1280
    assert editor.save()  # saving shows the patient's updated record a moment, with the patient list beside it
    qtbot.wait(50)
    window.tabs.setCurrentIndex(0)  # and the patient tab, with the exam still open behind it
    qtbot.wait(50)
    window.tabs.setCurrentWidget(editor)
    qtbot.wait(50)
    assert window.width() <= 1280 and window.minimumSizeHint().width() <= 1280
