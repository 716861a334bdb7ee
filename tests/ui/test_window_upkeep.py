"""The window on a database of an older schema that has users: the login comes first, and only a clinician's
login upgrades it; anyone else is told, in the window, and nothing is changed. A real file and real dialogs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from assess.services.users import add_user, log_in
from assess.storage.db import SCHEMA_REVISION, current_revision, make_engine, open_database
from assess.ui.login import LoginDialog

PASSWORD = "correct horse battery"
OLDER = "0003_trust"


@pytest.fixture
def older_clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clinician and a therapist, in a file of the schema before seals."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    db = open_database(url)
    with db.transaction() as session:
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(db, "osei", PASSWORD)
    with db.transaction() as session:
        add_user(session, "tara", "therapist", PASSWORD)
    db.close()
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, OLDER)
    engine.dispose()
    return url


def _answer(handle: Callable[[QWidget], bool]) -> None:
    """Answer modal dialogs as they come until `handle` says it is done."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not handle(dialog):
            QTimer.singleShot(20, answer)
    QTimer.singleShot(0, answer)


def _log_in_as(name: str, seen: list[str], then_a_message: bool) -> Callable[[QWidget], bool]:
    def handle(dialog: QWidget) -> bool:
        if isinstance(dialog, LoginDialog) and "login" not in seen:
            seen.append("login")
            dialog.name.setText(name)
            dialog.password.setText(PASSWORD)
            next(b for b in dialog.findChildren(QPushButton) if b.text() == "Log in").click()
            return not then_a_message  # done: nothing else is answered, in this test or a later one
        if isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
            dialog.accept()
            return True
        return False
    return handle


def test_a_therapist_is_told_a_clinician_must_upgrade(qtbot: QtBot, older_clinic: str) -> None:
    from assess.ui.app import run_window

    seen: list[str] = []
    _answer(_log_in_as("tara", seen, then_a_message=True))
    assert run_window(older_clinic) == 1
    assert seen[0] == "login" and "needs an upgrade to this version of assess, which a clinician must run (tara " \
                                  "is a therapist)" in seen[1]
    engine = make_engine(older_clinic)
    assert current_revision(engine) == OLDER
    engine.dispose()


def test_a_clinicians_login_upgrades_and_the_window_opens(qtbot: QtBot, older_clinic: str) -> None:
    from assess.ui.app import run_window
    from assess.ui.main_window import MainWindow

    seen: list[str] = []
    _answer(_log_in_as("osei", seen, then_a_message=False))

    def close_when_open() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, close_when_open)
            return
        for window in windows:
            qtbot.addWidget(window)
            window.idle_lock.stop()
        QApplication.exit(0)
    QTimer.singleShot(0, close_when_open)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    try:
        assert run_window(older_clinic) == 0
    finally:
        app.setQuitOnLastWindowClosed(True)
    engine = make_engine(older_clinic)
    assert current_revision(engine) == SCHEMA_REVISION
    engine.dispose()
