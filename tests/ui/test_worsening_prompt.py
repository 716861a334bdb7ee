"""Worsening in the visit editor: the line that names what got worse, and the trigger checklist at save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from exam_helpers import MRN, TODAY, add_patient, drafts_in, type_keys
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from assess.record.domain import TRIGGERS, Visit
from assess.scoring.change import MasWorsening, Worsening
from assess.services.history import patient_history
from assess.storage.db import Database, open_database
from assess.ui.visit_editor import VisitEditor
from assess.ui.worsening_prompt import TriggerDialog


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(f"sqlite:///{tmp_path}/a.db")
    add_patient(database)  # the last exam: knee flexors left MAS 1, Penn frequency 2
    yield database  # type: ignore[misc]
    database.close()


def _editor(qtbot: QtBot, db: Database, tmp_path: Path) -> VisitEditor:
    editor = VisitEditor(db, MRN, TODAY, "follow_up", "Dr K. Osei", drafts_in(tmp_path))
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    return editor


def _grade(editor: VisitEditor, group: str, side: str, keys: list[str]) -> None:
    editor.grid.setCurrentIndex(editor.model.index_of((group, side, "mas")))
    type_keys(editor.grid, keys)


def _answer(editor: VisitEditor, act: Callable[[TriggerDialog], None]) -> list[TriggerDialog]:
    """Answers the real trigger dialog as a clinician would, instead of waiting in its event loop."""
    asked: list[TriggerDialog] = []

    def ask(dialog: QDialog) -> int:
        assert isinstance(dialog, TriggerDialog)
        asked.append(dialog)
        act(dialog)
        return dialog.result()

    editor.ask = ask  # type: ignore[method-assign]
    return asked


def _stored(db: Database) -> Visit | None:
    with db.transaction() as session:
        record = patient_history(session, MRN)
    return next((v for v in record.visits if v.key == (TODAY, "follow_up")), None)


def test_the_line_names_each_group_that_got_worse_as_it_is_typed(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    editor = _editor(qtbot, db, tmp_path)
    line = editor.worsening_line
    assert line.isHidden()
    _grade(editor, "knee_flexors", "left", ["3"])
    qtbot.waitUntil(line.isVisible)  # a moment after the typing stops
    assert line.text().startswith(
        "▲ Worse: left knee flexors (hamstrings) MAS 3, reference 1 (exams to 2025-03-02). Look for a trigger")
    assert editor.worsening_rule.isVisible() and "median of its last 4 exams" in editor.worsening_rule.text()
    _grade(editor, "hip_adductors", "left", ["1"])  # 1+ → 1 is better: not named
    editor.details.triggers.boxes["uti"].click()
    qtbot.waitUntil(lambda: line.text().endswith("1 trigger(s) ticked."))
    assert "hip adductors" not in line.text()
    editor.undo()
    editor.undo()
    editor.undo()
    qtbot.waitUntil(line.isHidden)  # undone: nothing worse any more


def test_saving_worsening_without_a_trigger_asks_the_checklist_and_keeps_what_is_ticked(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    editor = _editor(qtbot, db, tmp_path)
    _grade(editor, "knee_flexors", "left", ["3"])

    def tick_constipation(dialog: TriggerDialog) -> None:
        assert not dialog.save_with.isEnabled()  # nothing ticked yet: the choice is none found, or back
        dialog.checklist.boxes["constipation"].click()
        dialog.save_with.click()

    asked = _answer(editor, tick_constipation)
    assert editor.save()
    assert len(asked) == 1
    stored = _stored(db)
    assert stored is not None and stored.triggers == ("constipation",)
    assert editor.details.value("triggers") == ("constipation",)  # the editor shows it ticked too


def test_back_to_the_exam_saves_nothing(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    editor = _editor(qtbot, db, tmp_path)
    _grade(editor, "knee_flexors", "left", ["3"])
    _answer(editor, lambda dialog: dialog.back.click())
    assert not editor.save()
    assert _stored(db) is None
    assert editor.dirty


def test_no_trigger_found_saves_and_is_not_asked_again(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    editor = _editor(qtbot, db, tmp_path)
    _grade(editor, "knee_flexors", "left", ["3"])
    asked = _answer(editor, lambda dialog: dialog.none_found.click())
    assert editor.save()
    stored = _stored(db)
    assert stored is not None and stored.triggers == ()
    editor.scores.weight.setText("23.0")
    editor.scores.weight.editingFinished.emit()
    assert editor.save()
    assert len(asked) == 1  # the same worsening is not asked twice


def test_no_worsening_saves_without_a_question(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    editor = _editor(qtbot, db, tmp_path)
    _grade(editor, "knee_flexors", "left", ["1"])
    asked = _answer(editor, lambda dialog: dialog.back.click())
    assert editor.save()
    assert asked == []
    assert _stored(db) is not None


def test_the_dialog_names_the_worsening_and_lists_every_trigger(qtbot: QtBot) -> None:
    flag = Worsening((MasWorsening("hip_adductors", "right", "1+", "3", dt.date(2025, 1, 2), 2),), 1, 3)
    dialog = TriggerDialog(flag, ())
    qtbot.addWidget(dialog)
    assert set(dialog.checklist.boxes) == set(TRIGGERS)
    intro = next(w for w in dialog.findChildren(QLabel) if "own reference" in w.text())
    assert "right hip adductors MAS 3, reference 1+ (exams to 2025-01-02); Penn spasm frequency 3, reference 1" \
        in intro.text()
