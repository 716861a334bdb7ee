"""The exam room from the keyboard: each key path from a fresh window, with where the focus is asserted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exam_helpers import MRN, add_patient
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QPlainTextEdit, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from assess.services.history import patient_history
from assess.storage.db import Database, open_database
from assess.ui.exam_model import MAS_L
from assess.ui.main_window import MainWindow
from assess.ui.patient_dialog import PatientDialog
from assess.ui.settings import Settings
from assess.ui.visit_editor import VisitEditor

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    add_patient(database)
    yield database
    database.close()


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    settings = Settings(tmp_path / "config" / "assess.ini")
    settings.clinician = "Dr K. Osei"
    shown = MainWindow(db, settings)
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    return shown


def focus() -> QWidget | None:
    return QApplication.focusWidget()


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the user's keys go: the focused widget (or the active window when focus is nowhere)."""
    target = focus() or QApplication.activeWindow()
    assert target is not None, "the keys go nowhere"
    QTest.keyClick(target, key, modifiers)


def type_text(text: str) -> None:
    target = focus()
    assert target is not None
    QTest.keyClicks(target, text)


def when_dialog(qtbot: QtBot, handle: Callable[[QDialog], None]) -> list[QDialog]:
    """Answer the next modal dialog as a user would (exec blocks until then); the dialog is kept for asserts."""
    seen: list[QDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not dialog.isActiveWindow():
            QTimer.singleShot(10, answer)
            return
        seen.append(dialog)
        try:
            handle(dialog)
        except BaseException:
            dialog.reject()  # a failed check must not leave the test waiting on an open dialog
            raise

    QTimer.singleShot(0, answer)
    return seen


def open_by_search(qtbot: QtBot, window: MainWindow) -> None:
    press(Qt.Key.Key_F, CTRL)
    assert focus() is window.patients.search
    type_text("muller")  # Müller, typed on a keyboard without ü
    press(Qt.Key.Key_Return)
    assert window.mrn == MRN
    assert focus() is window.view.timeline  # Enter opened the patient: the keys now act on it


def test_search_then_enter_then_ctrl_e_edits_the_patient_and_focus_comes_back(qtbot: QtBot,
                                                                             window: MainWindow) -> None:
    open_by_search(qtbot, window)
    seen = when_dialog(qtbot, lambda d: (setattr(d, "seen_focus", focus()), press(Qt.Key.Key_Escape)))
    press(Qt.Key.Key_E, CTRL)
    assert isinstance(seen[0], PatientDialog)
    assert seen[0].seen_focus is seen[0].diagnosis_note  # type: ignore[attr-defined]  # not the MRN
    qtbot.waitUntil(lambda: focus() is window.view.timeline)


def test_ctrl_e_works_even_from_the_search_box(qtbot: QtBot, window: MainWindow) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_F, CTRL)
    assert focus() is window.patients.search
    seen = when_dialog(qtbot, lambda d: press(Qt.Key.Key_Escape))
    press(Qt.Key.Key_E, CTRL)
    assert seen and isinstance(seen[0], PatientDialog)
    qtbot.waitUntil(lambda: focus() is window.patients.search)  # back where the user left


def _exam(window: MainWindow) -> VisitEditor:
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    return editor


def test_ctrl_n_twice_always_lands_in_the_grid_and_typing_saving_work(qtbot: QtBot, window: MainWindow,
                                                                     db: Database) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    editor = _exam(window)
    assert focus() is editor.grid and editor.grid.currentIndex().column() == MAS_L
    press(Qt.Key.Key_Tab, CTRL)  # back to the patient
    assert window.tabs.currentIndex() == 0 and focus() is window.view.timeline
    press(Qt.Key.Key_N, CTRL)  # today's exam is open already: its tab, and the grid has the keys
    assert _exam(window) is editor and focus() is editor.grid
    press(Qt.Key.Key_2)
    press(Qt.Key.Key_3)
    press(Qt.Key.Key_S, CTRL)
    assert editor.status.text().startswith("Saved")
    assert focus() is editor.grid  # the save refreshed the patient behind; the keys stayed in the exam
    with db.transaction() as session:
        visit = next(v for v in patient_history(session, MRN).visits if v.date == dt.date.today())
    assert [(f.side, f.mas) for f in visit.findings][:2] == [("left", "2"), ("right", "3")]


def test_tabs_by_ctrl_tab_and_ctrl_page_keys_round_both_ways(qtbot: QtBot, window: MainWindow) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    editor = _exam(window)
    for key, modifiers, expected in ((Qt.Key.Key_PageUp, CTRL, 0), (Qt.Key.Key_PageDown, CTRL, 1),
                                     (Qt.Key.Key_Backtab, CTRL | SHIFT, 0), (Qt.Key.Key_Tab, CTRL, 1),
                                     (Qt.Key.Key_PageDown, CTRL, 0)):
        press(key, modifiers)
        assert window.tabs.currentIndex() == expected
        assert focus() is (editor.grid if expected else window.view.timeline)


def test_alt_r_from_an_exam_opens_trends_and_up_down_switch_groups_at_once(qtbot: QtBot,
                                                                          window: MainWindow) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    press(Qt.Key.Key_R, ALT)
    trends = window.view.trends
    assert window.tabs.currentIndex() == 0 and window.view.pages.currentWidget() is trends
    assert focus() is trends.what
    before = trends.choice()[0]
    press(Qt.Key.Key_Down)
    assert trends.choice()[0] != before
    press(Qt.Key.Key_X, ALT)
    assert focus() is window.view.responses
    press(Qt.Key.Key_O, ALT)
    assert focus() is window.view.timeline


def test_ctrl_shift_s_signs_from_the_tab_bar_and_escape_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    editor = _exam(window)
    press(Qt.Key.Key_1)
    window.tabs.tabBar().setFocus()  # say the user clicked the tab: the exam's keys still work
    assert isinstance(focus(), QTabBar)
    seen = when_dialog(qtbot, lambda d: press(Qt.Key.Key_Escape))
    press(Qt.Key.Key_S, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Sign" in seen[0].windowTitle()
    assert editor.status.text() == "Not signed"  # saved first, then asked, and Escape said no
    qtbot.waitUntil(lambda: isinstance(focus(), QTabBar))


def test_focus_never_lands_nowhere_after_a_dialog(qtbot: QtBot, window: MainWindow) -> None:
    open_by_search(qtbot, window)
    window.view.goals.setFocus()  # a widget that is gone when the dialog closes (the page changes below it)

    def close_and_hide(dialog: QDialog) -> None:
        window.view.pages.setCurrentIndex(1)
        window.view.pages.setCurrentIndex(0)
        window.view.tabs.setCurrentIndex(0)  # the goals page is hidden now
        press(Qt.Key.Key_Escape)

    when_dialog(qtbot, close_and_hide)
    press(Qt.Key.Key_G, CTRL)
    qtbot.waitUntil(lambda: focus() is not None and focus().window() is window)
    assert focus().isVisible()


def test_every_dialog_accepts_with_ctrl_enter_and_tab_leaves_its_text_boxes(qtbot: QtBot,
                                                                            window: MainWindow) -> None:
    open_by_search(qtbot, window)

    def fill_goal(dialog: QDialog) -> None:
        assert focus() is dialog.text  # type: ignore[attr-defined]  # the first field
        type_text("Walks to school")
        dialog.baseline.setCurrentIndex(0)  # type: ignore[attr-defined]
        press(Qt.Key.Key_Return, CTRL)

    when_dialog(qtbot, fill_goal)
    press(Qt.Key.Key_G, CTRL)
    assert "Walks to school" in [g.text for g in window.view.record.goals]  # type: ignore[union-attr]


def test_saving_past_a_safety_warning_is_not_a_keyboard_trap(qtbot: QtBot) -> None:
    from assess.ui.focus import give_shared_keys
    from assess.ui.toxin_checks import ask_override_reason

    answer: list[str | None] = []

    def give_reason(dialog: QDialog) -> None:
        give_shared_keys(dialog)  # the window does this for every dialog when it becomes active
        box = dialog.findChild(QPlainTextEdit)
        assert focus() is box
        type_text("Severe spasticity, agreed with the family")
        press(Qt.Key.Key_Tab)
        assert focus() is not box and box.toPlainText().endswith("family")  # Tab left the text alone
        press(Qt.Key.Key_Return, CTRL)

    when_dialog(qtbot, give_reason)
    answer.append(ask_override_reason(None, []))
    assert answer == ["Severe spasticity, agreed with the family"]


def test_a_grid_cell_refuses_r1_beyond_r2_with_a_word(qtbot: QtBot, window: MainWindow) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    editor = _exam(window)
    grid = editor.grid
    grid.go_to(("plantarflexors_knee_extended", "left", "tardieu_r2"))
    type_text("90")
    press(Qt.Key.Key_Return)
    grid.go_to(("plantarflexors_knee_extended", "left", "tardieu_r1"))
    type_text("150")
    press(Qt.Key.Key_Return)
    assert "R1 150° is beyond R2 90°" in grid.help_line.keys.text()
    assert editor.model.cell_state(("plantarflexors_knee_extended", "left", "tardieu_r1")).value is None
    assert focus() is grid


def test_the_header_is_bold_only_over_the_cursor(qtbot: QtBot, window: MainWindow) -> None:
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    grid = _exam(window).grid
    header = grid.horizontalHeader()
    press(Qt.Key.Key_Right)
    assert header._current == grid.currentIndex().column()  # type: ignore[attr-defined]
    press(Qt.Key.Key_Right)
    assert header._current == 2 != QModelIndex().column()  # type: ignore[attr-defined]


def _alt_letter(text: str) -> str | None:
    """The letter a caption's '&' gives Alt (None without one; '&&' is a literal ampersand)."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].upper() if at >= 0 else None


def _window_alt_letters(window: MainWindow) -> set[str]:
    menus = {_alt_letter(action.text()) for action in window.menuBar().actions()}
    keys = {key.toString() for action in window.actions() for key in action.shortcuts()}
    return {letter for letter in menus if letter} | {k.removeprefix("Alt+") for k in keys if k.startswith("Alt+")}


def test_in_an_exam_each_alt_letter_reaches_its_field_not_a_menu_of_the_window(qtbot: QtBot,
                                                                                window: MainWindow) -> None:
    """A caption's Alt+letter shared with a menu opened the menu (Alt+P for Pain opened Patient, Alt+W Weight
    the View menu, Alt+T Template the Treatment menu): none is shared, and each lands in its field."""
    open_by_search(qtbot, window)
    press(Qt.Key.Key_N, CTRL)
    editor = _exam(window)
    captions = [label.text() for label in editor.findChildren(QLabel) if label.buddy() is not None]
    buttons = [button.text() for button in editor.findChildren(QAbstractButton)]
    editor_letters = {letter for letter in map(_alt_letter, captions + buttons) if letter}
    taken = _window_alt_letters(window)
    assert {"P", "V", "T", "W", "H", "O", "R", "X"} <= taken  # the menus and the pages, as the window has them
    assert not editor_letters & taken, f"Alt+{sorted(editor_letters & taken)} both in the exam and the window"
    for key, field in ((Qt.Key.Key_G, editor.scores.weight), (Qt.Key.Key_F, editor.scores.combos["penn_frequency"]),
                       (Qt.Key.Key_A, editor.scores.combos["pain_nrs"]), (Qt.Key.Key_M, editor.toolbar.template),
                       (Qt.Key.Key_U, editor.toolbar.order)):
        editor.grid.setFocus()
        press(key, ALT)
        assert QApplication.activePopupWidget() is None  # no menu opened over the exam
        assert focus() is field, f"Alt+{key.name} went to {focus()!r}"
    assert window.tabs.currentWidget() is editor
