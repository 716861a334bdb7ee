"""Logging in at start and the lock after idle time: the window's side of users and roles.

The checks themselves (password, the wait after repeated failures, the audit events) are the services';
these dialogs only ask and show what the services answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from assess.record.errors import AssessError
from assess.services.users import log_in
from assess.storage.db import Database
from assess.storage.devices import LoginTokens

# Input that counts as someone at the keyboard (mouse moves alone do not keep a record open).
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class LoginDialog(QDialog):
    """Asks a user name and password and logs in through the services; a refusal is shown, the dialog stays.

    With `locked_user` it is the lock screen: the name is fixed and only that user's password unlocks.
    """

    def __init__(self, db: Database, locked_user: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.locked_user = locked_user
        self.setObjectName("login_dialog")
        self.setWindowTitle("Locked" if locked_user else "Log in")  # Qt adds " — assess"
        self.setModal(True)
        heading = QLabel(f"<b>Locked after a time without use.</b><br>{locked_user}, enter your password to "
                         "go on; your open exams are kept." if locked_user
                         else f"<b>Log in to assess</b><br>{db.describe()}")
        heading.setWordWrap(True)
        self.name = QLineEdit(locked_user or "")
        self.name.setAccessibleName("User name")
        self.name.setReadOnly(locked_user is not None)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.error = QLabel()
        self.error.setObjectName("login_error")
        self.error.setStyleSheet("color: #a01919;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText("Unlock" if locked_user else "Log in")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit assess")
        buttons.accepted.connect(self.try_log_in)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&User", self.name)
        form.addRow("&Password", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        (self.password if locked_user else self.name).setFocus()

    def try_log_in(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            log_in(self.db, self.name.text().strip(), self.password.text(), tokens=LoginTokens.default())
        except AssessError as error:
            self.error.setText(str(error).capitalize() + ".")
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            QApplication.restoreOverrideCursor()
        if self.locked_user is not None and self.db.actor is not None and self.db.actor.name != self.locked_user:
            return  # cannot happen (the name is read-only); never hand another user's session over
        self.accept()


class IdleLock(QObject):
    """Locks the window after `minutes` without a key press or click: a lock dialog over everything that
    needs the logged-in user's password again. Nothing open is closed, so an exam in progress stays."""

    def __init__(self, db: Database, window: QWidget, minutes: int,
                 on_quit: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.db, self.window = db, window
        self.on_quit = on_quit
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, minutes) * 60_000)
        self.timer.timeout.connect(self.lock)
        self.locked = False
        self.dialog: LoginDialog | None = None
        # An opaque cover over the window while locked: no patient's data shows behind the lock dialog.
        self.cover = QLabel("Locked", window)
        self.cover.setObjectName("lock_cover")
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover.setStyleSheet("background: #3b4450; color: #e8ecf0; font-size: 20pt;")
        self.cover.hide()
        if minutes > 0 and db.actor is not None:
            app = QApplication.instance()
            assert app is not None
            app.installEventFilter(self)
            self.timer.start()

    def stop(self) -> None:
        """No more locking (the window is closing): stop watching the keyboard and the clock."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.locked and event.type() in _ACTIVITY:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.locked or self.db.actor is None:
            return
        self.locked = True
        self.timer.stop()
        self.cover.setGeometry(self.window.rect())
        self.cover.raise_()
        self.cover.show()
        self.dialog = LoginDialog(self.db, self.db.actor.name, self.window)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.finished.connect(self._on_finished)
        self.dialog.open()

    def _on_finished(self, result: int) -> None:
        self.locked = False
        self.dialog = None
        self.cover.hide()
        if result == QDialog.DialogCode.Accepted:
            self.timer.start()
        elif self.on_quit is not None:
            self.on_quit()

