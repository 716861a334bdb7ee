"""The exam grid: keyboard first — one keystroke per grade, the cursor following the exam's own order."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRegularExpression, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableView, QWidget

from assess.ui import undo
from assess.ui.exam_keys import HOLD_MS, KEY_RULES, KeyRule, key_rules, keys_help, refusal
from assess.ui.exam_model import (
    COLUMN_TITLES,
    COLUMNS,
    EXAM_FIELDS,
    HELP_ROLE,
    ORDINAL,
    PENDING_ROLE,
    CellKey,
    CellState,
    ExamGridModel,
    Index,
    parse_value,
)
from assess.ui.exam_parts import ExamDelegate, ExamHeader, HelpLine

ORDERS = ("pairs", "all_left_then_right")
READ_ONLY_KEYS = "Signed: read-only · the arrow keys move from cell to cell, and this line explains each grade"
_FINDING_PATH = re.compile(r"^findings\[(\d+)\]\.(\w+)(?:\.(\w+))?")
_NUMBER_CHARS = frozenset("0123456789-.,")
_NUMBER_SHAPE = QRegularExpression(r"^-?\d{0,4}([.,]\d{0,3})?$")


_MODIFIER_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr,
                            Qt.Key.Key_Meta, Qt.Key.Key_CapsLock})


class ExamGrid(QTableView):
    """Muscle groups × (scale, side). Grades typed here go through the undo stack into the model."""

    def __init__(self, model: ExamGridModel, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exam = model
        self.stack = stack
        self.help_line = HelpLine()
        self._order = "pairs"
        self.read_only_note = "This visit is signed and cannot be changed; a correction is an addendum."
        self._held: tuple[CellKey, KeyRule, QPersistentModelIndex] | None = None
        self._number: tuple[CellKey, str, QPersistentModelIndex] | None = None  # a number being typed
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.setInterval(HOLD_MS)
        self._hold_timer.timeout.connect(self._on_hold_timer_timeout)
        if model.parent() is None:
            model.setParent(self)  # the model lives as long as the grid that paints it
        self.setModel(model)
        self.setItemDelegate(ExamDelegate(self))
        self.setObjectName("exam_grid")
        self.setAccessibleName("Exam grid: muscle groups by scale, left and right")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        # Typed keys are handled here (keyPressEvent); F2 or a double click opens an editor for the mouse.
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        header = ExamHeader(self)
        self.setHorizontalHeader(header)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(38)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        # As tall as its rows, no taller: the help line sits right under the last muscle group.
        self.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        model.dataChanged.connect(self._on_exam_data_changed)
        model.modelAboutToBeReset.connect(self._on_exam_model_about_to_be_reset)
        model.modelReset.connect(self._on_exam_model_reset)
        self._key_before_reset: CellKey | None = None
        self._on_exam_model_reset()

    # --- settings --------------------------------------------------------------------------------
    @property
    def order(self) -> str:
        return self._order

    @order.setter
    def order(self, order: str) -> None:
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")
        self._order = order

    def go_to(self, key: CellKey) -> None:
        index = self.exam.index_of(key)
        if index.isValid():
            self.setCurrentIndex(index)

    def point_at(self, path: str) -> bool:
        """Put the cursor on the cell a refusal names ('findings[3].mas', 'findings[0].tardieu.r1')."""
        match = _FINDING_PATH.match(path)
        findings = self.exam.findings()
        if match is None or int(match.group(1)) >= len(findings):
            return False
        finding = findings[int(match.group(1))]
        name = match.group(2) if match.group(3) is None else f"{match.group(2)}_{match.group(3)}"
        if name not in EXAM_FIELDS:
            return False
        self.go_to((finding.muscle_group, finding.side, name))
        return True

    def plain(self, index: Index) -> QModelIndex:
        return self.exam.index(index.row(), index.column()) if index.isValid() else QModelIndex()

    def start(self) -> None:
        """The first muscle group's MAS left cell: where an exam begins (UX.md)."""
        if self.exam.rowCount() and not self.currentIndex().isValid():
            self.setCurrentIndex(self.exam.index(0, 0))

    # --- movement --------------------------------------------------------------------------------
    def next_in_order(self, index: QModelIndex) -> QModelIndex:
        """The next cell of the same scale: left then right of a group, then the next group (or all left first)."""
        name, side = COLUMNS[index.column()]
        left, right = COLUMNS.index((name, "left")), COLUMNS.index((name, "right"))
        row, last = index.row(), self.exam.rowCount() - 1
        if self._order == "pairs":
            if side == "left":
                return self.exam.index(row, right)
            return self.exam.index(row + 1, left) if row < last else QModelIndex()
        if row < last:
            return self.exam.index(row + 1, index.column())
        return self.exam.index(0, right) if side == "left" else QModelIndex()

    def _advance(self, index: QModelIndex) -> None:
        following = self.next_in_order(index)
        if following.isValid():
            self.setCurrentIndex(following)
        else:
            title = COLUMN_TITLES[COLUMNS[index.column()][0]]
            self.help_line.note(f"That was the last {title} cell. Tab or the arrow keys go to another scale.")

    def _move_down(self, index: QModelIndex) -> None:
        below = self.exam.index(index.row() + 1, index.column())
        if below.isValid():
            self.setCurrentIndex(below)

    def after_edit(self, index: QModelIndex, key: int) -> None:
        """Where the cursor goes when a typed number is kept: Enter down the column, Tab across."""
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._move_down(index)
        else:
            action = (QAbstractItemView.CursorAction.MovePrevious if key == Qt.Key.Key_Backtab
                      else QAbstractItemView.CursorAction.MoveNext)
            self.setCurrentIndex(self.moveCursor(action, Qt.KeyboardModifier.NoModifier))

    # --- writing cells ---------------------------------------------------------------------------
    def _push_value(self, key: CellKey, value: Any) -> None:
        state = self.exam.cell_state(key)
        if state.value == value and not state.pending:
            return  # the same grade again: no undo step for nothing
        self.stack.push(undo.set_cell(self.exam, key, value, self.go_to))

    def check_text(self, index: Index, text: Any) -> str | None:
        """Why a typed value cannot be kept (the scale's own words), or None."""
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        try:
            value = self.exam.parse(self.exam.key_at(index), text)
        except ValueError as error:
            return str(error)
        return self.exam.conflict(self.exam.key_at(index), value)

    def commit_text(self, index: Index, text: Any) -> bool:
        if not index.isValid() or not self.exam.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        key = self.exam.key_at(index)
        if text is None or (isinstance(text, str) and not text.strip()):
            if self.exam.cell_state(key) != CellState():
                self.stack.push(undo.clear_cell(self.exam, key, self.go_to))
            return True
        error = self.check_text(index, text)
        if error:
            self.help_line.warn(error)
            return False
        self._push_value(key, self.exam.parse(key, text))
        return True

    def flush(self) -> None:
        """Keep what is still being typed (before undo, save, or leaving the grid)."""
        if self._held is not None:
            self._finish_held(self._held[1].grade, move=False)
        if self._number is not None and not self._finish_number():
            self._drop_number()

    # --- numbers (angles, beats) are typed into the cell, kept with Enter --------------------------
    def _type_number(self, index: QModelIndex, text: str) -> None:
        key = self.exam.key_at(index)
        typed = (self._number[1] if self._number is not None else "") + text
        if not _NUMBER_SHAPE.match(typed).hasMatch():
            self.help_line.warn(refusal(key[2], text) if text not in _NUMBER_CHARS else
                                f"'{typed}' is not a number: type for example -15 or 10.5")
            return
        self._show_number(key, typed, index)

    def _show_number(self, key: CellKey, typed: str, index: Index) -> None:
        self._number = (key, typed, QPersistentModelIndex(index))
        self.exam.set_typing(key, f"{typed}…")
        self.help_line.note(f"Typing {typed}: Enter keeps it and moves down · Tab keeps it and moves across"
                            " · Esc cancels")

    def _drop_number(self) -> None:
        self._number = None
        self.exam.set_typing(None)

    def _finish_number(self) -> bool:
        """Keep the typed number; False (with the reason shown) when it cannot be kept."""
        assert self._number is not None
        _key, typed, where = self._number
        if not typed:
            self._drop_number()
            return True
        error = self.check_text(where, typed) if typed.strip("-.,") else f"'{typed}' is not a number"
        if error:
            self.help_line.warn(error)
            return False
        self._drop_number()
        self.commit_text(self.plain(where), typed)
        return True

    def _number_key(self, event: QKeyEvent) -> bool:
        """A key while a number is being typed; True when it was used up here."""
        assert self._number is not None
        key, typed, where = self._number
        text = event.text()
        if event.key() == Qt.Key.Key_Escape:
            self._drop_number()
            self._update_help(self.currentIndex())
            return True
        if event.key() == Qt.Key.Key_Backspace:
            self._show_number(key, typed[:-1], where)
            return True
        if event.key() == Qt.Key.Key_Delete:
            self._drop_number()
            return False  # goes on to clear the cell
        if text in _NUMBER_CHARS and text:
            self._type_number(self.plain(where), text)
            return True
        if text and text.isprintable() and event.key() != Qt.Key.Key_Space:
            self.help_line.warn(refusal(key[2], text))
            return True
        if not self._finish_number():
            return True  # the key waits: what was typed stays, with the reason shown
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._move_down(self.plain(where))
            return True
        return event.key() == Qt.Key.Key_Space

    def _finish_held(self, grade: str | None, move: bool) -> None:
        assert self._held is not None
        key, _rule, where = self._held
        self._held = None
        self._hold_timer.stop()
        self.exam.set_typing(None)
        if grade is not None:
            self._push_value(key, parse_value(key[2], grade))
        if move:
            self._advance(self.plain(where))

    def _on_hold_timer_timeout(self) -> None:
        if self._held is not None:
            self._finish_held(self._held[1].grade, move=True)

    # --- keys ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self._held is not None and self._resolve_held(event):
            return
        if self._number is not None and self._number_key(event):
            return
        index = self.currentIndex()
        key = event.key()
        if not index.isValid() or event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                       | Qt.KeyboardModifier.AltModifier
                                                       | Qt.KeyboardModifier.MetaModifier):
            super().keyPressEvent(event)
            return
        name = COLUMNS[index.column()][0]
        text = event.text()
        editable = bool(self.exam.flags(index) & Qt.ItemFlag.ItemIsEditable)
        typing = key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space) or (
            bool(text) and text.isprintable())
        if typing and not editable:
            self.help_line.warn(self.read_only_note)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.commit_text(index, "")
        elif key == Qt.Key.Key_Space:
            self._confirm(index)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._advance(index) if name in ORDINAL else self._move_down(index)
        elif not text or not text.isprintable():
            super().keyPressEvent(event)
        elif name in ORDINAL:
            self._type_grade(index, name, text)
        elif text in _NUMBER_CHARS:
            self._type_number(index, text)
        else:
            self.help_line.warn(refusal(name, text))

    def _type_grade(self, index: QModelIndex, name: str, text: str) -> None:
        rule = KEY_RULES[name].get(text)
        if rule is None:
            self.help_line.warn(refusal(name, text))
            return
        key = self.exam.key_at(index)
        if rule.second:
            self._held = (key, rule, QPersistentModelIndex(index))
            self.exam.set_typing(key, f"{text}…")
            self._hold_timer.start()
            seconds = " or ".join(f"{s} for {label}" for s, label in rule.second.items())
            self.help_line.note(f"{text} typed: now {seconds}; any other key or {HOLD_MS / 1000:g} s keeps {text}")
            return
        assert rule.grade is not None
        self._push_value(key, parse_value(name, rule.grade))
        self._advance(index)

    def _resolve_held(self, event: QKeyEvent) -> bool:
        """The key after a waiting 1 (MAS) or 4 (MRC); True when it was used up here."""
        assert self._held is not None
        rule = self._held[1]
        text, key = event.text(), event.key()
        if key in _MODIFIER_KEYS:
            # Shift pressed on its way to '+' (on most keyboards '+' needs it): keep waiting for the '+'.
            return True
        command = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if not command and text in rule.second:
            self._finish_held(rule.second[text], move=True)
            return True
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self._held = None
            self._hold_timer.stop()
            self.exam.set_typing(None)
            return key != Qt.Key.Key_Delete  # Delete goes on to clear the cell
        # A next grade (or any character) is for the next cell; a movement key moves from this one.
        self._finish_held(rule.grade, move=not command and bool(text) and text.isprintable())
        return False

    def _confirm(self, index: QModelIndex) -> None:
        if not index.data(PENDING_ROLE):
            self.help_line.warn("Nothing copied here to confirm: type the value, or use Copy from last visit.")
            return
        self.stack.push(undo.confirm_cell(self.exam, self.exam.key_at(index), self.go_to))
        name = COLUMNS[index.column()][0]
        self._advance(index) if name in ORDINAL else self._move_down(index)

    # --- help line -------------------------------------------------------------------------------
    def currentChanged(self, current: Index, previous: Index) -> None:  # noqa: N802
        super().currentChanged(current, previous)
        header = self.horizontalHeader()
        if isinstance(header, ExamHeader):
            header.set_current_column(current.column() if current.isValid() else -1)
        if self._held is not None and self.plain(self._held[2]) != current:
            self._finish_held(self._held[1].grade, move=False)
        if self._number is not None and self.plain(self._number[2]) != current:
            self.flush()  # clicked elsewhere: keep the number when it is valid
        self._update_help(current)

    def _update_help(self, index: Index) -> None:
        if not index.isValid():
            self.help_line.show_help("No muscle group shown: choose a template.", "")
            return
        keys = (READ_ONLY_KEYS if not self.exam.flags(index) & Qt.ItemFlag.ItemIsEditable
                else keys_help(COLUMNS[index.column()][0]))
        self.help_line.show_help(str(index.data(HELP_ROLE)), keys)

    def _on_exam_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, _roles: Any = None) -> None:
        current = self.currentIndex()
        if (current.isValid() and top_left.row() <= current.row() <= bottom_right.row()
                and top_left.column() <= current.column() <= bottom_right.column()):
            self.help_line.meaning.setText(str(current.data(HELP_ROLE)))

    def _on_exam_model_about_to_be_reset(self) -> None:
        self.flush()
        current = self.currentIndex()
        self._key_before_reset = self.exam.key_at(current) if current.isValid() else None

    def _on_exam_model_reset(self) -> None:
        # A template change or a copy that adds rows: stay on the same cell when it is still shown.
        if self._key_before_reset is not None:
            self.go_to(self._key_before_reset)
        self._update_help(self.currentIndex())


__all__ = ["EXAM_FIELDS", "HOLD_MS", "ORDERS", "ExamGrid", "HelpLine", "key_rules", "keys_help", "refusal"]
