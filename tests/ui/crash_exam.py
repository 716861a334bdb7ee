"""Run by test_crash_restore in its own process: type part of an exam, report once autosaved, wait to be killed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from exam_helpers import MRN, TODAY, type_keys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from assess.storage.db import open_database
from assess.storage.drafts import DraftStore
from assess.ui.exam_model import PROM_L
from assess.ui.visit_editor import VisitEditor

# What the clinician types: MAS of the first three lower-limb groups (one a 1+), a PROM angle, a pain score.
KEYS: list[str | Qt.Key] = ["2", "1", "+", "3", "0", "1", "4"]


def main(db_url: str, drafts_folder: str) -> None:
    app = QApplication(sys.argv[:1])
    drafts = DraftStore(Path(drafts_folder))
    editor = VisitEditor(open_database(db_url), MRN, TODAY, "follow_up", "Dr K. Osei", drafts)
    editor.resize(1280, 800)
    editor.show()
    type_keys(editor.grid, KEYS)
    editor.grid.setCurrentIndex(editor.model.index_of(("knee_flexors", "left", "prom")))
    assert editor.grid.currentIndex().column() == PROM_L
    type_keys(editor.grid, ["-", "4", "5", Qt.Key.Key_Return])
    editor.scores.combos["pain_nrs"].setCurrentIndex(editor.scores.combos["pain_nrs"].findData(6))
    typed = editor.visit()

    def report_when_autosaved() -> None:
        draft = drafts.load(MRN, TODAY, "follow_up")
        if draft is not None and draft.visit == typed:
            print("typed", flush=True)  # the parent now kills this process, as a power cut would
            return
        QTimer.singleShot(50, report_when_autosaved)

    report_when_autosaved()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
