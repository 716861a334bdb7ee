"""The report's file dialog lists the database's folder; another program then works on the file; the save lands.

The real window, the real Qt file dialog (not the desktop's), the real `assess` command as the other
program and as the third process that reads back. Qt's dialog used to open the database file in this process
to guess its type, which dropped the process's locks: the other program then deleted the journal the window
was writing to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from exam_helpers import LAST_DATE, MRN, add_patient
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from samples import sample_document

from assess.reports.content import Clinic
from assess.services.clinic import set_clinic_letterhead
from assess.storage.db import open_database
from assess.ui.file_dialogs import NATIVE, NameOnlyIcons
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings
from assess.ui.visit_editor import VisitEditor

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks: Windows locks belong to a handle")


def _assess(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assess", "--db", url, *args], capture_output=True, text=True,
                          timeout=120, check=False)


def _when_shown(kind: type, act: Callable[[object], None]) -> None:
    """Answer the next modal window of that kind once it shows (the caller then starts it with exec)."""
    def poll() -> None:
        shown = QApplication.activeModalWidget()
        if not (isinstance(shown, kind) and shown.isVisible()):
            QTimer.singleShot(20, poll)
            return
        try:
            act(shown)
        except BaseException:
            shown.close()  # the failure is reported; the test does not hang in the dialog's loop
            raise
    QTimer.singleShot(0, poll)


def _list_every_file(dialog: QFileDialog, folder: Path, qtbot: QtBot) -> None:
    """Show the folder in the detail view, as a user looking for it would, and let the dialog fetch what it
    shows of each file (it does so for every file, also those its filter then hides)."""
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    loaded: list[str] = []
    model.directoryLoaded.connect(loaded.append)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.setDirectory(str(folder))
    qtbot.waitUntil(lambda: str(folder) in loaded, timeout=10_000)
    qtbot.wait(500)  # the file-information thread and the view's painting


def test_report_dialog_in_the_database_folder_then_another_program_then_save_lands(
        qtbot: QtBot, tmp_path: Path, db_url: str) -> None:
    """On SQLite the report goes beside the database file; on PostgreSQL the same sequence, for comparison."""
    sqlite = db_url.startswith("sqlite")
    folder = Path(db_url.removeprefix("sqlite:///")).parent if sqlite else tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    url = db_url
    db = open_database(url)
    add_patient(db)
    with db.transaction() as session:  # a report is headed with the clinic's name and phone (else it asks first)
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", phone="555-0199"))
    settings = Settings(tmp_path / "config" / "assess.ini")
    settings.clinician = "Dr K. Osei"
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # Ctrl+R acts in the active window
    qtbot.waitUntil(window.isActiveWindow)
    window.open_patient(MRN)
    editor = window.open_visit(LAST_DATE, "initial")  # the stored first exam
    assert isinstance(editor, VisitEditor)
    window.tabs.setCurrentIndex(0)

    source = tmp_path / "more.json"
    document = sample_document()
    document["patients"] = [p for p in document["patients"] if p["mrn"] != MRN]
    source.write_text(json.dumps(document), encoding="utf-8")

    def in_the_dialog(shown: object) -> None:
        assert isinstance(shown, QFileDialog)
        assert shown.testOption(QFileDialog.Option.DontUseNativeDialog) and not NATIVE
        assert isinstance(shown.iconProvider(), NameOnlyIcons)
        _list_every_file(shown, folder, qtbot)
        # While the dialog is open, another program writes to the file and ends (a nightly import, a backup).
        result = _assess(url, "import", str(source))
        assert result.returncode == 0, result.stderr
        # The window's locks held: the other program could not take the file for itself at its end.
        assert (folder / "assess.db-wal").exists() or not sqlite
        name = shown.findChild(QLineEdit)
        assert name is not None
        name.setText(str(folder / "letter.pdf"))  # the report goes beside the database
        _when_shown(QMessageBox, lambda box: box.reject())  # "Open it?" — no
        shown.accept()

    _when_shown(QFileDialog, in_the_dialog)
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Report written" in window.statusBar().currentMessage(), timeout=20_000)
    assert (folder / "letter.pdf").read_bytes().startswith(b"%PDF")

    window.tabs.setCurrentWidget(editor)
    editor.model.setData(editor.model.index_of(("hip_adductors", "left", "mas")), "3")
    assert editor.save()
    assert editor.status.text().startswith("Saved")
    shown = _assess(url, "export", "--patient", MRN, "--out", "-")  # a third process reads it back
    assert shown.returncode == 0, shown.stderr
    [patient] = json.loads(shown.stdout)["patients"]
    [visit] = [v for v in patient["visits"] if v["type"] == "initial"]
    [finding] = [f for f in visit["findings"] if (f["muscle_group"], f["side"]) == ("hip_adductors", "left")]
    assert finding["mas"] == "3"
    window.close()
    db.close()


def test_qt_s_own_icons_are_what_dropped_the_locks(qtbot: QtBot, tmp_path: Path) -> None:
    """The cause, kept in view: the same listing with Qt's default icons lets another program delete the journal
    of a live connection (so the test above would fail without assess's icons)."""
    folder = tmp_path / "clinic"
    url = f"sqlite:///{folder / 'assess.db'}"
    db = open_database(url)
    add_patient(db, history=False)
    dialog = QFileDialog(None, "Export report", str(tmp_path), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    _list_every_file(dialog, folder, qtbot)
    dialog.close()
    assert _assess(url, "patients").returncode == 0
    assert not (folder / "assess.db-wal").exists()
    db.close()
