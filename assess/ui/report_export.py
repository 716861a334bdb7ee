"""Export report…: builds the PDF off the window's thread, with progress, then offers to open it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from assess.storage.db import Database
from assess.storage.files import write_atomically


class ReportWorker(QThread):
    """Reads the record and writes the PDF; reportlab is imported here, on first use, not at start."""

    written = Signal(str, bool)  # path, draft
    failed = Signal(str)

    def __init__(self, db: Database, mrn: str, out: Path, today: dt.date) -> None:
        super().__init__()
        self._db, self._mrn, self._out, self._today = db, mrn, out, today

    def run(self) -> None:
        try:
            from assess.reports.pdf import report_bytes
            from assess.services.reads import recorded_report
            from assess.services.report import patient_report, reported_visit_key

            with self._db.transaction() as session:
                content = patient_report(session, self._mrn, self._today)
                key = reported_visit_key(session, self._mrn)
            pdf = report_bytes(content)
            with recorded_report(self._db, self._mrn, key, self._out):  # audited once the PDF is written
                write_atomically(self._out, pdf)
            self.written.emit(str(self._out), content.draft)
        except Exception as error:  # a sentence in the window; nothing half-written (atomic write)
            self.failed.emit(str(error))


def choose_report_file(parent: QWidget, mrn: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Export report", str(Path.home() / f"assess-report-{mrn}.pdf"),
                                          "PDF (*.pdf)")
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
