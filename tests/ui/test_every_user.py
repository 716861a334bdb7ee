"""Every user: a reader sees the editor read-only; clinicians manage users in the window; real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from exam_helpers import MRN, TODAY, add_patient
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_trust_window import when_modal

from assess.record.errors import PermissionDeniedError
from assess.services.audit import events
from assess.services.user_admin import set_disabled, set_role, user_lines
from assess.services.users import add_user, log_in
from assess.storage.db import Database, open_database
from assess.storage.drafts import DraftStore
from assess.ui.users_dialog import PasswordDialog, UsersDialog
from assess.ui.visit_editor import VisitEditor

PASSWORD = "correct horse battery"


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path}/a.db")
    add_patient(db)
    with db.transaction() as session:
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(db, "osei", PASSWORD)
    with db.transaction() as session:
        add_user(session, "rita", "reader", PASSWORD)
    yield db
    db.close()


def test_a_reader_sees_the_exam_read_only_and_is_told_why(qtbot: QtBot, clinic: Database, tmp_path: Path) -> None:
    log_in(clinic, "rita", PASSWORD)
    editor = VisitEditor(clinic, MRN, TODAY, "follow_up", "Dr K. Osei", DraftStore(tmp_path / "drafts"))
    qtbot.addWidget(editor)
    editor.show()
    assert editor.read_only and "logged in as a reader" in editor.banner.text()
    assert not editor.save_button.isEnabled() and not editor.save_action.isEnabled()
    qtbot.keyClick(editor.grid, Qt.Key.Key_2)
    assert editor.model.findings() == ()
    assert "reader" in editor.grid.help_line.keys.text()
    assert not editor.save()


def test_roles_change_and_users_are_disabled_but_never_the_last_clinician(clinic: Database) -> None:
    with clinic.transaction() as session:
        set_role(session, "rita", "therapist")
        set_disabled(session, "rita", True)
        with pytest.raises(PermissionDeniedError, match="cannot disable yourself"):
            set_disabled(session, "osei", True)
        with pytest.raises(PermissionDeniedError, match="last active clinician"):
            set_role(session, "osei", "reader")
    with clinic.transaction() as session:
        lines = {line.name: line for line in user_lines(session)}
        assert lines["rita"].role == "therapist" and not lines["rita"].active
        assert [e.action for e in events(session) if e.entity == "user" and e.key == "rita"][:2] == [
            "disable", "update"]
    with pytest.raises(Exception, match="disabled"):
        log_in(clinic, "rita", PASSWORD)


def test_a_clinician_adds_a_user_and_resets_a_password_in_the_window(qtbot: QtBot, clinic: Database) -> None:
    dialog = UsersDialog(None, clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["osei", "rita"]

    def fill(window: object) -> None:
        assert isinstance(window, PasswordDialog)
        window.name.setText("tara")
        window.role.setCurrentIndex(window.role.findData("therapist"))
        window.password.setText(PASSWORD)
        window.again.setText(PASSWORD)
        window._on_buttons_accepted()

    when_modal(qtbot, fill)
    dialog.add()
    assert dialog.message.text() == "tara added as therapist"
    assert dialog.chosen() is not None and dialog.chosen().name == "tara"  # type: ignore[union-attr]
    dialog.role.setCurrentIndex(dialog.role.findData("reader"))
    dialog.change_role()
    dialog.toggle_disabled()
    assert dialog.table.item(dialog.table.currentRow(), 2).text().startswith("disabled")
    assert dialog.disable_button.text() == "&Enable"

    def new_password(window: object) -> None:
        assert isinstance(window, PasswordDialog)
        window.password.setText("a new password")
        window.again.setText("another one")
        window._on_buttons_accepted()
        assert "differ" in window.error.text() and QApplication.focusWidget() in (window.again, None)
        window.again.setText("a new password")
        window._on_buttons_accepted()

    when_modal(qtbot, new_password)
    dialog.reset_password()
    assert dialog.message.text() == "Password of tara reset"
    with clinic.transaction() as session:
        tara = next(line for line in user_lines(session) if line.name == "tara")
    assert (tara.role, tara.active) == ("reader", False)
