"""Users… (clinicians): the users of this database; add one, change a role, disable or enable, reset a password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assess.record.actor import ROLES
from assess.record.errors import AssessError
from assess.services.user_admin import UserLine, set_disabled, set_role, user_lines
from assess.services.users import MIN_PASSWORD, add_user, set_password
from assess.storage.db import Database

ROLE_WORDS = {"clinician": "clinician (everything, signs, manages users)",
              "therapist": "therapist (exams, goals, therapy and orthoses)",
              "reader": "reader (views and exports, changes nothing)"}


def _role_box(name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for role in ROLES:
        box.addItem(ROLE_WORDS[role], role)
    return box


class PasswordDialog(QDialog):
    """A new password typed twice (new user, or a reset)."""

    def __init__(self, parent: QWidget | None, title: str, with_name: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.name = QLineEdit()
        self.name.setAccessibleName("User name")
        self.role = _role_box("Role")
        self.role.setCurrentIndex(ROLES.index("therapist"))
        self.password, self.again = QLineEdit(), QLineEdit()
        for edit, name in ((self.password, "Password"), (self.again, "Password again")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
            edit.setAccessibleDescription(f"At least {MIN_PASSWORD} characters")
        self.error = QLabel()
        self.error.setObjectName("password_error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        if with_name:
            form.addRow("User name", self.name)
            form.addRow("Role", self.role)
        form.addRow("Password", self.password)
        form.addRow("Again", self.again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.name if with_name else self.password).setFocus()

    def _on_buttons_accepted(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("The two passwords differ: type the same password twice.")
            self.again.setFocus()
            return
        self.accept()


class UsersDialog(QDialog):
    """The user list with what a clinician may do to each; every change is saved at once and audited."""

    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(parent)
        self.setWindowTitle("Users")
        self._db = db
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Users of this database")
        self.table.setAccessibleDescription("Name, role, whether the user can log in, failed logins in a row")
        self.table.setHorizontalHeaderLabels(["Name", "Role", "Status", "Failed logins"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.role = _role_box("Role of the chosen user")
        self.add_button = QPushButton("&Add user…")
        self.role_button = QPushButton("&Change role")
        self.disable_button = QPushButton("&Disable")
        self.password_button = QPushButton("&Reset password…")
        for button, tip in ((self.add_button, "A new user with a role and a first password"),
                            (self.role_button, "Give the chosen user the role chosen beside"),
                            (self.disable_button, "The chosen user can no longer log in (or can again)"),
                            (self.password_button, "A new password for the chosen user; clears their wait")):
            button.setAccessibleDescription(tip)
            button.setToolTip(tip)
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(self.change_role)
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.password_button.clicked.connect(self.reset_password)
        self.message = QLabel()
        self.message.setObjectName("users_message")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for widget in (self.add_button, self.role, self.role_button, self.disable_button, self.password_button):
            row.addWidget(widget)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda *_: self._follow_choice())
        self.resize(760, 420)
        self.lines: list[UserLine] = []
        self.refresh()
        self.table.setFocus()

    def refresh(self, keep: str | None = None) -> None:
        with self._db.read() as session:
            self.lines = user_lines(session)
        self.table.setRowCount(len(self.lines))
        for r, line in enumerate(self.lines):
            status = "can log in" if line.active else f"disabled {line.disabled_at:%Y-%m-%d}"
            for c, text in enumerate((line.name, line.role, status, str(line.failed_logins))):
                self.table.setItem(r, c, QTableWidgetItem(text))
        names = [line.name for line in self.lines]
        if names:
            self.table.setCurrentCell(names.index(keep) if keep in names else 0, 0)
        self._follow_choice()

    def chosen(self) -> UserLine | None:
        row = self.table.currentRow()
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def _follow_choice(self) -> None:
        line = self.chosen()
        for button in (self.role_button, self.disable_button, self.password_button):
            button.setEnabled(line is not None)
        if line is not None:
            self.role.setCurrentIndex(ROLES.index(line.role))
            self.disable_button.setText("&Disable" if line.active else "&Enable")

    def _run(self, done: str, keep: str | None, act: object) -> bool:
        try:
            with self._db.transaction() as session:
                act(session)  # type: ignore[operator]
        except AssessError as error:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(f"Not saved: {error}")
            return False
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(done)
        self.refresh(keep)
        return True

    def add(self) -> None:
        ask = PasswordDialog(self, "Add user", with_name=True)
        if ask.exec() != QDialog.DialogCode.Accepted:
            return
        name, role = ask.name.text().strip(), str(ask.role.currentData())
        self._run(f"{name} added as {role}", name, lambda s: add_user(s, name, role, ask.password.text()))

    def change_role(self) -> None:
        line, role = self.chosen(), str(self.role.currentData())
        if line is not None:
            self._run(f"{line.name} is now {role}", line.name, lambda s: set_role(s, line.name, role))

    def toggle_disabled(self) -> None:
        line = self.chosen()
        if line is not None:
            word = "disabled" if line.active else "enabled"
            self._run(f"{line.name} {word}", line.name, lambda s: set_disabled(s, line.name, line.active))

    def reset_password(self) -> None:
        line = self.chosen()
        if line is None:
            return
        ask = PasswordDialog(self, f"New password for {line.name}", with_name=False)
        if ask.exec() == QDialog.DialogCode.Accepted:
            self._run(f"Password of {line.name} reset", line.name,
                      lambda s: set_password(s, line.name, ask.password.text()))


def manage_users(parent: QWidget, db: Database) -> None:
    UsersDialog(parent, db).exec()
