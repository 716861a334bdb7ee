"""The exam grid from the keyboard: one keystroke per grade, the exam's order, refusals shown, undo."""

from __future__ import annotations

import pytest
from exam_helpers import LAST_DATE, LAST_VISIT, type_keys
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from assess.record.domain import Finding
from assess.scoring.muscles import MUSCLE_GROUPS
from assess.scoring.scales import MAS, REFLEX, TARDIEU_R1, TARDIEU_X
from assess.ui.exam_grid import HOLD_MS, ExamGrid
from assess.ui.exam_model import MAS_L, MAS_R, MRC_L, PROM_L, R1_L, REFLEX_L, TARDIEU_X_L, ExamGridModel

ALL_GROUPS = [g.code for g in MUSCLE_GROUPS]


def _grid(qtbot: QtBot, template: str = "both", last: bool = False) -> ExamGrid:
    model = ExamGridModel(template)
    if last:
        model.set_last_visit(LAST_VISIT.findings, LAST_DATE)
    grid = ExamGrid(model, QUndoStack())
    qtbot.addWidget(grid)
    qtbot.addWidget(grid.help_line)  # laid out by the editor; on its own here
    grid.resize(1100, 700)
    grid.show()
    grid.start()
    return grid


def _mas(grid: ExamGrid) -> list[tuple[str, str, str | None]]:
    return [(f.muscle_group, f.side, f.mas) for f in grid.exam.findings()]


def _cell(grid: ExamGrid) -> tuple[str, str, str]:
    return grid.exam.key_at(grid.currentIndex())


def test_a_full_bilateral_mas_exam_is_one_keystroke_per_grade(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    assert _cell(grid) == ("shoulder_adductors", "left", "mas")  # ready: no keystroke to start
    # A 1 is kept by the next grade; the last grade is not a 1 (that one waits: tested below).
    grades = (["0", "1", "2", "3", "4", "1", "1", "2"] * 5)[:33] + ["4"]
    keystrokes = type_keys(grid, grades)
    assert keystrokes == 34  # (its speed is measured in benchmarks/ui.py, not here)
    expected = [(group, side, grades[2 * i + (side == "right")]) for i, group in enumerate(ALL_GROUPS)
                for side in ("left", "right")]
    assert _mas(grid) == expected
    assert _cell(grid) == ("great_toe_extensor", "right", "mas")  # the last cell: the cursor stays
    assert "last MAS cell" in grid.help_line.text()


def test_one_plus_is_two_keystrokes_and_moves_on(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    assert type_keys(grid, ["1", "+", "2", "1", "+"]) == 5
    assert _mas(grid) == [("shoulder_adductors", "left", "1+"), ("shoulder_adductors", "right", "2"),
                          ("shoulder_internal_rotators", "left", "1+")]
    assert _cell(grid) == ("shoulder_internal_rotators", "right", "mas")


def test_one_plus_typed_with_shift_as_on_a_real_keyboard(qtbot: QtBot) -> None:
    """On most keyboards '+' is Shift and '=': the Shift press alone must not end the waiting 1."""
    grid = _grid(qtbot)
    qtbot.keyClick(grid, Qt.Key.Key_1)
    qtbot.keyPress(grid, Qt.Key.Key_Shift)
    qtbot.keyClick(grid, Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyRelease(grid, Qt.Key.Key_Shift)
    qtbot.keyClick(grid, Qt.Key.Key_2)
    assert _mas(grid) == [("shoulder_adductors", "left", "1+"), ("shoulder_adductors", "right", "2")]


def test_a_lone_one_is_kept_after_the_timeout_and_the_cursor_moves(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, ["1"])
    assert grid.exam.findings() == ()  # still waiting for a possible +
    assert grid.currentIndex().data() == "1…"
    assert "+ for 1+" in grid.help_line.text()
    qtbot.wait(HOLD_MS + 250)
    assert _mas(grid) == [("shoulder_adductors", "left", "1")]
    assert _cell(grid) == ("shoulder_adductors", "right", "mas")
    qtbot.wait(HOLD_MS)  # nothing more happens
    assert _cell(grid) == ("shoulder_adductors", "right", "mas")


def test_a_movement_key_after_one_keeps_it_and_moves_from_its_cell(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, ["1", Qt.Key.Key_Down])
    assert _mas(grid) == [("shoulder_adductors", "left", "1")]
    assert _cell(grid) == ("shoulder_internal_rotators", "left", "mas")
    type_keys(grid, ["1", Qt.Key.Key_Escape])  # Esc takes the waiting 1 back
    qtbot.wait(HOLD_MS + 100)
    assert len(grid.exam.findings()) == 1


def test_mrc_four_waits_for_minus_or_plus(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    grid.setCurrentIndex(grid.exam.index(0, MRC_L))
    type_keys(grid, ["4", "-", "4", "+", "4", "5"])
    assert [(f.muscle_group, f.side, f.mrc) for f in grid.exam.findings()] == [
        ("shoulder_adductors", "left", "4-"), ("shoulder_adductors", "right", "4+"),
        ("shoulder_internal_rotators", "left", "4"), ("shoulder_internal_rotators", "right", "5")]


def test_reflex_three_is_three_plus_at_once(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    grid.setCurrentIndex(grid.exam.index(0, REFLEX_L))
    type_keys(grid, ["3", "0", "1"])
    assert [f.reflex for f in grid.exam.findings()] == ["3+", "0", "1+"]
    type_keys(grid, [Qt.Key.Key_Left])
    assert REFLEX.meaning("1+") in grid.help_line.text()


def test_an_invalid_key_is_refused_with_a_hint_and_changes_nothing(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, ["7"])
    assert "'7' is not a Modified Ashworth grade: 0, 1, 1+, 2, 3, 4" in grid.help_line.text()
    assert grid.exam.findings() == () and _cell(grid) == ("shoulder_adductors", "left", "mas")
    assert grid.stack.count() == 0
    type_keys(grid, ["+", "x"])
    assert grid.exam.findings() == () and grid.stack.count() == 0
    type_keys(grid, ["2"])  # the next good grade clears the hint
    assert "⚠" not in grid.help_line.text()
    grid.setCurrentIndex(grid.exam.index(0, TARDIEU_X_L))
    type_keys(grid, ["6"])
    assert "'6' is not a Tardieu X grade: 0, 1, 2, 3, 4, 5" in grid.help_line.text()


def test_the_help_line_shows_the_exact_wording_of_the_current_grade(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, ["3", Qt.Key.Key_Left])
    assert MAS.meaning("3") in grid.help_line.text()
    assert "1+: 1 then + (a lone 1 is kept after 0.7 s or at the next key)" in grid.help_line.text()
    grid.setCurrentIndex(grid.exam.index(0, TARDIEU_X_L))
    type_keys(grid, ["2", Qt.Key.Key_Left])
    assert TARDIEU_X.meaning("2") in grid.help_line.text()
    grid.setCurrentIndex(grid.exam.index(0, R1_L))
    assert TARDIEU_R1.help in grid.help_line.text()


def test_delete_and_backspace_clear_and_undo_brings_back(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, ["2", "3", Qt.Key.Key_Up, Qt.Key.Key_Delete])
    assert _mas(grid) == [("shoulder_adductors", "right", "3")]
    type_keys(grid, [Qt.Key.Key_Right, Qt.Key.Key_Backspace])
    assert grid.exam.findings() == ()
    grid.stack.undo()
    grid.stack.undo()
    assert _mas(grid) == [("shoulder_adductors", "left", "2"), ("shoulder_adductors", "right", "3")]
    assert _cell(grid) == ("shoulder_adductors", "left", "mas")  # undo shows the cell it changed


def test_order_all_left_then_right(qtbot: QtBot) -> None:
    grid = _grid(qtbot, template="upper")
    grid.order = "all_left_then_right"
    type_keys(grid, ["0", "1", "2", "3", "4", "0", "2", "3"])  # the eight upper groups, left
    assert [f.side for f in grid.exam.findings()] == ["left"] * 8
    assert _cell(grid) == ("shoulder_adductors", "right", "mas")
    type_keys(grid, ["4"])
    assert grid.exam.index_of(("shoulder_adductors", "right", "mas")).data() == "4"
    with pytest.raises(ValueError, match="unknown order"):
        grid.order = "zigzag"


def test_tab_moves_across_and_enter_moves_on(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, [Qt.Key.Key_Tab])
    assert grid.currentIndex().column() == MAS_R
    type_keys(grid, [Qt.Key.Key_Tab, Qt.Key.Key_Backtab])
    assert grid.currentIndex().column() == MAS_R
    type_keys(grid, [Qt.Key.Key_Return])  # MAS right -> next group's MAS left
    assert _cell(grid) == ("shoulder_internal_rotators", "left", "mas")


def test_an_angle_is_typed_and_enter_moves_down_the_column(qtbot: QtBot) -> None:
    grid = _grid(qtbot, template="lower")
    grid.setCurrentIndex(grid.exam.index(0, R1_L))
    type_keys(grid, ["-", "1", "5"])
    assert grid.currentIndex().data() == "-15…"
    type_keys(grid, [Qt.Key.Key_Return, "2", "0", ".", "5", Qt.Key.Key_Enter])
    assert [(f.muscle_group, f.tardieu_r1) for f in grid.exam.findings()] == [
        ("hip_flexors", -15.0), ("hip_adductors", 20.5)]
    assert _cell(grid) == ("knee_flexors", "left", "tardieu_r1")


def test_an_angle_out_of_range_stays_to_be_corrected(qtbot: QtBot) -> None:
    grid = _grid(qtbot, template="lower")
    grid.setCurrentIndex(grid.exam.index(0, PROM_L))
    type_keys(grid, ["2", "0", "0", Qt.Key.Key_Return])
    assert "out of range -180 to 180" in grid.help_line.text()
    assert grid.exam.findings() == () and _cell(grid) == ("hip_flexors", "left", "prom")
    type_keys(grid, [Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, "5", Qt.Key.Key_Tab])  # 25
    assert grid.exam.findings() == (Finding("hip_flexors", "left", prom=25.0),)
    assert grid.currentIndex().column() == PROM_L + 1
    type_keys(grid, ["a"])
    assert "'a' is not part of a number" in grid.help_line.text()
    type_keys(grid, ["9", Qt.Key.Key_Escape])
    assert grid.exam.findings() == (Finding("hip_flexors", "left", prom=25.0),)


def test_space_confirms_a_copied_value(qtbot: QtBot) -> None:
    grid = _grid(qtbot, template="lower", last=True)
    grid.exam.set_cell_states(grid.exam.copy_candidates())
    grid.setCurrentIndex(grid.exam.index_of(("hip_adductors", "left", "mas")))
    type_keys(grid, [Qt.Key.Key_Space, "3"])  # left as last time; right: changed to 3
    assert _mas(grid) == [("hip_adductors", "left", "1+"), ("hip_adductors", "right", "3")]
    type_keys(grid, [Qt.Key.Key_Space])  # knee flexors left: still a copy, confirmed
    assert ("knee_flexors", "left", "1") in _mas(grid)
    grid.setCurrentIndex(grid.exam.index_of(("hip_flexors", "left", "mas")))
    type_keys(grid, [Qt.Key.Key_Space])
    assert "Nothing copied here" in grid.help_line.text()


def test_a_signed_exam_cannot_be_typed_into(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    grid.exam.set_read_only(True)
    type_keys(grid, ["2", Qt.Key.Key_Delete])
    assert grid.exam.findings() == ()
    assert "signed" in grid.help_line.text()
    type_keys(grid, [Qt.Key.Key_Right])
    assert grid.currentIndex().column() == MAS_R  # still free to look around


def test_mas_columns_are_reached_with_the_arrows(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    type_keys(grid, [Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left])
    assert grid.currentIndex().row() == 1 and grid.currentIndex().column() == MAS_L


def test_a_refusal_path_puts_the_cursor_on_its_cell(qtbot: QtBot) -> None:
    grid = _grid(qtbot, template="lower")
    grid.exam.load([Finding("hip_flexors", "left", mas="2"), Finding("knee_flexors", "right", tardieu_r1=-5.0)])
    assert grid.point_at("findings[1].tardieu.r1")
    assert _cell(grid) == ("knee_flexors", "right", "tardieu_r1")
    assert not grid.point_at("findings[7].mas") and not grid.point_at("scores.penn_severity")


def test_mouse_editors_go_through_undo_too(qtbot: QtBot) -> None:
    grid = _grid(qtbot, template="lower")
    type_keys(grid, [Qt.Key.Key_F2])  # an ordinal cell: a list of the grades with their wording
    combo = grid.findChild(QComboBox)
    assert combo is not None and combo.count() == 7 and MAS.meaning("1+") in combo.itemText(3)
    combo.setCurrentIndex(combo.findData("1+"))
    combo.activated.emit(combo.currentIndex())
    assert _mas(grid) == [("hip_flexors", "left", "1+")] and grid.stack.count() == 1
    grid.setCurrentIndex(grid.exam.index(0, R1_L))
    grid.edit(grid.currentIndex())
    line = grid.findChild(QLineEdit)
    assert line is not None
    qtbot.keyClicks(line, "999")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "out of range" in grid.help_line.text() and line.isVisible()  # kept open to correct
    line.setText("-20")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert grid.exam.findings()[0].tardieu_r1 == -20.0
    assert _cell(grid) == ("hip_adductors", "left", "tardieu_r1")
    grid.stack.undo()
    assert grid.exam.findings()[0].tardieu_r1 is None
