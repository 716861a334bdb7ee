"""SQLite's check of the whole database file, run beside the window's start.

The check reads every page (about 5 ms per MB: over a second for a large clinic's file); SQLite does it
without Python's interpreter lock, on the other core, while the window opens. A damaged file is then
said in a message and assess closes, before anything is typed into it.
"""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from assess.record.errors import AssessError
from assess.storage.db import Database


class FileCheck(QThread):
    failed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.damaged = False

    def run(self) -> None:
        try:
            self.db.check_file()
        except AssessError as error:
            self.damaged = True
            self.failed.emit(str(error))


def check_beside_start(db: Database, window: QWidget) -> FileCheck:
    """Starts the check; when it fails, the window says so and assess ends with exit status 1."""
    check = FileCheck(db, window)

    def damaged(message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, "assess cannot open the database", message, parent=window)
        box.setObjectName("database_error")
        box.exec()
        window.hide()  # nothing more is shown of it (hide: closing the last window would post a quit that lingers)
        QApplication.exit(1)  # run_window then deletes the window (end_after_damage)

    check.failed.connect(damaged)
    check.start()
    return check


def end_after_damage(window: QWidget, check: FileCheck) -> None:
    """After the event loop: a window whose database is damaged is deleted at once, with every timer and
    child it holds, so nothing of it acts later (the process may go on: a test, an embedding program)."""
    import shiboken6

    check.wait()
    if check.damaged:
        shiboken6.delete(window)
