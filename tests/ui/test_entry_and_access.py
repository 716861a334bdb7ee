"""Entry that helps (toxin session, dates, numbers) and every control named for screen readers (QAccessible)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exam_helpers import MRN, ZOE, add_patient
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from assess.record.domain import Injection, ToxinSession
from assess.services.audit import events
from assess.services.goals import withdrawn_goals
from assess.storage.db import open_database
from assess.ui.accessibility import controls
from assess.ui.injection_table import MUSCLE, SITES, UNITS, InjectionRow
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings
from assess.ui.toxin_dialog import ToxinSessionDialog
from assess.ui.visit_editor import VisitEditor

LAST = ToxinSession(dt.date(2025, 3, 2), "abobotulinumtoxinA", (Injection("soleus", "left", 100, 2),),
                    dilution_units_per_ml=200.0)


def _shown(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()


def test_a_new_session_starts_with_the_last_product_and_dilution(qtbot: QtBot) -> None:
    dialog = ToxinSessionDialog(None, ZOE, 22.6, None, [LAST])
    _shown(qtbot, dialog)
    assert dialog.product.currentData() == "abobotulinumtoxinA"
    assert dialog.dilution.value() == 200.0
    assert "last session (2025-03-02)" in dialog.product.accessibleDescription()


def test_tab_enters_and_leaves_the_date_and_letters_in_the_dilution_are_refused_aloud(qtbot: QtBot) -> None:
    dialog = ToxinSessionDialog(None, ZOE, 22.6)
    _shown(qtbot, dialog)
    dialog.date.setFocus()
    QTest.keyClick(dialog.date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.product  # one Tab: out of the date, not into its month
    QTest.keyClick(dialog.product, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dialog.date
    dialog.dilution.setFocus()
    QTest.keyClicks(dialog.dilution, "1x")
    assert "'x' is not part of a number" in dialog.errors.labels["dilution_units_per_ml"].text()
    assert dialog.errors.labels["dilution_units_per_ml"].isVisible()


def test_copy_row_keeps_units_and_sites_even_while_the_units_are_being_typed(qtbot: QtBot) -> None:
    dialog = ToxinSessionDialog(None, ZOE, 22.6)
    _shown(qtbot, dialog)
    dialog.model.set_rows([InjectionRow("soleus", "left", 50, 2)])
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, UNITS))
    dialog.table.edit(dialog.model.index(0, UNITS))
    editor = QApplication.focusWidget()
    assert editor is not None
    QTest.keyClicks(editor, "60")  # typed, not yet entered
    QTest.keyClick(editor, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dialog.model.rows() == [InjectionRow("soleus", "left", 60, 2), InjectionRow(None, "left", 60, 2)]
    assert dialog.table.currentIndex().row() == 1 and dialog.table.currentIndex().column() == MUSCLE
    assert dialog.model.index(1, SITES).data() == "2"


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in controls(root):
        if not widget.isVisibleTo(root):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        assert face is not None
        # A tab bar is read tab by tab: each tab is its own accessible child with a name and a description.
        faces = [face.child(i) for i in range(face.childCount())] if isinstance(widget, QTabBar) else [face]
        for one in faces:
            name, description = one.text(QAccessible.Text.Name), one.text(QAccessible.Text.Description)
            if not name or not description:
                missing.append(f"{type(widget).__name__} {widget.objectName()!r} name={name!r} "
                               f"desc={description!r}")
    return missing


def test_every_control_has_a_name_and_a_description(qtbot: QtBot, tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    add_patient(db)
    settings = Settings(tmp_path / "config" / "assess.ini")
    settings.clinician = "Dr K. Osei"
    window = MainWindow(db, settings)
    _shown(qtbot, window)
    window.open_patient(MRN)
    assert _unnamed(window) == []
    editor = window.open_visit(dt.date.today(), "follow_up")
    assert isinstance(editor, VisitEditor)
    assert _unnamed(editor) == []
    toxin = ToxinSessionDialog(window, ZOE, 22.6)
    _shown(qtbot, toxin)
    qtbot.waitUntil(lambda: bool(toxin.property("assess_keys")))  # named when it became active
    assert _unnamed(toxin) == []
    toxin.reject()
    db.close()


def test_the_chart_and_the_body_map_say_their_values(qtbot: QtBot, tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    add_patient(db)
    window = MainWindow(db, Settings(tmp_path / "config" / "assess.ini"))
    _shown(qtbot, window)
    window.open_patient(MRN)
    window.keys.show_patient_page(1)
    trends = window.view.trends
    trends.show_group("plantarflexors_knee_extended", "mas")
    qtbot.waitUntil(lambda: trends.canvas is not None and trends.body_canvas is not None)
    chart = QAccessible.queryAccessibleInterface(trends.canvas).text(QAccessible.Text.Description)
    assert chart.startswith("Chart of MAS of ankle plantarflexors (knee extended) at 1 examinations")
    assert "MAS left 3, MAS right 2" in chart
    body = QAccessible.queryAccessibleInterface(trends.body_canvas).text(QAccessible.Text.Description)
    assert "Hip adductors: left 1+, right 2" in body
    table = QAccessible.queryAccessibleInterface(trends.chart_values)
    assert table.text(QAccessible.Text.Name) == "Values of the chart"
    assert trends.chart_values.rows() == [("2025-03-02", "3", "2")]
    assert ("Hip adductors", "1+", "2") in trends.body_values.rows()
    db.close()


def test_a_goal_is_edited_and_withdrawn_from_the_goals_page(qtbot: QtBot, tmp_path: Path) -> None:
    from test_keyboard import press, when_dialog

    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    add_patient(db)
    window = MainWindow(db, Settings(tmp_path / "config" / "assess.ini"))
    _shown(qtbot, window)
    window.open_patient(MRN)
    window.view.tabs.setCurrentIndex(1)
    window.view.goals.selectRow(0)

    def reword(dialog: QWidget) -> None:
        assert not dialog.goal_id.isEnabled() or dialog.goal_id.isReadOnly()  # type: ignore[attr-defined]
        dialog.text.setText("Walks 20 m with a walker")  # type: ignore[attr-defined]
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    when_dialog(qtbot, reword)
    window.view.edit_goal_button.click()
    assert window.view.record is not None
    assert window.view.record.goals[0].text == "Walks 20 m with a walker"

    def give_up(dialog: QWidget) -> None:
        assert dialog.focusWidget() is dialog.reason  # type: ignore[attr-defined]  # the field to type
        dialog.reason.setText("achieved another way")  # type: ignore[attr-defined]
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    window.view.goals.selectRow(0)
    chosen = window.view.goals_model.row(0).id
    when_dialog(qtbot, give_up)
    window.view.withdraw_goal_button.click()
    with db.transaction() as session:
        gone = withdrawn_goals(session, MRN)
        assert gone[chosen].reason == "achieved another way"
        assert {e.action for e in events(session) if e.entity == "goal"} >= {"update", "withdraw"}
    assert window.view.goals_model.index(0, 5).data().startswith("withdrawn")
    db.close()

