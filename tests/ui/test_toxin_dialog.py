"""The toxin session dialog: the injections table model, keyboard entry, totals, errors at the cell, saving."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDialog, QLineEdit, QPlainTextEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from assess.record.domain import Injection, PatientDetails, ToxinSession
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.visits import record_treatment
from assess.storage.db import Database
from assess.ui.injection_table import (
    MUSCLE,
    RAW_ROLE,
    SIDE,
    SITES,
    UNITS,
    InjectionRow,
    InjectionTableModel,
    MuscleBox,
    session_totals,
)
from assess.ui.toxin_dialog import ToxinSessionDialog

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy", gmfcs="III")
ROWS = [InjectionRow("soleus", "left", 30, 1), InjectionRow("biceps_brachii", "right", 25.5, None),
        InjectionRow("x-tibialis_anterior", "left", 10, 2)]


def _dialog(qtbot: QtBot, weight: float | None = 22.6, initial: ToxinSession | None = None) -> ToxinSessionDialog:
    dialog = ToxinSessionDialog(None, ZOE, weight, initial)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _activate(qtbot: QtBot, dialog: ToxinSessionDialog) -> None:
    """Shortcuts need the active window (offscreen, a closed completion list leaves none active)."""
    with qtbot.waitActive(dialog):
        dialog.activateWindow()


def _editor(dialog: ToxinSessionDialog) -> QWidget:
    editor = dialog.table.indexWidget(dialog.table.currentIndex())
    assert editor is not None, "no cell editor is open"
    return editor


def _type_cell(qtbot: QtBot, dialog: ToxinSessionDialog, text: str, then: Qt.Key = Qt.Key.Key_Tab) -> None:
    """Type into the current cell, then leave it with Tab (next cell) or Return (commit).

    On a real screen Tab opens the next cell's editor. Offscreen, a completion list that closes takes the
    window's activation with it and the next editor closes again; typing on the cell opens it as it would.
    """
    if dialog.table.indexWidget(dialog.table.currentIndex()) is None:
        qtbot.keyClicks(dialog.table, text[0])
        text = text[1:]
    editor = _editor(dialog)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, then)
    qtbot.wait(1)  # Return commits through a queued call


# --- the model, without any widget ---------------------------------------------------------

def test_model_passes_the_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = InjectionTableModel()
    model.set_rows(ROWS)
    qtmodeltester.check(model)
    model.insert_row(1)
    model.remove_row(0)
    qtmodeltester.check(model)


def test_model_shows_words_and_keeps_codes() -> None:
    model = InjectionTableModel()
    model.set_rows(ROWS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Muscle", "Side", "Units", "Sites"]
    assert [model.index(0, c).data() for c in range(4)] == ["Soleus", "left", "30", "1"]
    assert [model.index(1, c).data() for c in range(4)] == ["Biceps brachii", "right", "25.5", ""]
    assert model.index(2, MUSCLE).data() == "Tibialis anterior"
    assert [model.index(1, c).data(RAW_ROLE) for c in range(4)] == ["biceps_brachii", "right", 25.5, None]


def test_model_edits_rows_in_place() -> None:
    model = InjectionTableModel()
    model.set_rows([InjectionRow()])
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append(top.column()))
    assert model.setData(model.index(0, MUSCLE), "soleus")
    assert model.setData(model.index(0, SIDE), "right")
    assert model.setData(model.index(0, UNITS), 40)
    assert model.setData(model.index(0, SITES), 2)
    assert model.rows() == [InjectionRow("soleus", "right", 40.0, 2)]
    assert changed == [MUSCLE, SIDE, UNITS, SITES]
    model.insert_row(1, InjectionRow("soleus", "left", 35, 2))
    model.remove_row(0)
    assert model.rows() == [InjectionRow("soleus", "left", 35, 2)]


def test_model_marks_the_cell_an_error_is_about() -> None:
    model = InjectionTableModel()
    model.set_rows(ROWS)
    model.set_error(1, UNITS, "Must be more than 0.")
    assert model.index(1, UNITS).data(Qt.ItemDataRole.ToolTipRole) == "Must be more than 0."
    assert model.index(1, UNITS).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, MUSCLE).data(Qt.ItemDataRole.BackgroundRole) is None
    model.clear_error()
    assert model.index(1, UNITS).data(Qt.ItemDataRole.ToolTipRole) is None


def test_session_totals_add_units_per_side() -> None:
    assert session_totals(ROWS) == (65.5, {"left": 40.0, "right": 25.5})
    assert session_totals([InjectionRow("soleus", None, 5)]) == (5.0, {"left": 0.0, "right": 0.0})


def test_muscle_box_finds_by_any_part_of_the_name(qtbot: QtBot) -> None:
    box = MuscleBox(None, ["x-tibialis_anterior"])
    qtbot.addWidget(box)
    for typed, code in (("Soleus", "soleus"), ("medial head", "gastrocnemius_medial"), ("HAMSTR", "medial_hamstrings"),
                        ("tibialis anterior", "x-tibialis_anterior"), ("x-peroneus", "x-peroneus"), ("zzz", None)):
        box.setEditText(typed)
        assert box.code() == code, typed


# --- the dialog -------------------------------------------------------------------------------

def test_injections_are_entered_from_the_keyboard(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    table = dialog.table
    table.setFocus()
    table.setCurrentIndex(dialog.model.index(0, MUSCLE))
    qtbot.keyClicks(table, "s")  # any key opens the cell's editor and goes into it
    assert isinstance(_editor(dialog), MuscleBox)
    _type_cell(qtbot, dialog, "oleus")
    _type_cell(qtbot, dialog, "r")
    _type_cell(qtbot, dialog, "40")
    _type_cell(qtbot, dialog, "2", Qt.Key.Key_Return)
    assert dialog.model.rows() == [InjectionRow("soleus", "right", 40, 2)]

    _activate(qtbot, dialog)
    qtbot.keyClick(table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # Ctrl+I: a new row
    assert dialog.model.rowCount() == 2
    assert (table.currentIndex().row(), table.currentIndex().column()) == (1, MUSCLE)
    _type_cell(qtbot, dialog, "lateral head")
    _type_cell(qtbot, dialog, "l")
    _type_cell(qtbot, dialog, "25", Qt.Key.Key_Return)

    _activate(qtbot, dialog)
    table.setCurrentIndex(dialog.model.index(0, UNITS))
    qtbot.keyClick(table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # Ctrl+D: the other side
    _type_cell(qtbot, dialog, "35", Qt.Key.Key_Return)
    assert dialog.model.rows() == [InjectionRow("soleus", "right", 40, 2), InjectionRow("soleus", "left", 35, 2),
                                   InjectionRow("gastrocnemius_lateral", "left", 25, None)]

    table.setFocus()
    table.setCurrentIndex(dialog.model.index(0, UNITS))
    qtbot.keyClicks(table, "4")
    qtbot.keyClick(_editor(dialog), Qt.Key.Key_Delete)  # inside a cell, Delete edits the text
    assert dialog.model.rowCount() == 3
    qtbot.keyClick(_editor(dialog), Qt.Key.Key_Escape)  # Escape leaves the cell, not the dialog
    assert dialog.isVisible()
    table.setFocus()
    table.setCurrentIndex(dialog.model.index(0, MUSCLE))
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # on a cell, Delete removes the row
    assert [r.side for r in dialog.model.rows()] == ["left", "left"]


def test_choosing_from_the_filtered_list_moves_on_to_the_side(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, MUSCLE))
    qtbot.keyClicks(dialog.table, "g")
    muscle = _editor(dialog)
    assert isinstance(muscle, MuscleBox)
    qtbot.keyClicks(muscle, "astro")
    popup = muscle.finder.popup()
    assert popup.isVisible() and muscle.finder.completionCount() == 2
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.model.rows()[0].muscle == "gastrocnemius_lateral"
    assert dialog.table.currentIndex().column() == SIDE


def test_totals_follow_the_units_as_they_are_typed(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, weight=22.6)
    dialog.product.setCurrentIndex(dialog.product.findData("onabotulinumtoxinA"))
    dialog.model.set_rows([InjectionRow("soleus", "left", 100, 2), InjectionRow("soleus", "right", None, 2)])
    assert dialog.total.text() == "Total: 100 U onabotulinumtoxinA (Botox)"
    assert dialog.side_totals.text() == "Left 100 U · Right 0 U"
    assert dialog.per_kg.text() == "4.4 U/kg at 22.6 kg"
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(1, UNITS))
    qtbot.keyClicks(dialog.table, "1")
    assert dialog.total.text() == "Total: 101 U onabotulinumtoxinA (Botox)"
    qtbot.keyClicks(_editor(dialog), "60")  # not yet entered with Enter: the totals follow anyway
    assert dialog.total.text() == "Total: 260 U onabotulinumtoxinA (Botox)"
    assert dialog.side_totals.text() == "Left 100 U · Right 160 U"
    assert dialog.per_kg.text() == "11.5 U/kg at 22.6 kg"
    assert dialog.model.rows()[1].units is None
    qtbot.keyClick(_editor(dialog), Qt.Key.Key_Escape)  # Escape: the cell and the totals as they were
    assert dialog.model.rows()[1].units is None and dialog.isVisible()
    assert dialog.total.text() == "Total: 100 U onabotulinumtoxinA (Botox)"
    _type_cell(qtbot, dialog, "160")
    assert dialog.model.rows()[1].units == 160
    assert dialog.total.text() == "Total: 260 U onabotulinumtoxinA (Botox)"
    dialog.product.setCurrentIndex(dialog.product.findData("abobotulinumtoxinA"))
    assert dialog.total.text() == "Total: 260 U abobotulinumtoxinA (Dysport)"


def test_without_a_weight_the_dialog_says_so(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, weight=None)
    assert dialog.per_kg.text() == "U/kg: no weight recorded"
    assert dialog.total.text() == "Total: 0 U (choose the product)"


def _fill_valid(dialog: ToxinSessionDialog) -> None:
    dialog.date.setDate(QDate(2025, 7, 28))
    dialog.product.setCurrentIndex(dialog.product.findData("onabotulinumtoxinA"))
    dialog.dilution.setValue(100)
    dialog.lot.setText("C5123AB4")
    dialog.guidance.setCurrentIndex(dialog.guidance.findData("ultrasound"))
    dialog.notes.setPlainText("Sedation: nitrous oxide.")
    dialog.model.set_rows([InjectionRow("soleus", "right", 40, 2), InjectionRow("biceps_brachii", "left", 25.5),
                           InjectionRow(), InjectionRow("soleus", "left", 35, 2)])  # a blank row is left out


EXPECTED = ToxinSession(
    dt.date(2025, 7, 28), "onabotulinumtoxinA",
    (Injection("biceps_brachii", "left", 25.5), Injection("soleus", "left", 35, 2),
     Injection("soleus", "right", 40, 2)),
    100, "C5123AB4", "ultrasound", "Sedation: nitrous oxide.")


def test_zero_units_are_shown_at_the_cell_and_block_ok(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    # Table row 4 is third in catalogue order (what the check names): the message must still find row 4.
    dialog.model.setData(dialog.model.index(3, UNITS), 0)
    dialog._on_buttons_accepted()
    assert dialog.result_session is None and dialog.isVisible()
    assert dialog.errors.labels["injections"].text() == "Row 4 (Soleus, left), units: Must be more than 0."
    assert dialog.errors.labels["injections"].isVisible()
    assert (dialog.table.currentIndex().row(), dialog.table.currentIndex().column()) == (3, UNITS)
    assert dialog.model.index(3, UNITS).data(Qt.ItemDataRole.ToolTipRole) == "Must be more than 0."
    dialog.model.setData(dialog.model.index(3, UNITS), 35)
    dialog._on_buttons_accepted()
    assert dialog.result_session == EXPECTED
    assert dialog.errors.labels["injections"].isHidden()


@pytest.mark.parametrize(("row", "expected"), [
    (InjectionRow("soleus", "left", None, 2), "Row 1 (Soleus, left), units: Required."),
    (InjectionRow(None, "left", 20), "Row 1 (left), muscle: Required."),
    (InjectionRow("soleus", None, 20), "Row 1 (Soleus), side: Required."),
])
def test_an_incomplete_row_is_shown_at_its_empty_cell(qtbot: QtBot, row: InjectionRow, expected: str) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    dialog.model.set_rows([row, InjectionRow("soleus", "right", 40)])
    dialog._on_buttons_accepted()
    assert dialog.result_session is None
    assert dialog.errors.labels["injections"].text() == expected


def test_a_muscle_twice_on_one_side_is_shown_at_the_second_row(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    dialog.model.set_rows([InjectionRow("soleus", "left", 20), InjectionRow("biceps_brachii", "left", 10),
                           InjectionRow("soleus", "left", 15)])
    dialog._on_buttons_accepted()
    assert dialog.result_session is None
    assert dialog.errors.labels["injections"].text().startswith("Row 3 (Soleus, left), muscle: Soleus left is injected "
                                                                "twice in this session")


def test_missing_product_and_no_injections_are_shown_at_their_fields(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog._on_buttons_accepted()
    assert dialog.errors.labels["product"].text() == "Required."
    dialog.product.setCurrentIndex(0)
    dialog._on_buttons_accepted()
    assert dialog.errors.labels["product"].isHidden()
    assert dialog.errors.labels["injections"].text() == "Enter at least one injection."


def test_a_session_before_birth_is_shown_at_the_date(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    dialog.date.setDate(QDate(2016, 1, 1))
    dialog._on_buttons_accepted()
    assert "before the birth date 2017-03-02" in dialog.errors.labels["date"].text()


def test_the_session_is_exact_and_reads_back_exactly(qtbot: QtBot, database: Database) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    dialog._on_buttons_accepted()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_session == EXPECTED
    with database.transaction() as session:
        create_patient(session, ZOE)
        assert record_treatment(session, "LB-1", dialog.result_session)
    with database.transaction() as session:
        assert patient_history(session, "LB-1").treatments == (EXPECTED,)


def test_editing_shows_the_stored_session(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, initial=EXPECTED)
    assert dialog.windowTitle() == "Edit toxin session"
    assert dialog.total.text() == "Total: 100.5 U onabotulinumtoxinA (Botox)"
    dialog._on_buttons_accepted()
    assert dialog.result_session == EXPECTED


def test_ask_returns_the_session_or_none(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    def fill_and_ok(self: ToxinSessionDialog) -> int:
        qtbot.addWidget(self)
        _fill_valid(self)
        self._on_buttons_accepted()
        return self.result()

    monkeypatch.setattr(ToxinSessionDialog, "exec", fill_and_ok)
    assert ToxinSessionDialog.ask(None, ZOE, 22.6) == EXPECTED

    def cancel(self: ToxinSessionDialog) -> int:
        qtbot.addWidget(self)
        _fill_valid(self)
        self.reject()
        return self.result()

    monkeypatch.setattr(ToxinSessionDialog, "exec", cancel)
    assert ToxinSessionDialog.ask(None, ZOE, 22.6) is None


def test_enter_is_ok_and_escape_cancels(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    qtbot.keyClick(dialog.lot, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.result_session == EXPECTED
    other = _dialog(qtbot)
    _fill_valid(other)
    qtbot.keyClick(other.lot, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected and other.result_session is None


def test_every_control_has_an_accessible_name(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    controls = [w for w in dialog.findChildren(QWidget)
                if isinstance(w, (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTableView))
                and not isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox))]
    assert len(controls) >= 7
    assert all(w.accessibleName() for w in controls), [type(w).__name__ for w in controls if not w.accessibleName()]


def test_tab_leaves_the_table_after_its_last_cell(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.model.set_rows(ROWS[:1])
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, SITES))
    assert not dialog.table.moveCursor(dialog.table.CursorAction.MoveNext, Qt.KeyboardModifier.NoModifier).isValid()
    dialog.table.setCurrentIndex(dialog.model.index(0, MUSCLE))
    assert dialog.table.moveCursor(dialog.table.CursorAction.MoveNext, Qt.KeyboardModifier.NoModifier).column() == SIDE


def test_tab_order_follows_the_form(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    order: list[str] = []
    widget: QWidget = dialog.date
    for _ in range(13):
        order.append(widget.accessibleName() or widget.text())  # type: ignore[attr-defined]
        widget = widget.nextInFocusChain()
        while not (widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or isinstance(
                widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            widget = widget.nextInFocusChain()
    assert order == ["Session date", "Product", "Dilution, units per mL", "Lot number", "Guidance", "Injections",
                     "Add row", "Other side", "Copy row", "Remove row", "Notes", "OK", "Cancel"]


def test_zero_sites_are_refused_at_the_cell(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _fill_valid(dialog)
    dialog.model.setData(dialog.model.index(0, SITES), 0)
    dialog._on_buttons_accepted()
    assert dialog.errors.labels["injections"].text() == "Row 1 (Soleus, right), sites: Must be at least 1."
