"""Export report…: builds the PDF off the window's thread, with progress, then offers to open it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from assess.record.errors import AssessError
from assess.reports.content import Clinic
from assess.services.clinic import clinic_letterhead, letterhead_missing, set_clinic_letterhead
from assess.storage.db import Database, is_database_file
from assess.storage.files import write_atomically
from assess.ui.file_dialogs import ask_save_file
from assess.ui.messages import show_error


class LetterheadDialog(QDialog):
    """Asked before the first report: the clinic's name and phone head every report (the rest is optional)."""

    def __init__(self, parent: QWidget | None, letterhead: Clinic) -> None:
        super().__init__(parent)
        self.setWindowTitle("The clinic's letterhead")
        layout = QVBoxLayout(self)
        intro = QLabel("Every report is headed with the clinic's name and phone, for the primary care doctor. "
                       "They are kept for every workstation of this clinic (Clinic settings changes them).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name, self.phone, self.address, self.fax = (QLineEdit(v) for v in (
            letterhead.name, letterhead.phone, letterhead.address, letterhead.fax))
        self.paper = QComboBox()
        self.paper.addItem("US Letter", "letter")
        self.paper.addItem("A4", "a4")
        self.paper.setCurrentIndex(max(0, self.paper.findData(letterhead.paper)))
        for label, widget in (("Clinic name", self.name), ("Phone", self.phone), ("Address", self.address),
                              ("Fax", self.fax), ("Paper", self.paper)):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for field in (self.name, self.phone):
            field.textChanged.connect(self._allow_save)
        self._allow_save()

    def _allow_save(self) -> None:
        complete = bool(self.name.text().strip() and self.phone.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(complete)

    def letterhead(self) -> Clinic:
        return Clinic(self.name.text().strip(), self.address.text().strip(), self.phone.text().strip(),
                      self.fax.text().strip(), str(self.paper.currentData()))

    @classmethod
    def ask(cls, parent: QWidget | None, letterhead: Clinic) -> Clinic | None:
        dialog = cls(parent, letterhead)
        return dialog.letterhead() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ensure_letterhead(parent: QWidget, db: Database) -> bool:
    """True when the clinic's name and phone are set, asking for them first when they are not."""
    with db.read() as session:
        seen = clinic_letterhead(session)
    if not letterhead_missing(seen):
        return True
    chosen = LetterheadDialog.ask(parent, seen)
    if chosen is None:
        return False
    try:
        with db.transaction() as session:
            set_clinic_letterhead(session, chosen, expected=seen)
    except AssessError as error:
        show_error(parent, "Letterhead not saved", error)
        return False
    return not letterhead_missing(chosen)


class ReportWorker(QThread):
    """Reads the record and writes the PDF; reportlab is imported here, on first use, not at start."""

    written = Signal(str, bool)  # path, draft
    failed = Signal(str)

    def __init__(self, db: Database, mrn: str, out: Path, today: dt.date) -> None:
        super().__init__()
        self._db, self._mrn, self._out, self._today = db, mrn, out, today

    def run(self) -> None:
        if is_database_file(self._db.url, self._out):
            self.failed.emit(f"{self._out} is the database itself: the report written there would replace every "
                             "record; choose another file")
            return
        try:
            from assess.reports.pdf import report_bytes
            from assess.services.reads import recorded_report
            from assess.services.report import patient_report, reported_visit_key

            with self._db.read() as session:
                content = patient_report(session, self._mrn, self._today)
                key = reported_visit_key(session, self._mrn)
            pdf = report_bytes(content)
            with recorded_report(self._db, self._mrn, key, self._out):  # audited once the PDF is written
                write_atomically(self._out, pdf)
            self.written.emit(str(self._out), content.draft)
        except Exception as error:  # a sentence in the window; nothing half-written (atomic write)
            self.failed.emit(str(error))


def choose_report_file(parent: QWidget, mrn: str) -> Path | None:
    name, _ = ask_save_file(parent, "Export report", Path.home() / f"assess-report-{mrn}.pdf", "PDF (*.pdf)")
    if not name:
        return None
    return Path(name if name.lower().endswith(".pdf") else name + ".pdf")


def offer_to_open(parent: QWidget, path: str, draft: bool) -> None:
    note = "\n\nThe visit is not signed: every page is marked DRAFT." if draft else ""
    answer = QMessageBox.question(parent, "Report written", f"The report was written to\n{path}{note}\n\nOpen it?")
    if answer == QMessageBox.StandardButton.Yes:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def progress_dialog(parent: QWidget) -> QProgressDialog:
    progress = QProgressDialog("Building the report…", "", 0, 0, parent)
    progress.setCancelButton(None)  # a report takes a second or two; nothing to cancel
    progress.setWindowTitle("Export report")
    progress.setMinimumDuration(300)
    return progress


def start_report(parent: QWidget, db: Database, mrn: str, say: Callable[[str], None],
                 failed: Callable[[str], None]) -> ReportWorker | None:
    """Export report…: the letterhead first (asked once), then the file, then the PDF built off the window's
    thread with progress; `say` reports where it was written, `failed` why not. None when nothing was started."""
    if not ensure_letterhead(parent, db):
        return None
    out = choose_report_file(parent, mrn)
    if out is None:
        return None
    progress = progress_dialog(parent)
    worker = ReportWorker(db, mrn, out, dt.date.today())

    def written(path: str, draft: bool) -> None:
        progress.close()
        say(f"Report written to {path} {dt.datetime.now():%H:%M:%S}")
        offer_to_open(parent, path, draft)

    def not_written(message: str) -> None:
        progress.close()
        failed(message)

    worker.written.connect(written)
    worker.failed.connect(not_written)
    worker.start()
    return worker
