"""The GAS goal dialog: the goal it builds, its id, the Turner-Stokes words, errors at the field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from assess.record.domain import Goal, PatientDetails
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.visits import add_goal
from assess.storage.db import Database
from assess.ui.goal_dialog import GoalDialog, goal_id

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy")
WALK = Goal("walk-10-m-with-a-walker", "Walk 10 m with a walker", dt.date(2025, 1, 10), -1, 3, 2)
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _dialog(qtbot: QtBot, existing: tuple[Goal, ...] = (), initial: Goal | None = None) -> GoalDialog:
    dialog = GoalDialog(None, ZOE, existing, initial)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _fill(dialog: GoalDialog, text: str, importance: int | None = 2, difficulty: int | None = 3,
          baseline: int | None = -2) -> None:
    dialog.text.setText(text)
    dialog.set_on.setDate(QDate(2025, 3, 1))
    dialog.importance.setCurrentIndex(dialog.importance.findData(importance) if importance is not None else 0)
    dialog.difficulty.setCurrentIndex(dialog.difficulty.findData(difficulty) if difficulty is not None else 0)
    if baseline is not None:
        dialog.baseline.setCurrentIndex(dialog.baseline.findData(baseline))


@pytest.mark.parametrize(("text", "taken", "expected"), [
    ("Walk 10 m with a walker", (), "walk-10-m-with-a-walker"),
    ("Walk 10 m with a walker", ("walk-10-m-with-a-walker",), "walk-10-m-with-a-walker-2"),
    ("Walk 10 m with a walker", ("walk-10-m-with-a-walker", "walk-10-m-with-a-walker-2"), "walk-10-m-with-a-walker-3"),
    ("Zoë puts on her shoes + orthoses, without help, in under five minutes", (), "zoe-puts-on-her-shoes-orthoses"),
    ("Sitzen ohne Stütze für 30 Sekunden", (), "sitzen-ohne-stutze-fur-30"),
    ("!!!", (), "goal"),
    ("", ("goal",), "goal-2"),
    ("Supercalifragilisticexpialidociousandmore walking", (), "supercalifragilisticexpialidocio"),
    ("Zoë puts on her shoes + orthoses", ("zoe-puts-on-her-shoes-orthoses",), "zoe-puts-on-her-shoes-orthoses-2"),
    ("Zoë puts on her shoes + orthoses!", ("zoe-puts-on-her-shoes-orthoses", "zoe-puts-on-her-shoes-orthoses-2"),
     "zoe-puts-on-her-shoes-orthoses-3"),
    ("Put on shoes and orthoses alone", ("put-on-shoes-and-orthoses-alone",), "put-on-shoes-and-orthoses-alon-2"),
])
def test_goal_id_is_made_from_the_text(text: str, taken: tuple[str, ...], expected: str) -> None:
    made = goal_id(text, taken)
    assert made == expected
    assert ID_PATTERN.match(made) and made not in taken


def test_goal_id_stays_unique_and_short_with_many_alike() -> None:
    taken: list[str] = []
    for _ in range(120):
        taken.append(goal_id("Dress the upper body without help from a parent", taken))
    assert len(set(taken)) == 120 and all(ID_PATTERN.match(t) for t in taken)


def test_importance_and_difficulty_in_turner_stokes_words(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    assert [dialog.importance.itemText(i) for i in range(dialog.importance.count())] == [
        "not rated", "0 – not at all important", "1 – a little important", "2 – moderately important",
        "3 – very important"]
    assert [dialog.difficulty.itemText(i) for i in range(dialog.difficulty.count())] == [
        "not rated", "0 – not at all difficult", "1 – a little difficult", "2 – moderately difficult",
        "3 – very difficult"]
    assert [dialog.baseline.itemText(i) for i in range(dialog.baseline.count())] == [
        "−2  Much less than expected.", "−1  Less than expected."]


def test_the_goal_is_exact_with_an_id_made_from_its_text(qtbot: QtBot, database: Database) -> None:
    dialog = _dialog(qtbot, (WALK,))
    _fill(dialog, "  Walk 10 m with a walker  ")
    assert dialog.goal_id.placeholderText() == "walk-10-m-with-a-walker-2 (made from the goal)"
    dialog._on_buttons_accepted()
    assert dialog.result() == QDialog.DialogCode.Accepted
    expected = Goal("walk-10-m-with-a-walker-2", "Walk 10 m with a walker", dt.date(2025, 3, 1), -2, 2, 3)
    assert dialog.result_goal == expected
    with database.transaction() as session:
        create_patient(session, ZOE)
        add_goal(session, "LB-1", WALK)
        add_goal(session, "LB-1", expected)
    with database.transaction() as session:
        assert patient_history(session, "LB-1").goals == (WALK, expected)


def test_unrated_importance_and_difficulty_are_left_out(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill(dialog, "Sit unsupported for 30 s", None, None, -1)
    dialog.goal_id.setText("sit")
    dialog._on_buttons_accepted()
    assert dialog.result_goal == Goal("sit", "Sit unsupported for 30 s", dt.date(2025, 3, 1), -1)


@pytest.mark.parametrize(("text", "baseline", "typed_id", "field", "message"), [
    ("Walk", None, "", "baseline", "Required."),
    ("", -1, "", "text", "Required."),
    ("Walk", -1, "walk 10", "id", "Use 1 to 32 letters, digits, - or _."),
    ("Walk", -1, "walk-10-m-with-a-walker", "id", "Goal id 'walk-10-m-with-a-walker' is used twice for this patient."),
])
def test_a_wrong_value_is_shown_at_its_field_and_keeps_the_dialog_open(
        qtbot: QtBot, text: str, baseline: int | None, typed_id: str, field: str, message: str) -> None:
    dialog = _dialog(qtbot, (WALK,))
    _fill(dialog, text, baseline=baseline)
    dialog.goal_id.setText(typed_id)
    dialog._on_buttons_accepted()
    assert dialog.result_goal is None and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.labels[field].text() == message
    assert dialog.errors.labels[field].isVisible()


def test_editing_a_goal_keeps_its_id(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, (WALK,), WALK)
    assert dialog.windowTitle() == "Edit goal"
    dialog.text.setText("Walk 10 m with a walker, at school")
    dialog._on_buttons_accepted()
    assert dialog.result_goal == Goal(WALK.id, "Walk 10 m with a walker, at school", WALK.set_on, -1, 3, 2)


def test_ask_returns_the_goal_or_none(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    def fill_and_ok(self: GoalDialog) -> int:
        qtbot.addWidget(self)
        _fill(self, "Stand to transfer")
        self._on_buttons_accepted()
        return self.result()

    monkeypatch.setattr(GoalDialog, "exec", fill_and_ok)
    assert GoalDialog.ask(None, ZOE, [WALK]) == Goal("stand-to-transfer", "Stand to transfer", dt.date(2025, 3, 1),
                                                     -2, 2, 3)
    monkeypatch.setattr(GoalDialog, "exec", lambda self: (qtbot.addWidget(self), self.reject(), 0)[2])
    assert GoalDialog.ask(None, ZOE, [WALK]) is None


def test_enter_is_ok_escape_cancels_and_every_control_is_named(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill(dialog, "Stand to transfer")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    other = _dialog(qtbot)
    qtbot.keyClick(other.text, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected and other.result_goal is None
    controls = [w for w in other.findChildren(QWidget) if isinstance(w, (QLineEdit, QComboBox, QAbstractSpinBox))
                and not isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox))]
    assert len(controls) == 6 and all(w.accessibleName() for w in controls)
