"""The exam grid's parts: the help line under it, its two-row header, and editors for mouse users."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRegularExpression,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QPainter, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from assess.scoring.arrows import ANGLE_NOTE, LEGEND
from assess.ui.exam_model import BETTER, COLUMN_TITLES, COLUMNS, ORDINAL, WORSE, Index

if TYPE_CHECKING:
    from assess.ui.exam_grid import ExamGrid

SCALE_TINT = QColor(0, 0, 0, 12)  # every other scale's two columns, so L/R pairs read as one


class HelpLine(QFrame):
    """Two lines under the grid: what the current cell's grade means, and how to type (or what was refused)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exam_help_line")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.meaning = QLabel()
        self.keys = QLabel()
        for label in (self.meaning, self.keys):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meaning.setStyleSheet("font-weight: 600;")
        self.meaning.setAccessibleName("Meaning of the current grade")
        self.keys.setAccessibleName("Keys for the current cell")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.meaning)
        layout.addWidget(self.keys)
        # A fixed height: a new text on each keystroke must not re-lay out the whole editor.
        self.setFixedHeight(4 * self.fontMetrics().lineSpacing() + 14)
        self._warning = False

    def show_help(self, meaning: str, keys: str) -> None:
        self.meaning.setText(meaning)
        self._set_keys(keys, warning=False)

    def warn(self, text: str) -> None:
        self._set_keys(f"⚠ {text}", warning=True)

    def note(self, text: str) -> None:
        self._set_keys(text, warning=False)

    def _set_keys(self, text: str, warning: bool) -> None:
        if warning != self._warning:
            self.keys.setStyleSheet("color: #a33a00; font-weight: 600;" if warning else "")
            self._warning = warning
        self.keys.setText(text)

    def text(self) -> str:
        return f"{self.meaning.text()}\n{self.keys.text()}"


class ExamDelegate(QStyledItemDelegate):
    """Editors for mouse users (a grade list, a number field); typed numbers are checked before they land."""

    def __init__(self, grid: ExamGrid) -> None:
        super().__init__(grid)
        self._grid = grid
        self._index = QPersistentModelIndex()

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if (index.column() // 2) % 2 == 1:
            option.backgroundBrush = QBrush(SCALE_TINT)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        self._index = QPersistentModelIndex(index)
        name = COLUMNS[index.column()][0]
        if name in ORDINAL:
            combo = QComboBox(parent)
            combo.setAccessibleName(f"{ORDINAL[name].name} grade")
            combo.addItem("", None)
            for grade in ORDINAL[name].grades:
                combo.addItem(f"{grade.label}  {grade.meaning}", grade.label)
            combo.activated.connect(lambda _i: self._on_combo_activated(combo))
            return combo
        edit = QLineEdit(parent)
        edit.setAccessibleName(COLUMN_TITLES[name])
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"-?\d{0,4}([.,]\d{0,3})?°?"), edit))
        return edit

    def _on_combo_activated(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(None if value is None else str(value))))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else f"{value:g}")
            editor.selectAll()  # the key that opened the editor replaces the old value

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        text = editor.currentData() if isinstance(editor, QComboBox) else editor.text()  # type: ignore[attr-defined]
        self._grid.commit_text(index, text)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        if isinstance(editor, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                error = self._grid.check_text(self._index, editor.text())
                if error:
                    self._grid.help_line.warn(error)
                    return True  # the editor stays open with what was typed
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self._grid.after_edit(self._grid.plain(self._index), key)
                return True
        return super().eventFilter(editor, event)


class ExamHeader(QHeaderView):
    """Two rows: each scale's name spanning its two columns, then L and R under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setHighlightSections(True)
        self._current = -1  # the grid's current column, told by the grid (see set_current_column)

    def set_current_column(self, column: int) -> None:
        """Bold follows the cursor. The whole header repaints: a scale's title spans two sections, and
        repainting only the sections Qt marks would leave the other half of the old title bold."""
        if column != self._current:
            self._current = column
            self.viewport().update()

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        hint.setHeight(2 * self.fontMetrics().height() + 14)
        return hint

    def _option(self, logical: int, rect: QRect, text: str) -> QStyleOptionHeader:
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical
        option.text = text
        option.textAlignment = Qt.AlignmentFlag.AlignCenter
        return option

    def _draw(self, painter: QPainter, option: QStyleOptionHeader, clip: QRect, bold: bool) -> None:
        painter.save()
        painter.setClipRect(clip)
        font = painter.font()
        font.setBold(bold)  # the current cell's scale and side, as Qt marks the current row
        painter.setFont(font)
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:  # noqa: N802
        if not rect.isValid() or not 0 <= logical < len(COLUMNS):
            return
        name, side = COLUMNS[logical]
        partner = logical + 1 if side == "left" else logical - 1
        current = self._current
        half = rect.height() // 2
        top = QRect(rect.left(), rect.top(), rect.width(), half)
        bottom = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)
        self._draw(painter, self._option(logical, bottom, side[0].upper()), bottom, current == logical)
        # The title is drawn over the pair in both sections, each clipped to itself: one seamless label.
        left = min(self.sectionViewportPosition(logical), self.sectionViewportPosition(partner))
        pair = QRect(left, rect.top(), self.sectionSize(logical) + self.sectionSize(partner), half)
        self._draw(painter, self._option(logical, pair, COLUMN_TITLES[name]), top, current in (logical, partner))


def exam_legend(last_visit: dt.date | None) -> QLabel:
    """What the marks in the grid mean: the arrow follows the number, the colour says better or worse."""
    since = f" {last_visit}" if last_visit else " the last visit"
    legend = QLabel(f"▲ higher, ▼ lower than{since}: <span style='color:{BETTER.name()}'>blue better</span>, "
                    f"<span style='color:{WORSE.name()}'>orange worse</span> ({ANGLE_NOTE})"
                    " · <i>grey italic</i>: copied, not yet confirmed — saved only once confirmed")
    legend.setWordWrap(True)
    legend.setAccessibleName("Legend of the exam grid")
    legend.setAccessibleDescription(f"{LEGEND}; {ANGLE_NOTE}. Grey italic: copied, not yet confirmed.")
    return legend
