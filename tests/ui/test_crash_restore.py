"""Nothing typed is lost: a real process typing an exam is killed (SIGKILL); its autosaved draft restores it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from exam_helpers import MRN, TODAY, add_patient
from pytestqt.qtbot import QtBot

from assess.record.domain import Finding
from assess.storage.db import open_database
from assess.storage.drafts import DraftStore
from assess.ui.visit_editor import VisitEditor

SCRIPT = Path(__file__).with_name("crash_exam.py")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_an_exam_typed_before_a_crash_is_restored(qtbot: QtBot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/assess.db"
    db = open_database(url)
    add_patient(db)
    folder = tmp_path / "drafts"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, str(SCRIPT), url, str(folder)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the draft holds what was typed
        assert line.strip() == "typed", process.stderr.read() if process.stderr else ""
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    [draft] = DraftStore(folder).load_all()
    expected = (
        Finding("hip_flexors", "left", mas="2"), Finding("hip_flexors", "right", mas="1+"),
        Finding("hip_adductors", "left", mas="3"), Finding("hip_adductors", "right", mas="0"),
        Finding("knee_flexors", "left", mas="1", prom=-45.0), Finding("knee_flexors", "right", mas="4"),
    )
    assert draft.mrn == MRN and draft.visit.findings == expected
    assert draft.visit.scores.pain_nrs == 6

    editor = VisitEditor(db, MRN, TODAY, "follow_up", "Dr K. Osei", DraftStore(folder))
    qtbot.addWidget(editor)
    editor.restore(draft)
    assert editor.model.findings() == expected
    assert editor.model.index_of(("knee_flexors", "left", "prom")).data() == "-45° ▼"
    assert editor.scores.combos["pain_nrs"].value() == 6
    assert editor.dirty and "Restored" in editor.banner.text()
    db.close()
