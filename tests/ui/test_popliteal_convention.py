"""The popliteal angle typed in the clinic's convention (issue 13, item 14): held as the format's angle with the
finding's convention, so better and worse are never reversed, and shown back as it was typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from exam_helpers import MRN, TODAY, add_patient, drafts_in, type_keys
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from assess.record.domain import Finding, Visit
from assess.services.clinic import set_popliteal_convention
from assess.services.history import patient_history
from assess.services.visits import record_visit
from assess.storage.db import Database
from assess.ui.exam_grid import ExamGrid
from assess.ui.exam_model import CHANGE_ROLE, HELP_ROLE, PROM_L, ExamGridModel
from assess.ui.visit_editor import VisitEditor

LAST = dt.date(2025, 3, 2)
# Last visit: a popliteal angle of 150° (the format's convention), i.e. 30° short of full knee extension.
BEFORE = (Finding("knee_flexors", "left", mas="1", prom=150.0),)
KNEE_PROM = ("knee_flexors", "left", "prom")
DISPLAY = Qt.ItemDataRole.DisplayRole


def _grid(qtbot: QtBot, convention: str | None) -> ExamGrid:
    model = ExamGridModel("lower")
    model.popliteal_convention = convention
    model.set_last_visit(BEFORE, LAST)
    grid = ExamGrid(model, QUndoStack())
    qtbot.addWidget(grid)
    qtbot.addWidget(grid.help_line)
    grid.resize(1100, 700)
    grid.show()
    grid.go_to(KNEE_PROM)
    return grid


# The arrow follows the number shown (assess.scoring.arrows): the popliteal angle went down, the degrees short of
# extension went up; the word says worse either way.
@pytest.mark.parametrize(("convention", "typed", "mark"), [(None, "140", "▼"), ("extension_deficit", "40", "▲")])
def test_a_tighter_hamstring_typed_in_either_convention_is_held_alike_and_marked_worse(
        qtbot: QtBot, convention: str | None, typed: str, mark: str) -> None:
    """Popliteal angle 150° then 140° = 30° then 40° short of extension: the same, tighter knee, worse."""
    grid = _grid(qtbot, convention)
    type_keys(grid, [*typed, Qt.Key.Key_Return])
    (finding,) = grid.exam.findings()
    assert (finding.prom, finding.angle_convention) == (140.0, convention)
    index = grid.exam.index_of(KNEE_PROM)
    assert index.data(DISPLAY) == f"{typed}° {mark}"  # shown as typed, the arrow of the number shown
    assert index.data(CHANGE_ROLE) == "worse"


@pytest.mark.parametrize(("convention", "typed", "held", "mark"),
                         [(None, "165", 165.0, "▲"), ("extension_deficit", "15", 165.0, "▼")])
def test_a_looser_hamstring_typed_in_either_convention_is_marked_better(
        qtbot: QtBot, convention: str | None, typed: str, held: float, mark: str) -> None:
    grid = _grid(qtbot, convention)
    type_keys(grid, [*typed, Qt.Key.Key_Return])
    assert grid.exam.findings()[0].prom == held
    assert grid.exam.index_of(KNEE_PROM).data(DISPLAY) == f"{typed}° {mark}"
    assert grid.exam.index_of(KNEE_PROM).data(CHANGE_ROLE) == "better"


def test_the_help_line_and_the_column_tooltip_name_the_convention(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "extension_deficit")
    assert "degrees short of full extension (larger = tighter)" in grid.help_line.text()
    assert "Larger means a less tight muscle" not in grid.help_line.text()
    # The last visit's 150° popliteal angle is offered in the clinic's convention: 30° short of extension.
    assert grid.exam.previous_value(KNEE_PROM) == 30.0
    tip = grid.exam.headerData(PROM_L, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "knee flexors typed as degrees short of full extension" in tip
    ankle = grid.exam.index_of(("plantarflexors_knee_extended", "left", "prom"))
    assert "Larger means a less tight muscle" in ankle.data(HELP_ROLE)  # other joints keep the format's words


def test_a_finding_is_shown_in_its_own_convention_whatever_the_clinic_uses_now(qtbot: QtBot) -> None:
    """Measured as 40° short of extension, then the clinic changed its setting: still 40°, still editable so."""
    grid = _grid(qtbot, None)
    grid.exam.load([Finding("knee_flexors", "left", prom=140.0, angle_convention="extension_deficit")])
    assert grid.exam.index_of(KNEE_PROM).data(DISPLAY) == "40° ▲"
    assert "as this exam measured it" in grid.exam.index_of(KNEE_PROM).data(HELP_ROLE)
    grid.go_to(("knee_flexors", "left", "tardieu_r1"))
    type_keys(grid, ["7", "0", Qt.Key.Key_Return])  # typed in the row's convention: 70° short of extension
    (finding,) = grid.exam.findings()
    assert (finding.prom, finding.tardieu_r1, finding.angle_convention) == (140.0, 110.0, "extension_deficit")
    right = grid.exam.index_of(("knee_flexors", "right", "prom"))
    grid.setCurrentIndex(right)
    type_keys(grid, ["1", "5", "0", Qt.Key.Key_Return])  # a new row takes the clinic's convention
    assert grid.exam.findings()[1] == Finding("knee_flexors", "right", prom=150.0)


def test_an_impossible_deficit_is_refused_in_the_conventions_words(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "extension_deficit")
    type_keys(grid, ["-", "5", Qt.Key.Key_Return])
    assert grid.exam.findings() == ()
    assert "-5° short of full extension is out of range 0 to 360°" in grid.help_line.text()


def test_undo_restores_the_angle_as_typed(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "extension_deficit")
    type_keys(grid, ["4", "0", Qt.Key.Key_Return])
    grid.go_to(KNEE_PROM)
    type_keys(grid, [Qt.Key.Key_Delete])
    assert grid.exam.findings() == ()
    grid.stack.undo()
    assert grid.exam.findings()[0].prom == 140.0
    assert grid.exam.index_of(KNEE_PROM).data(DISPLAY) == "40° ▲"


def test_the_clinics_convention_is_stored_with_the_finding_and_shown_back(qtbot: QtBot, database: Database,
                                                                          tmp_path: Path) -> None:
    add_patient(database, history=False)
    with database.transaction() as session:
        record_visit(session, MRN, Visit(LAST, "initial", "Dr K. Osei", findings=BEFORE))
        set_popliteal_convention(session, "extension_deficit")
    editor = VisitEditor(database, MRN, TODAY, "follow_up", "Dr K. Osei", drafts_in(tmp_path))
    qtbot.addWidget(editor)
    editor.show()
    editor.grid.go_to(KNEE_PROM)
    type_keys(editor.grid, ["4", "0", Qt.Key.Key_Return])
    assert editor.save()
    with database.transaction() as session:
        stored = next(v for v in patient_history(session, MRN).visits if v.date == TODAY)
    assert stored.findings == (Finding("knee_flexors", "left", prom=140.0, angle_convention="extension_deficit"),)
    with database.transaction() as session:
        set_popliteal_convention(session, None)  # a later change of the setting does not re-read old findings
    again = VisitEditor(database, MRN, TODAY, "follow_up", "Dr K. Osei", drafts_in(tmp_path))
    qtbot.addWidget(again)
    assert again.model.index_of(KNEE_PROM).data(DISPLAY) == "40° ▲"
    assert again.model.index_of(KNEE_PROM).data(CHANGE_ROLE) == "worse"


def test_an_autosaved_exam_comes_back_in_the_convention_it_was_typed_in(qtbot: QtBot, tmp_path: Path) -> None:
    """A crash after typing 40° short of extension: the draft restores 40°, held as 140° with its convention."""
    from assess.storage.db import open_database

    db = open_database(f"sqlite:///{tmp_path}/a.db")
    try:
        add_patient(db, history=False)
        with db.transaction() as session:
            record_visit(session, MRN, Visit(LAST, "initial", "Dr K. Osei", findings=BEFORE))
            set_popliteal_convention(session, "extension_deficit")
        drafts = drafts_in(tmp_path)
        editor = VisitEditor(db, MRN, TODAY, "follow_up", "Dr K. Osei", drafts)
        qtbot.addWidget(editor)
        editor.grid.go_to(KNEE_PROM)
        type_keys(editor.grid, ["4", "0", Qt.Key.Key_Return])
        assert editor.save_draft()
        with db.transaction() as session:
            set_popliteal_convention(session, None)
        draft = drafts.load(MRN, TODAY, "follow_up")
        assert draft is not None
        restored = VisitEditor(db, MRN, TODAY, "follow_up", "Dr K. Osei", drafts)
        qtbot.addWidget(restored)
        restored.restore(draft)
        assert restored.model.index_of(KNEE_PROM).data(DISPLAY) == "40° ▲"
        assert restored.visit().findings[0] == Finding("knee_flexors", "left", prom=140.0,
                                                       angle_convention="extension_deficit")
    finally:
        db.close()
