"""Export for EHR…: the open patient's FHIR R4 Bundle with the latest letter, built off the window's thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QWidget

from assess.record.errors import AssessError
from assess.storage.db import Database, is_database_file
from assess.storage.files import write_chunks_atomically
from assess.ui.file_dialogs import ask_save_file
from assess.ui.messages import show_error

_RUNNING: set[EhrExportWorker] = set()  # a running thread's Python object must outlive the function that started it


class EhrExportWorker(QThread):
    """Reads the record, builds the letter's PDF (reportlab loads here, on first use) and writes the Bundle."""

    written = Signal(str, str)  # path, what was written
    failed = Signal(str)

    def __init__(self, db: Database, mrn: str, out: Path, today: dt.date) -> None:
        super().__init__()
        self._db, self._mrn, self._out, self._today = db, mrn, out, today

    def run(self) -> None:
        if is_database_file(self._db.url, self._out):
            self.failed.emit(f"{self._out} is the database itself: the Bundle written there would replace every "
                             "record; choose another file")
            return
        try:
            from assess.services.fhir import audited_letters, export_fhir
            from assess.services.reads import recorded_fhir_export

            with self._db.read() as session:
                export = export_fhir(session, [self._mrn], with_letters=True, today=self._today)
            with recorded_fhir_export(self._db, [self._mrn], audited_letters(export), self._out):  # once written
                write_chunks_atomically(self._out, export.chunks())
            letter = export.letters.get(self._mrn)
            what = (f"with the letter of {letter.visit_date.isoformat()}" if letter is not None
                    else "without a letter (no visit yet)")
            self.written.emit(str(self._out), what)
        except Exception as error:  # a sentence in the window; nothing half-written (atomic write)
            self.failed.emit(str(error))


def choose_bundle_file(parent: QWidget, mrn: str) -> Path | None:
    # The dialog of file_dialogs never opens the files it lists (the database beside them stays locked).
    name, _ = ask_save_file(parent, "Export for EHR", Path.home() / f"assess-fhir-{mrn}.json", "FHIR R4 JSON (*.json)")
    if not name:
        return None
    return Path(name if name.lower().endswith(".json") else name + ".json")


def export_for_ehr(parent: QWidget, db: Database, mrn: str | None, say: Callable[[str], None]) -> None:
    """The open patient's FHIR R4 Bundle (Patient, visits, treatments, goals, the latest letter as a PDF)."""
    if mrn is None:
        say("Open a patient first (Ctrl+F to search).")
        return
    from assess.ui.report_export import ensure_letterhead

    if not ensure_letterhead(parent, db):  # the letter travels with the Bundle: it needs the clinic's letterhead
        return
    out = choose_bundle_file(parent, mrn)
    if out is None:
        return
    say("Writing the FHIR Bundle for the EHR…")
    worker = EhrExportWorker(db, mrn, out, dt.date.today())
    _RUNNING.add(worker)
    worker.finished.connect(lambda: _RUNNING.discard(worker))
    worker.written.connect(lambda path, what: say(f"FHIR R4 Bundle for the EHR written to {path}, {what}"))
    worker.failed.connect(lambda message: show_error(parent, "FHIR Bundle not written", AssessError(message)))
    worker.start()
