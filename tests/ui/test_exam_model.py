"""The exam grid's table model, without a view: Qt model rules, validation, copied values, change marks."""

from __future__ import annotations

import datetime as dt

import pytest
from exam_helpers import LAST_DATE, LAST_VISIT, LOWER_GROUPS
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from assess.record.domain import Finding
from assess.scoring.muscles import MUSCLE_GROUPS
from assess.scoring.scales import MAS, MRC, TARDIEU_R1
from assess.ui.exam_model import (
    BETTER,
    CHANGE_ROLE,
    CLONUS_R,
    COLUMNS,
    COPIED,
    HELP_ROLE,
    MAS_L,
    MAS_R,
    MRC_L,
    PENDING_ROLE,
    PROM_L,
    R1_L,
    R2_R,
    REFLEX_L,
    TARDIEU_X_L,
    TEMPLATES,
    WORSE,
    CellState,
    ExamGridModel,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


def _model(template: str = "lower") -> ExamGridModel:
    model = ExamGridModel(template)
    model.set_last_visit(LAST_VISIT.findings, LAST_DATE)
    return model


def _at(model: ExamGridModel, group: str, column: int) -> QModelIndex:
    return model.index(model.groups.index(group), column)


def test_is_a_correct_qt_model_in_every_state(qtmodeltester: ModelTester) -> None:
    model = _model()
    qtmodeltester.check(model)
    model.load([Finding("hip_flexors", "left", mas="2", prom=-10.0), Finding("x-jaw", "right", reflex="2+")])
    model.set_cell_states(model.copy_candidates())
    model.set_typing(("knee_flexors", "left", "mas"), "1…")
    qtmodeltester.check(model)
    model.set_template("both")
    model.hidden_groups = {"elbow_flexors"}
    qtmodeltester.check(model)


def test_columns_are_a_left_and_a_right_per_scale() -> None:
    assert len(COLUMNS) == 16
    assert COLUMNS[MAS_L] == ("mas", "left") and COLUMNS[MAS_R] == ("mas", "right")
    assert COLUMNS[TARDIEU_X_L] == ("tardieu_x", "left") and COLUMNS[CLONUS_R] == ("clonus_beats", "right")
    model = _model()
    assert model.headerData(MAS_L, Qt.Orientation.Horizontal, DISPLAY) == "MAS\nL"
    assert model.headerData(R2_R, Qt.Orientation.Horizontal, DISPLAY) == "R2\nR"
    assert model.headerData(0, Qt.Orientation.Vertical, DISPLAY) == "Hip flexors"


def test_templates_follow_the_catalogue_regions() -> None:
    assert TEMPLATES["lower"] == LOWER_GROUPS
    assert len(TEMPLATES["upper"]) == 8 and len(TEMPLATES["both"]) == len(MUSCLE_GROUPS) == 17
    model = ExamGridModel("upper")
    assert model.groups == TEMPLATES["upper"]
    model.hidden_groups = {"thumb_flexors_adductors", "elbow_extensors"}
    assert "thumb_flexors_adductors" not in model.groups and model.rowCount() == 6


def test_a_group_holding_a_value_is_never_hidden() -> None:
    model = ExamGridModel("upper")
    model.load([Finding("knee_flexors", "left", mas="2")])
    assert model.groups[-1] == "knee_flexors"
    model.hidden_groups = {"knee_flexors"}
    assert "knee_flexors" in model.groups
    model.set_cell_states({("knee_flexors", "left", "mas"): CellState()})
    assert "knee_flexors" not in model.groups


@pytest.mark.parametrize(("column", "value", "stored"), [
    (MAS_L, "1+", "1+"), (MAS_L, "4", "4"), (TARDIEU_X_L, "5", 5), (TARDIEU_X_L, 3, 3), (MRC_L, "4-", "4-"),
    (REFLEX_L, "3+", "3+"), (R1_L, "-15", -15.0), (R1_L, "10,5", 10.5), (R1_L, 12, 12.0),
    (PROM_L, "-180", -180.0), (CLONUS_R, "12", 12),
])
def test_set_data_keeps_valid_values(column: int, value: object, stored: object) -> None:
    model = _model()
    index = model.index(0, column)
    assert model.setData(index, value)
    assert index.data(Qt.ItemDataRole.EditRole) == stored
    assert type(index.data(Qt.ItemDataRole.EditRole)) is type(stored)


@pytest.mark.parametrize(("column", "value"), [
    (MAS_L, "5"), (MAS_L, "1-"), (MAS_L, True), (MAS_L, 1.0), (TARDIEU_X_L, "6"), (MRC_L, "3+"),
    (REFLEX_L, "3"), (REFLEX_L, "2"),
    (R1_L, "181"), (R1_L, "abc"), (R1_L, True), (CLONUS_R, "1.5"), (CLONUS_R, "-1"),
])
def test_set_data_refuses_what_the_scale_does_not_have(column: int, value: object) -> None:
    model = _model()
    index = model.index(0, column)
    assert not model.setData(index, value)
    assert index.data(Qt.ItemDataRole.EditRole) is None
    assert model.findings() == ()


def test_clearing_and_read_only() -> None:
    model = _model()
    index = model.index(0, MAS_L)
    assert model.setData(index, "2")
    assert model.setData(index, "")
    assert model.findings() == ()
    model.set_read_only(True)
    assert not model.setData(index, "2")
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_findings_round_trip_and_keep_what_the_grid_does_not_show() -> None:
    findings = (
        Finding("hip_adductors", "left", mas="1+", tardieu_x=2, tardieu_r1=-15.0, asas=3, clonus_sustained=True,
                note="seated"),
        Finding("hip_adductors", "right", mas="2"),
        Finding("x-jaw_closers", "left", reflex="2+"),
    )
    model = _model()
    model.load(reversed(findings))
    assert model.findings() == findings  # catalogue order, left before right, clinic's own groups last
    model.setData(_at(model, "hip_adductors", MAS_L), "3")
    assert model.findings()[0] == Finding("hip_adductors", "left", mas="3", tardieu_x=2, tardieu_r1=-15.0, asas=3,
                                          clonus_sustained=True, note="seated")


def test_copied_values_are_grey_until_confirmed_and_are_not_findings() -> None:
    model = _model()
    candidates = model.copy_candidates()
    assert len(candidates) == 16  # every value of the last exam
    model.set_cell_states(candidates)
    index = _at(model, "plantarflexors_knee_extended", MAS_L)
    assert index.data(DISPLAY) == "3"
    assert index.data(PENDING_ROLE) is True
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == COPIED
    assert "copied from 2025-03-02" in index.data(HELP_ROLE)
    assert model.findings() == ()
    assert model.copy_candidates() == {}  # nothing left to copy
    model.set_cell_states({("plantarflexors_knee_extended", "left", "mas"): CellState("3")})
    assert index.data(PENDING_ROLE) is False and index.data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.findings() == (Finding("plantarflexors_knee_extended", "left", mas="3"),)
    assert len(model.pending_cells()) == 15


def test_typed_values_are_not_overwritten_by_a_copy() -> None:
    model = _model()
    model.setData(_at(model, "hip_adductors", MAS_L), "0")
    assert ("hip_adductors", "left", "mas") not in model.copy_candidates()


@pytest.mark.parametrize(("group", "column", "value", "shown", "change"), [
    ("plantarflexors_knee_extended", MAS_L, "4", "4 ▲", "worse"),
    ("plantarflexors_knee_extended", MAS_L, "1+", "1+ ▼", "better"),
    ("plantarflexors_knee_extended", MAS_L, "3", "3", "same"),
    ("hip_adductors", TARDIEU_X_L, "4", "4 ▲", "worse"),
    ("plantarflexors_knee_extended", MRC_L, "5", "5 ▲", "better"),  # stronger is better
    ("plantarflexors_knee_extended", MRC_L, "3", "3 ▼", "worse"),
    ("plantarflexors_knee_extended", R1_L, "-5", "-5° ▲", "better"),  # a larger angle: less tight
    ("plantarflexors_knee_extended", R1_L, "-10", "-10°", "same"),  # under 10°: within measurement error
    ("knee_flexors", PROM_L, "-45", "-45° ▼", "worse"),
    ("hip_flexors", MAS_L, "2", "2", None),  # not examined last time: nothing to compare
])
def test_change_since_last_visit_has_shape_and_colour(group: str, column: int, value: str, shown: str,
                                                      change: str | None) -> None:
    model = _model()
    index = _at(model, group, column)
    model.setData(index, value)
    assert index.data(DISPLAY) == shown
    assert index.data(CHANGE_ROLE) == change
    brush = index.data(Qt.ItemDataRole.ForegroundRole)
    expected = {"better": BETTER, "worse": WORSE}.get(change or "")
    assert (brush.color() if brush is not None else None) == expected


def test_reflex_has_no_change_mark() -> None:
    model = _model()
    model.set_last_visit([Finding("hip_flexors", "left", reflex="2+")], LAST_DATE)
    index = model.index(0, REFLEX_L)
    model.setData(index, "4+")
    assert index.data(DISPLAY) == "4+" and index.data(CHANGE_ROLE) is None


def test_help_gives_the_exact_wording_of_the_grade() -> None:
    model = _model()
    index = model.index(0, MAS_L)
    assert "grades 0, 1, 1+, 2, 3, 4" in index.data(HELP_ROLE)
    model.setData(index, "1+")
    assert index.data(HELP_ROLE).endswith(f"MAS 1+: {MAS.meaning('1+')}")
    assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data(HELP_ROLE)
    model.setData(model.index(0, MRC_L), "4-")
    assert MRC.meaning("4-") in model.index(0, MRC_L).data(HELP_ROLE)
    assert TARDIEU_R1.help in model.index(0, R1_L).data(HELP_ROLE)


def test_the_last_visit_date_is_kept() -> None:
    assert _model().last_visit_date == dt.date(2025, 3, 2)
