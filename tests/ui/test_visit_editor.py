"""The visit editor on a real database: what is typed is what is stored; undo, drafts, signed and stale visits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from exam_helpers import GOALS, LAST_DATE, LAST_VISIT, MRN, TODAY, add_patient, drafts_in, type_keys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from assess.record.domain import Finding, GoalScore, Visit, VisitScores
from assess.record.errors import RecordError, SignedRecordError, StaleEditError
from assess.scoring.gas import visit_t_score
from assess.services.history import patient_history
from assess.services.visits import record_visit
from assess.storage.db import Database, open_database
from assess.storage.drafts import DraftStore, VisitDraft
from assess.ui import visit_editor
from assess.ui.exam_model import R1_L
from assess.ui.visit_editor import VisitEditor


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    db = open_database(f"sqlite:///{tmp_path}/a.db")
    yield db  # type: ignore[misc]
    db.close()


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[Exception]:
    shown: list[Exception] = []
    monkeypatch.setattr(visit_editor, "show_error", lambda _parent, _title, error: shown.append(error))
    # A stale save asks whether to reload: these tests answer "keep editing" (test_stale_edits clicks the box).
    monkeypatch.setattr(visit_editor, "ask_reload", lambda _parent, error: shown.append(error) and False)
    return shown


def _open(qtbot: QtBot, db: Database, tmp_path: Path, day: dt.date = TODAY, visit_type: str = "follow_up",
          drafts: DraftStore | None = None) -> VisitEditor:
    editor = VisitEditor(db, MRN, day, visit_type, "Dr K. Osei", drafts or drafts_in(tmp_path))
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    return editor


def _pick(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(combo.findData(value))  # as a click or a typed grade in the list does


def _stored(db: Database, day: dt.date = TODAY, visit_type: str = "follow_up") -> Visit:
    with db.transaction() as session:
        record = patient_history(session, MRN)
    return next(v for v in record.visits if v.key == (day, visit_type))


def test_a_typed_exam_with_scores_lands_in_the_database_exactly(qtbot: QtBot, database: Database,
                                                                tmp_path: Path) -> None:
    add_patient(database)
    editor = _open(qtbot, database, tmp_path)
    saved: list[str] = []
    editor.visit_saved.connect(saved.append)
    assert editor.model.template == "lower"  # as at the last exam
    grid = editor.grid
    type_keys(grid, ["1", "+", "2", "1", "0", "3"])  # hip flexors L R, hip adductors L R, knee flexors L
    grid.setCurrentIndex(editor.model.index_of(("plantarflexors_knee_extended", "left", "tardieu_r1")))
    type_keys(grid, ["-", "1", "0", Qt.Key.Key_Return])
    editor.scores.weight.setText("23.4")
    editor.scores.weight.editingFinished.emit()
    _pick(editor.scores.combos["penn_frequency"], 2)
    _pick(editor.scores.combos["penn_severity"], 1)
    _pick(editor.scores.combos["pain_nrs"], 4)
    _pick(editor.scores.combos["das_dressing"], 2)
    _pick(editor.scores.combos["das_pain"], 1)
    editor.details.triggers.boxes["constipation"].click()
    editor.details.symptoms.boxes["spasms"].click()
    _pick(editor.details.goal_combos["walk"], 1)
    editor.details.notes.setPlainText("Walks further.")
    assert editor.scores.das_total.text() == "3 of 12"
    assert editor.save()
    assert saved == [MRN]
    assert re.fullmatch(r"Saved \d\d:\d\d:\d\d", editor.status.text())
    assert _stored(database) == Visit(
        TODAY, "follow_up", "Dr K. Osei", weight_kg=23.4,
        findings=(
            Finding("hip_flexors", "left", mas="1+"), Finding("hip_flexors", "right", mas="2"),
            Finding("hip_adductors", "left", mas="1"), Finding("hip_adductors", "right", mas="0"),
            Finding("knee_flexors", "left", mas="3"),
            Finding("plantarflexors_knee_extended", "left", tardieu_r1=-10.0),
        ),
        scores=VisitScores(penn_frequency=2, penn_severity=1, pain_nrs=4, das_dressing=2, das_pain=1),
        triggers=("constipation",), symptoms=("spasms",), goal_scores=(GoalScore("walk", 1),),
        notes="Walks further.",
    )
    assert editor.drafts.load_all() == []  # saved: no draft left to offer
    # Saving again builds on the new version (no stale error against itself).
    type_keys(grid, [Qt.Key.Key_Up, "4", Qt.Key.Key_Return])
    assert editor.save()
    assert _stored(database).findings[-1] == Finding("plantarflexors_knee_extended", "left", tardieu_r1=4.0)


def test_a_stored_visit_opens_with_its_content(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path, LAST_DATE, "initial")
    assert editor.visit() == _stored(sqlite_db, LAST_DATE, "initial")
    assert set(editor.visit().findings) == set(LAST_VISIT.findings)
    assert editor.version == 1
    assert editor.scores.combos["penn_severity"].isEnabled()


def test_undo_and_redo_cover_cells_and_fields(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    type_keys(editor.grid, ["2", "3"])
    _pick(editor.scores.combos["pain_nrs"], 5)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.grid.setFocus()
    qtbot.keyClick(editor.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.scores.value("pain_nrs") is None
    qtbot.keyClick(editor.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [f.mas for f in editor.model.findings()] == ["2"]
    qtbot.keyClick(editor.grid, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor.grid, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert [f.mas for f in editor.model.findings()] == ["2", "3"]
    assert editor.scores.combos["pain_nrs"].value() == 5
    # A grade still waiting for its + is kept before undo, so undo takes back exactly that grade.
    type_keys(editor.grid, ["1"])
    editor.undo()
    assert [f.mas for f in editor.model.findings()] == ["2", "3"]
    # Notes typed in one go are one undo step.
    editor.details.notes.setFocus()
    qtbot.keyClicks(editor.details.notes, "calm")
    assert editor.details.value("notes") == "calm"
    qtbot.keyClick(editor.details.notes, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.details.value("notes") is None and editor.details.notes.toPlainText() == ""


def test_copy_from_last_visit_is_grey_until_confirmed_and_one_undo_step(qtbot: QtBot, sqlite_db: Database,
                                                                        tmp_path: Path) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    assert "2025-03-02" in editor.copy_button.toolTip()  # the date in the tip: the button stays short on a laptop
    editor.copy_button.click()
    assert editor.undo_stack.count() == 1
    assert editor.confirm_button.text() == "Confirm copied (16)"
    assert editor.model.findings() == ()  # not examined today until confirmed
    editor.grid.setCurrentIndex(editor.model.index_of(("hip_adductors", "left", "mas")))
    type_keys(editor.grid, [Qt.Key.Key_Space, "3"])  # same as last time; changed
    assert [(f.muscle_group, f.side, f.mas) for f in editor.model.findings()] == [
        ("hip_adductors", "left", "1+"), ("hip_adductors", "right", "3")]
    assert editor.model.index_of(("hip_adductors", "right", "mas")).data() == "3 ▲"
    editor.confirm_button.click()
    expected = {(f.muscle_group, f.side): f for f in LAST_VISIT.findings}
    expected[("hip_adductors", "right")] = Finding("hip_adductors", "right", mas="3")
    assert editor.model.findings() == tuple(expected.values())
    editor.undo()  # the confirmation of all
    editor.undo()  # the 3
    editor.undo()  # the Space
    assert editor.model.findings() == () and len(editor.model.pending_cells()) == 16
    editor.undo()  # the copy, as one step
    assert editor.model.pending_cells() == () and not editor.confirm_button.isEnabled()


def test_penn_severity_needs_a_frequency_above_zero(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    frequency, severity = editor.scores.combos["penn_frequency"], editor.scores.combos["penn_severity"]
    assert not severity.isEnabled()
    _pick(frequency, 0)
    assert not severity.isEnabled()
    _pick(frequency, 3)
    assert severity.isEnabled()
    _pick(severity, 2)
    _pick(frequency, 0)  # no spasms: the severity goes with it, in the same undo step
    assert not severity.isEnabled() and severity.value() is None
    editor.undo()
    assert frequency.value() == 3 and severity.value() == 2 and severity.isEnabled()


def test_the_gas_t_score_is_shown_live(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    assert set(editor.details.goal_combos) == {"walk", "shoes"}  # not the goal set after this visit
    _pick(editor.details.goal_combos["walk"], 1)
    _pick(editor.details.goal_combos["shoes"], -1)
    t = visit_t_score(GOALS, TODAY, (GoalScore("walk", 1), GoalScore("shoes", -1)))
    assert t is not None and editor.details.t_score.text() == f"GAS T-score: {t:.1f}"


def test_a_signed_visit_opens_read_only(qtbot: QtBot, sqlite_db: Database, tmp_path: Path,
                                        errors: list[Exception]) -> None:
    add_patient(sqlite_db)
    signed = dataclasses.replace(LAST_VISIT, date=dt.date(2025, 4, 1), type="follow_up", status="signed",
                                 signed_at=dt.datetime(2025, 4, 1, 12, 0, tzinfo=dt.UTC))
    with sqlite_db.transaction() as session:
        record_visit(session, MRN, signed)
    editor = _open(qtbot, sqlite_db, tmp_path, dt.date(2025, 4, 1))
    assert editor.read_only and "read-only" in editor.banner.text()
    type_keys(editor.grid, ["2", Qt.Key.Key_Delete])
    assert set(editor.model.findings()) == set(LAST_VISIT.findings)
    assert not editor.save_button.isEnabled() and not editor.copy_button.isEnabled()
    assert not editor.scores.combos["pain_nrs"].isEnabled() and editor.details.notes.isReadOnly()
    assert not editor.save()
    qtbot.wait(1500)
    assert editor.drafts.load_all() == [] and errors == []


def test_a_stale_save_is_refused_shown_and_the_draft_kept(qtbot: QtBot, database: Database, tmp_path: Path,
                                                          errors: list[Exception]) -> None:
    add_patient(database)
    editor = _open(qtbot, database, tmp_path, LAST_DATE, "initial")
    type_keys(editor.grid, ["4"])
    with database.transaction() as session:  # another workstation saves the same visit meanwhile
        record_visit(session, MRN, dataclasses.replace(LAST_VISIT, notes="their change"), expected_version=1)
    assert not editor.save()
    assert len(errors) == 1 and isinstance(errors[0], StaleEditError)
    [draft] = editor.drafts.load_all()
    assert draft.base_version == 1 and draft.visit == editor.visit()
    assert draft.visit.finding("hip_flexors", "left") == Finding("hip_flexors", "left", mas="4")
    assert _stored(database, LAST_DATE, "initial").notes == "their change"  # theirs is not overwritten


def test_a_visit_signed_elsewhere_meanwhile_is_refused(qtbot: QtBot, sqlite_db: Database, tmp_path: Path,
                                                      errors: list[Exception]) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path, LAST_DATE, "initial")
    type_keys(editor.grid, ["0"])
    signed = dataclasses.replace(LAST_VISIT, status="signed", signed_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC))
    with sqlite_db.transaction() as session:
        record_visit(session, MRN, signed, expected_version=1)
    assert not editor.save()
    assert isinstance(errors[0], SignedRecordError)
    assert editor.drafts.load_all()[0].visit.finding("hip_flexors", "left") == Finding("hip_flexors", "left", mas="0")


def test_a_visit_created_elsewhere_meanwhile_is_not_overwritten(qtbot: QtBot, sqlite_db: Database, tmp_path: Path,
                                                                errors: list[Exception]) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    type_keys(editor.grid, ["2"])
    with sqlite_db.transaction() as session:
        record_visit(session, MRN, Visit(TODAY, "follow_up", "Dr B", notes="theirs"))
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves
    assert isinstance(errors[0], StaleEditError)
    assert _stored(sqlite_db).notes == "theirs"


def test_an_invalid_visit_is_refused_by_the_validator_and_nothing_is_lost(qtbot: QtBot, sqlite_db: Database,
                                                                          tmp_path: Path,
                                                                          errors: list[Exception]) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    odd = Visit(TODAY, "follow_up", "Dr K. Osei", scores=VisitScores(penn_severity=2))  # severity without frequency
    editor.restore(VisitDraft(MRN, odd, None, dt.datetime(2025, 6, 9, 10, 0, tzinfo=dt.UTC)))
    assert "Restored" in editor.banner.text()
    assert not editor.save()
    assert isinstance(errors[0], RecordError) and "penn_severity" in str(errors[0])
    assert editor.drafts.load_all()[0].visit == odd


def test_autosave_writes_a_draft_within_seconds(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db)
    drafts = drafts_in(tmp_path)
    editor = _open(qtbot, sqlite_db, tmp_path, drafts=drafts)
    with qtbot.waitSignal(editor.status_changed, timeout=2500) as signal:
        type_keys(editor.grid, ["2", "1", "+"])
    assert re.fullmatch(r"Draft saved \d\d:\d\d:\d\d", signal.args[0])
    [draft] = drafts.load_all()
    assert draft.mrn == MRN and draft.base_version is None
    assert [(f.side, f.mas) for f in draft.visit.findings] == [("left", "2"), ("right", "1+")]
    assert editor.status.text() == signal.args[0]


def test_a_restored_draft_shows_what_was_typed(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db)
    drafts = drafts_in(tmp_path)
    typed = Visit(TODAY, "follow_up", "Dr K. Osei", findings=(Finding("knee_flexors", "right", mas="1+"),),
                  scores=VisitScores(pain_nrs=2), triggers=("fever",), notes="from the draft")
    drafts.save(VisitDraft(MRN, typed, None, dt.datetime(2025, 6, 9, 10, 0, tzinfo=dt.UTC)))
    editor = _open(qtbot, sqlite_db, tmp_path, drafts=drafts)
    assert editor.restore_button.isVisibleTo(editor)  # a draft of this visit is offered
    editor.restore_button.click()
    assert editor.visit() == typed
    assert editor.model.index_of(("knee_flexors", "right", "mas")).data() == "1+ ▲"
    assert editor.details.triggers.boxes["fever"].isChecked()


def test_template_change_keeps_what_was_typed(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    add_patient(sqlite_db, history=False)
    editor = _open(qtbot, sqlite_db, tmp_path)
    assert editor.model.template == "both" and not editor.copy_button.isEnabled()
    type_keys(editor.grid, ["2"])
    editor.set_template("lower")
    assert editor.model.groups[0] == "shoulder_adductors" and len(editor.model.groups) == 10
    assert editor.model.findings() == (Finding("shoulder_adductors", "left", mas="2"),)


def test_controls_have_accessible_names_and_the_grid_comes_first(qtbot: QtBot, sqlite_db: Database,
                                                                  tmp_path: Path) -> None:
    add_patient(sqlite_db)
    editor = _open(qtbot, sqlite_db, tmp_path)
    for kind in (QComboBox, QLineEdit, QPushButton, QCheckBox):
        for widget in editor.findChildren(kind):  # type: ignore[var-annotated]
            if widget.isVisibleTo(editor) and not isinstance(widget.parent(), QComboBox):
                assert widget.accessibleName() or widget.text(), widget
    assert editor.focusProxy() is editor.grid
    assert editor.grid.currentIndex() == editor.model.index(0, 0)
    assert QWidget.nextInFocusChain(editor.grid) is not None
    editor.grid.setCurrentIndex(editor.model.index(0, R1_L))
    assert editor.grid.nextInFocusChain() is not editor.grid
