"""Signing and addenda in the window: the confirmation, the addendum dialog and how addenda are shown.

The rules (who may sign, that a signed record never changes) are the services'; this module asks and shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from assess.record.actor import SINGLE_USER
from assess.record.domain import Addendum, Finding, ToxinSession
from assess.record.errors import AssessError, SignedRecordError
from assess.scoring.muscles import group_name
from assess.scoring.scales import MAS
from assess.services.signing import finding_correction_words
from assess.storage.db import Database
from assess.ui.messages import show_error

SIGN_KEYS = "Ctrl+Shift+S"
ADDENDUM_KEYS = "Ctrl+Shift+A"


def confirm_signing(parent: QWidget | None, what: str) -> bool:
    """Ask before signing: it cannot be undone. Cancel is the default button (Enter does not sign)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Sign", f"Sign {what}?", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("sign_confirmation")
    box.setInformativeText("A signed record can no longer be changed, by anyone. A correction is then added "
                           "as an addendum, kept beside what you signed.")
    sign = box.addButton("Sign", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is sign


class AddendumDialog(QDialog):
    """The text of a correction and, for a visit, optionally one corrected finding (its MAS grade)."""

    NO_CORRECTION = "No corrected finding"

    def __init__(self, what: str, findings: Sequence[Finding] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addendum_dialog")
        self.setWindowTitle("Addendum")
        self.findings = list(findings)
        heading = QLabel(f"<b>Addendum to {escape(what)}</b><br>The signed record stays as it is; this correction "
                         "is kept beside it, with your name and the time.")
        heading.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Addendum text")
        self.text.setPlaceholderText("What was wrong, and what is right")
        self.text.setTabChangesFocus(True)
        self.finding = QComboBox()
        self.finding.setAccessibleName("Finding to correct")
        self.finding.addItem(self.NO_CORRECTION, None)
        for f in self.findings:
            group = group_name(f.muscle_group)
            self.finding.addItem(f"{f.side.capitalize()} {group[:1].lower()}{group[1:]}: MAS {f.mas or '-'}", f)
        self.mas = QComboBox()
        self.mas.setAccessibleName("Corrected MAS grade")
        for label in MAS.labels:
            self.mas.addItem(label, label)
        self.mas.setEnabled(False)
        self.finding.currentIndexChanged.connect(lambda _i: self.mas.setEnabled(self.finding.currentData() is not None))
        self.error = QLabel()
        self.error.setStyleSheet("color: #a01919;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add addendum")
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Text", self.text)
        if self.findings:
            form.addRow("&Finding", self.finding)
            form.addRow("Corrected &MAS", self.mas)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.text.setFocus()

    def _accept_if_complete(self) -> None:
        if not self.text.toPlainText().strip():
            self.error.setText("Write what was wrong and what is right.")
            self.error.show()
            self.text.setFocus()
            return
        self.accept()

    def addendum(self) -> tuple[str, tuple[Finding, ...]]:
        finding = self.finding.currentData()
        corrected = () if finding is None else (dataclasses.replace(finding, mas=str(self.mas.currentData())),)
        return self.text.toPlainText().strip(), corrected

    @classmethod
    def ask(cls, parent: QWidget | None, what: str,
            findings: Sequence[Finding] = ()) -> tuple[str, tuple[Finding, ...]] | None:
        dialog = cls(what, findings, parent)
        return dialog.addendum() if dialog.exec() == QDialog.DialogCode.Accepted else None


def addenda_html(found: Sequence[Addendum], findings: Sequence[Finding] = ()) -> str:
    """Addenda as the visit editor and patient view show them: author, local time, text, corrections."""
    originals = {(f.muscle_group, f.side): f for f in findings}
    items = []
    for a in found:
        when = a.written_at.astimezone().strftime("%Y-%m-%d %H:%M")
        corrections = "".join(
            f"<br>Corrected: {escape(finding_correction_words(f, originals.get((f.muscle_group, f.side))))}"
            for f in a.corrected_findings)
        items.append(f"<p><b>Addendum by {escape(a.author)}, {when}</b><br>{escape(a.text)}{corrections}</p>")
    return "".join(items)


def signed_line(signed_by: str | None, signed_at: dt.datetime | None) -> str:
    who = f" by {signed_by}" if signed_by else ""
    when = f" on {signed_at.astimezone():%Y-%m-%d %H:%M}" if signed_at else ""
    return f"Signed{who}{when}"


def unsigned_toxin_choice(parent: QWidget | None, title: str, sessions: Sequence[tuple[dt.date, str]]
                          ) -> tuple[dt.date, str] | None:
    """Pick one toxin session (date, product) from a list."""
    from PySide6.QtWidgets import QInputDialog

    if not sessions:
        return None
    labels = [f"{day:%Y-%m-%d} {product}" for day, product in sessions]
    chosen, ok = QInputDialog.getItem(parent, title, "Toxin session:", labels, len(labels) - 1, False)
    return sessions[labels.index(chosen)] if ok and chosen in labels else None


def sign_toxin_in_window(parent: QWidget, db: Database, mrn: str) -> str | None:
    """Choose an unsigned toxin session of the patient, confirm, sign. Returns what to tell the user."""
    from assess.services.history import patient_history
    from assess.services.signing import sign_toxin_session, toxin_signatures

    with db.read() as session:
        record = patient_history(session, mrn)
        signed = toxin_signatures(session, mrn)
    unsigned = [(t.date, t.product) for t in record.treatments
                if isinstance(t, ToxinSession) and (t.date, t.product) not in signed]
    if not unsigned:
        return "No unsigned toxin session to sign"
    chosen = unsigned_toxin_choice(parent, "Sign toxin session", unsigned)
    if chosen is None or not confirm_signing(parent, f"the {chosen[1]} session of {record.display_name} on "
                                                     f"{chosen[0]:%Y-%m-%d}"):
        return None
    try:
        with db.transaction() as session:
            signature = sign_toxin_session(session, mrn, *chosen)
    except AssessError as error:
        show_error(parent, "Session not signed", error)
        return None
    return f"{signed_line(signature.signed_by, None)}: the {chosen[1]} session of {chosen[0]:%Y-%m-%d}"


def toxin_addendum_in_window(parent: QWidget, db: Database, mrn: str) -> str | None:
    """Choose a signed toxin session, write the addendum. Returns what to tell the user."""
    from assess.services.signing import add_addendum, toxin_signatures

    with db.read() as session:
        signed = sorted(toxin_signatures(session, mrn))
    if not signed:
        return "No signed toxin session: an unsigned one is corrected directly"
    chosen = unsigned_toxin_choice(parent, "Addendum to a toxin session", signed)
    if chosen is None:
        return None
    answer = AddendumDialog.ask(parent, f"the {chosen[1]} session of {chosen[0]:%Y-%m-%d}")
    if answer is None:
        return None
    try:
        with db.transaction() as session:
            add_addendum(session, mrn, "toxin_session", chosen[0], chosen[1], answer[0])
    except AssessError as error:
        show_error(parent, "Addendum not added", error)
        return None
    return f"Addendum added to the {chosen[1]} session of {chosen[0]:%Y-%m-%d}"


def refuse_if_signed(parent: QWidget, db: Database, mrn: str, toxin: ToxinSession) -> bool:
    """Before a signed toxin session's dialog opens for a correction: say it is signed (True), not after."""
    from assess.services.signing import toxin_signatures

    with db.read() as session:
        signature = toxin_signatures(session, mrn).get((toxin.date, toxin.product))
    if signature is None:
        return False
    show_error(parent, "Signed session", SignedRecordError(
        f"the {toxin.product} session on {toxin.date} was signed by {signature.signed_by} and cannot be "
        "changed; add an addendum (Treatment → Toxin session addendum…)"))
    return True


def db_role(db: Database) -> str:
    """The logged-in user's role; single-user mode (no users) may do everything."""
    return db.actor.role if db.actor is not None else SINGLE_USER
