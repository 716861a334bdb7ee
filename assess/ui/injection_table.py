"""The toxin session's injections table: one row per muscle and side, its editors, and the session's totals."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from assess.record.labels import words
from assess.scoring.muscles import MUSCLES, SIDES, muscle_name
from assess.ui import treatment_dialog as form

MUSCLE, SIDE, UNITS, SITES = range(4)
HEADERS = ("Muscle", "Side", "Units", "Sites")
RAW_ROLE = Qt.ItemDataRole.UserRole  # the stored value (code or number): for sorting and tests
FIELDS = ("muscle", "side", "units", "sites")
_ERROR_BACKGROUND = QColor("#fde2e2")
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True)
class InjectionRow:
    """A table row as typed so far: any cell may still be empty."""

    muscle: str | None = None
    side: str | None = None
    units: float | None = None
    sites: int | None = None

    def is_blank(self) -> bool:
        return self == InjectionRow()


class InjectionTableModel(QAbstractTableModel):
    """The injections of one session, one row per muscle and side; edits change the rows in place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[InjectionRow] = []
        self._error: tuple[int, int, str] | None = None

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        value = getattr(self._rows[index.row()], FIELDS[column])
        if role in (Qt.ItemDataRole.EditRole, RAW_ROLE):
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return muscle_name(value) if column == MUSCLE else words(value) if column == SIDE else f"{value:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (UNITS, SITES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if self._error and self._error[:2] == (index.row(), column):
            if role == Qt.ItemDataRole.BackgroundRole:
                return _ERROR_BACKGROUND
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._error[2]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        column = index.column()
        if value is not None:
            value = float(value) if column == UNITS else int(value) if column == SITES else str(value)
        row = self._rows[index.row()]
        if getattr(row, FIELDS[column]) != value:
            self._rows[index.row()] = dataclasses.replace(row, **{FIELDS[column]: value})
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def set_rows(self, rows: list[InjectionRow]) -> None:
        self.beginResetModel()
        self._rows, self._error = list(rows), None
        self.endResetModel()

    def rows(self) -> list[InjectionRow]:
        return list(self._rows)

    def insert_row(self, at: int, row: InjectionRow | None = None) -> None:
        self.beginInsertRows(_ROOT, at, at)
        self._rows.insert(at, row or InjectionRow())
        self._error = None
        self.endInsertRows()

    def remove_row(self, at: int) -> None:
        self.beginRemoveRows(_ROOT, at, at)
        del self._rows[at]
        self._error = None
        self.endRemoveRows()

    def set_error(self, row: int, column: int, message: str) -> None:
        """Mark the cell a message is about: tinted, with the message as its tooltip."""
        self.clear_error()
        self._error = (row, column, message)
        self.dataChanged.emit(self.index(row, column), self.index(row, column))

    def clear_error(self) -> None:
        marked, self._error = self._error, None
        if marked is not None:
            self.dataChanged.emit(self.index(*marked[:2]), self.index(*marked[:2]))


def session_totals(rows: list[InjectionRow]) -> tuple[float, dict[str, float]]:
    """Units in the table, all and per side (a session is one product, so adding its units is meaningful)."""
    sides = dict.fromkeys(SIDES, 0.0)
    for row in rows:
        if row.units is not None and row.side in sides:
            sides[row.side] += row.units
    return sum(row.units for row in rows if row.units is not None), sides


class MuscleBox(QComboBox):
    """The muscle catalogue; typing filters it by any part of the name ("gastro", "hams")."""

    left = Signal(bool)  # Tab (True) or Shift+Tab (False) while the list of matches is open

    def __init__(self, parent: QWidget | None, extra: list[str]) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName("Muscle")
        for code in [m.code for m in MUSCLES] + extra:  # extra: a clinic's own x- muscles in the table
            self.addItem(muscle_name(code), code)
        self.finder = QCompleter(self.model(), self)
        self.finder.setFilterMode(Qt.MatchFlag.MatchContains)
        self.finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(self.finder)

    def event(self, event: QEvent) -> bool:
        # With the list open, the completer hands Tab straight to event(), past the view's editor handling.
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            if self.finder.popup() is not None:
                self.finder.popup().hide()  # type: ignore[union-attr]
            self.left.emit(event.key() == Qt.Key.Key_Tab)
            return True
        return super().event(event)

    def code(self) -> str | None:
        """The muscle the text names: its exact name, else the first name containing it (the top of the list
        the popup shows), or a clinic's own x- code; None when nothing matches."""
        text = self.currentText().strip()
        if text.startswith("x-"):
            return text
        names = [(self.itemText(i).casefold(), str(self.itemData(i))) for i in range(self.count())]
        found = [c for n, c in names if n == text.casefold()] or [c for n, c in names if text and text.casefold() in n]
        return found[0] if found else None


class InjectionDelegate(QStyledItemDelegate):
    """Editors for the cells; the units editor reports every keystroke so the totals follow the typing
    (the cell itself changes on Enter or Tab, and Escape leaves it as it was)."""

    units_typed = Signal(int, object)  # row, units (None while empty)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        editor: QWidget
        if index.column() == MUSCLE:
            model = index.model()
            extra = {str(model.index(r, MUSCLE).data(RAW_ROLE)) for r in range(model.rowCount())}
            muscle = MuscleBox(parent, sorted(code for code in extra if code.startswith("x-")))
            # Choosing from the filtered list is the whole entry: commit and go on to the side.
            muscle.finder.activated.connect(lambda *_: self._on_muscle_chosen(muscle))
            muscle.left.connect(lambda forward: self._on_muscle_chosen(muscle, forward))
            return muscle
        if index.column() == SIDE:
            editor = form.choice_edit("Side", SIDES, True, "")
        elif index.column() == UNITS:
            editor = form.number_edit("Units", " U", 1, True)
            row = index.row()
            editor.valueChanged.connect(lambda _value: self.units_typed.emit(row, form.field_value(editor)))
        else:
            editor = form.number_edit("Sites", "", 0, True)
        editor.setMinimumWidth(0)
        editor.setParent(parent)
        return editor

    def _on_muscle_chosen(self, editor: MuscleBox, forward: bool = True) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem if forward
                              else QAbstractItemDelegate.EndEditHint.EditPreviousItem)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        form.set_field_value(editor, index.data(RAW_ROLE))
        if isinstance(editor, MuscleBox) and index.data(RAW_ROLE) is None:
            editor.setEditText("")

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        value = editor.code() if isinstance(editor, MuscleBox) else form.field_value(editor)
        if value is None and isinstance(editor, MuscleBox) and editor.currentText().strip():
            return  # text that names no muscle leaves the cell as it was
        model.setData(index, value, Qt.ItemDataRole.EditRole)


class InjectionTable(QTableView):
    """Tab walks the cells and leaves the table after the last one (no keyboard trap)."""

    def moveCursor(self, action: QAbstractItemView.CursorAction,  # noqa: N802
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        at = (self.currentIndex().row(), self.currentIndex().column())
        last = (self.model().rowCount() - 1, self.model().columnCount() - 1)
        if (action, at) in ((QAbstractItemView.CursorAction.MoveNext, last),
                            (QAbstractItemView.CursorAction.MovePrevious, (0, 0))):
            return QModelIndex()
        return super().moveCursor(action, modifiers)
