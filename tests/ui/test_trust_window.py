"""Logging in, the idle lock, signing and addenda in the window, with real widgets on a real database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exam_helpers import LAST_DATE, MRN, TODAY, add_patient, drafts_in, type_keys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from assess.record.domain import Visit
from assess.services.audit import events
from assess.services.history import patient_history
from assess.services.signing import addenda, sign_visit
from assess.services.users import add_user, log_in
from assess.services.visits import record_visit
from assess.storage.db import Database, open_database
from assess.ui.change_history import ChangeHistoryDialog
from assess.ui.login import IdleLock, LoginDialog
from assess.ui.signing import AddendumDialog
from assess.ui.visit_editor import VisitEditor

PASSWORD = "correct horse battery"


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Database]:
    """Zoë with her first exam, a clinician and a therapist; nobody logged in."""
    db = open_database(f"sqlite:///{tmp_path}/a.db")
    add_patient(db)
    with db.transaction() as session:
        record_visit(session, MRN, Visit(TODAY, "follow_up", "Dr K. Osei"))  # today's draft, empty so far
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(db, "osei", PASSWORD)
    with db.transaction() as session:
        add_user(session, "tara", "therapist", PASSWORD)
    db.actor = None
    yield db
    db.close()


def when_modal(qtbot: QtBot, handle: Callable[[QWidget], None]) -> None:
    """Answer the next modal dialog as a user would (it blocks in exec until then)."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        handle(dialog)
    QTimer.singleShot(0, answer)


def click_button(dialog: QWidget, text: str) -> None:
    button = next(b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == text)
    button.click()


def _editor(qtbot: QtBot, db: Database, tmp_path: Path, day: object = TODAY, visit_type: str = "follow_up"
            ) -> VisitEditor:
    editor = VisitEditor(db, MRN, day, visit_type, "Dr K. Osei", drafts_in(tmp_path))  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    return editor


def test_the_login_dialog_refuses_a_wrong_password_and_logs_in_with_the_right_one(
        qtbot: QtBot, clinic: Database) -> None:
    dialog = LoginDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "osei")
    qtbot.keyClicks(dialog.password, "guess")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.error.text() == "Wrong user name or password."
    assert dialog.password.text() == "" and clinic.actor is None
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert clinic.actor is not None and (clinic.actor.name, clinic.actor.role) == ("osei", "clinician")


def test_quit_on_the_login_dialog_logs_nobody_in(qtbot: QtBot, clinic: Database) -> None:
    dialog = LoginDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        click_button(dialog, "Quit assess")
    assert clinic.actor is None


def test_the_window_locks_when_idle_and_the_open_exam_is_kept(qtbot: QtBot, clinic: Database,
                                                              tmp_path: Path) -> None:
    log_in(clinic, "osei", PASSWORD)
    editor = _editor(qtbot, clinic, tmp_path)
    type_keys(editor.grid, ["2"])  # typed, not saved yet
    lock = IdleLock(clinic, editor, 1)
    lock.timer.setInterval(50)  # a minute in the clinic; here, a moment
    lock.timer.start()
    qtbot.waitUntil(lambda: lock.locked and lock.dialog is not None and lock.dialog.isVisible())
    assert lock.cover.isVisible() and lock.cover.geometry() == editor.rect()
    dialog = lock.dialog
    assert dialog is not None and dialog.name.text() == "osei" and dialog.name.isReadOnly()
    dialog.password.setText("guess")
    dialog.try_log_in()
    assert lock.locked and "Wrong user name or password" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    dialog.try_log_in()
    assert not lock.locked and not lock.cover.isVisible()
    assert editor.dirty and editor.visit().findings  # the exam in progress is still there
    lock.stop()  # or it locks again in a moment, over the next test's windows


def _sign_when_asked(qtbot: QtBot, seen: list[str]) -> None:
    def handle(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        click_button(box, "Sign")
    when_modal(qtbot, handle)


def test_a_clinician_signs_the_visit_and_it_turns_read_only(qtbot: QtBot, clinic: Database,
                                                            tmp_path: Path) -> None:
    log_in(clinic, "osei", PASSWORD)
    editor = _editor(qtbot, clinic, tmp_path)
    type_keys(editor.grid, ["2"])
    seen: list[str] = []
    _sign_when_asked(qtbot, seen)
    assert editor.sign()  # saves what was typed, asks, signs
    assert seen == ["Sign the follow-up visit of Müller, Zoë on 2025-06-09?"]
    assert editor.read_only and editor.banner.text().startswith("Signed by osei on ")
    assert not editor.sign_button.isVisible() and editor.addendum_button.isVisible()
    with clinic.transaction() as session:
        stored = next(v for v in patient_history(session, MRN).visits if v.date == TODAY)
    assert stored.status == "signed" and stored.findings
    type_keys(editor.grid, ["3"])  # nothing changes a signed visit
    assert not editor.save() and editor.visit().findings == stored.findings


def test_cancel_on_the_confirmation_signs_nothing(qtbot: QtBot, clinic: Database, tmp_path: Path) -> None:
    log_in(clinic, "osei", PASSWORD)
    editor = _editor(qtbot, clinic, tmp_path)
    when_modal(qtbot, lambda box: click_button(box, "Cancel"))
    assert not editor.sign()
    assert not editor.read_only and editor.status.text() == "Not signed"
    with clinic.transaction() as session:
        assert next(v for v in patient_history(session, MRN).visits if v.date == TODAY).status == "draft"


def test_a_therapist_sees_sign_greyed_out(qtbot: QtBot, clinic: Database, tmp_path: Path) -> None:
    log_in(clinic, "tara", PASSWORD)
    editor = _editor(qtbot, clinic, tmp_path)
    assert not editor.sign_button.isEnabled() and not editor.sign_action.isEnabled()
    assert editor.sign_button.toolTip() == "Only a clinician signs visits"


def test_an_addendum_with_a_corrected_grade_is_shown_beside_the_signed_visit(qtbot: QtBot, clinic: Database,
                                                                             tmp_path: Path) -> None:
    log_in(clinic, "osei", PASSWORD)
    with clinic.transaction() as session:
        sign_visit(session, MRN, LAST_DATE, "initial")
    editor = _editor(qtbot, clinic, tmp_path, LAST_DATE, "initial")
    assert editor.read_only and editor.addendum_button.isVisible() and not editor.addenda_label.isVisible()

    def write(dialog: QWidget) -> None:
        assert isinstance(dialog, AddendumDialog)
        dialog.text.setPlainText("Right calf was graded on the wrong line.")
        right_calf = dialog.finding.findText("Right ankle plantarflexors (knee extended)", Qt.MatchFlag.MatchContains)
        dialog.finding.setCurrentIndex(right_calf)
        dialog.mas.setCurrentIndex(dialog.mas.findData("1+"))
        click_button(dialog, "Add addendum")
    when_modal(qtbot, write)
    assert editor.add_addendum()
    shown = editor.addenda_label.text()
    assert editor.addenda_label.isVisible() and "Addendum by osei" in shown
    assert "Right calf was graded on the wrong line." in shown
    assert "right ankle plantarflexors (knee extended): MAS 1+ (was 2)" in shown
    with clinic.transaction() as session:
        [added] = addenda(session, MRN)
        assert next(v for v in patient_history(session, MRN).visits if v.date == LAST_DATE).findings[5].mas == "2"
    assert added.corrected_findings[0].mas == "1+"
    # Opened again later, the editor shows it too.
    again = _editor(qtbot, clinic, tmp_path, LAST_DATE, "initial")
    assert again.addenda_label.isVisible() and "wrong line" in again.addenda_label.text()


def test_an_addendum_without_text_is_not_accepted(qtbot: QtBot) -> None:
    dialog = AddendumDialog("the initial visit on 2025-03-02")
    qtbot.addWidget(dialog)
    dialog.show()
    click_button(dialog, "Add addendum")
    assert dialog.isVisible() and dialog.error.text() == "Write what was wrong and what is right."


def test_the_history_of_changes_lists_the_patients_events_newest_first(qtbot: QtBot, clinic: Database) -> None:
    log_in(clinic, "osei", PASSWORD)
    with clinic.transaction() as session:
        sign_visit(session, MRN, LAST_DATE, "initial")
        count = len(events(session, MRN))
    dialog = ChangeHistoryDialog(clinic, MRN, "Müller, Zoë")
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == count
    assert table.item(0, 1).text() == "osei (clinician)"
    assert table.item(0, 3).text() == "signed visit 2025-03-02 initial"
    assert table.item(0, 4).text() == "signed by osei"
    assert table.item(count - 1, 3).text() == "added patient LB-100234"


def test_a_visit_signed_elsewhere_is_refused_when_the_open_editor_saves(qtbot: QtBot, clinic: Database,
                                                                         tmp_path: Path) -> None:
    """A therapist's exam is saved; once a clinician signed it on another workstation, a further save from
    the still-open editor is refused with the service's message, and the signed visit stays as signed."""
    log_in(clinic, "tara", PASSWORD)
    editor = _editor(qtbot, clinic, tmp_path)
    type_keys(editor.grid, ["1"])
    assert editor.save()
    other = open_database(clinic.url)
    log_in(other, "osei", PASSWORD)
    with other.transaction() as session:
        sign_visit(session, MRN, TODAY, "follow_up")
    other.close()
    type_keys(editor.grid, ["2"])
    shown: list[str] = []

    def read(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()
    when_modal(qtbot, read)
    assert not editor.save()
    assert shown == ["the follow_up visit of LB-100234 on 2025-06-09 is signed and cannot be changed; "
                     "add an addendum"]
    with clinic.transaction() as session:
        stored = next(v for v in patient_history(session, MRN).visits if v.date == TODAY)
    assert stored.status == "signed" and len(stored.findings) == 1


def test_quit_at_the_login_dialog_ends_assess_before_any_record_shows(qtbot: QtBot, clinic: Database,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    from assess.ui.app import run_window
    from assess.ui.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seen: list[str] = []

    def quit_login(dialog: QWidget) -> None:
        seen.append(dialog.objectName())
        click_button(dialog, "Quit assess")
    when_modal(qtbot, quit_login)
    assert run_window(clinic.url) == 0
    assert seen == ["login_dialog"]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_after_logging_in_the_window_opens_with_its_idle_lock(qtbot: QtBot, clinic: Database,
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assess.ui.app import run_window
    from assess.ui.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    opened: list[MainWindow] = []

    def log_in_and_look(dialog: QWidget) -> None:
        assert isinstance(dialog, LoginDialog)
        dialog.name.setText("osei")
        dialog.password.setText(PASSWORD)
        click_button(dialog, "Log in")

        def look() -> None:
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            if not windows:
                QTimer.singleShot(20, look)
                return
            opened.extend(windows)
            QApplication.exit(0)  # ends app.exec at once; a quit event would linger into later dialogs
        QTimer.singleShot(0, look)
    when_modal(qtbot, log_in_and_look)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    try:
        assert run_window(clinic.url) == 0
        for window in opened:
            qtbot.addWidget(window)
    finally:
        app.setQuitOnLastWindowClosed(True)
    [window] = opened
    assert isinstance(window.idle_lock, IdleLock) and window.idle_lock.timer.interval() == 10 * 60_000
    window.idle_lock.stop()
    actor = window.idle_lock.db.actor
    assert actor is not None and (actor.name, actor.role) == ("osei", "clinician")


def test_a_toxin_session_is_signed_from_the_treatment_menu(qtbot: QtBot, clinic: Database, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QInputDialog

    from assess.record.domain import Injection, ToxinSession
    from assess.services.signing import toxin_signatures
    from assess.services.visits import record_treatment
    from assess.ui.main_window import MainWindow
    from assess.ui.settings import Settings

    log_in(clinic, "osei", PASSWORD)
    toxin = ToxinSession(TODAY, "onabotulinumtoxinA", (Injection("soleus", "left", 40.0),))
    with clinic.transaction() as session:
        record_treatment(session, MRN, toxin)
    window = MainWindow(clinic, Settings(tmp_path / "assess.ini"))
    qtbot.addWidget(window)
    window.show()
    window.open_patient(MRN)
    asked: list[str] = []

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        click_button(box, "Sign")

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        asked.append(dialog.textValue())
        when_modal(qtbot, confirm)
        dialog.accept()
    when_modal(qtbot, choose)
    window._trust_action("sign_toxin")
    assert asked == ["2025-06-09 onabotulinumtoxinA",
                     "Sign the onabotulinumtoxinA session of Müller, Zoë on 2025-06-09?"]
    assert window.statusBar().currentMessage() == "Signed by osei: the onabotulinumtoxinA session of 2025-06-09"
    with clinic.transaction() as session:
        assert toxin_signatures(session, MRN)[(TODAY, "onabotulinumtoxinA")].signed_by == "osei"
    # A correction of the signed session is refused before its dialog opens.
    said: list[str] = []

    def read(box: QWidget) -> None:
        said.append(f"{box.objectName()}: {box.text()}" if isinstance(box, QMessageBox) else box.objectName())
        box.close()
    when_modal(qtbot, read)
    window.edit_treatment(toxin)
    assert said == ["error_message: the onabotulinumtoxinA session on 2025-06-09 was signed by osei and cannot be "
                    "changed; add an addendum (Treatment → Toxin session addendum…)"]
