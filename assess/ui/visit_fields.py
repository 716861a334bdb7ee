"""Small field widgets of the visit editor: a grade list, a number field, a checklist of codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QWidget

from assess.record.labels import words
from assess.scoring.scales import NumericScale, OrdinalScale

NOT_SCORED = "—"


class ScaleCombo(QComboBox):
    """One ordinal score: '—' (not scored) or a grade with its exact wording; typing the grade selects it."""

    edited = Signal(object, object)  # before, after (int grade or None), only for the user's own changes

    def __init__(self, scale: OrdinalScale, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.setAccessibleName(accessible_name)
        self.setToolTip(f"{scale.name}. {scale.source}")
        self.addItem(NOT_SCORED, None)
        for grade in scale.grades:
            self.addItem(f"{grade.label} – {grade.meaning}", int(grade.label))
            self.setItemData(self.count() - 1, grade.meaning, Qt.ItemDataRole.ToolTipRole)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self._value: int | None = None
        self.currentIndexChanged.connect(self._on_current_index_changed)

    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        """Show a value without reporting it as an edit (loading, undo)."""
        self._value = value
        self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(value)))
        self.blockSignals(False)

    def _on_current_index_changed(self, _index: int) -> None:
        before, self._value = self._value, self.currentData()
        if before != self._value:
            self.edited.emit(before, self._value)


class NumberField(QLineEdit):
    """A measured value (weight): empty or a number in the scale's range, checked when the field is left."""

    edited = Signal(object, object)
    refused = Signal(str)

    def __init__(self, scale: NumericScale, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.setAccessibleName(accessible_name)
        self.setToolTip(scale.help)
        self.setPlaceholderText(scale.unit)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}([.,]\d{0,3})?"), self))
        self.setMaximumWidth(90)
        self._value: float | None = None
        self.editingFinished.connect(self._on_editing_finished)

    def value(self) -> float | None:
        return self._value

    def set_value(self, value: float | None) -> None:
        self._value = value
        self.setText("" if value is None else f"{value}".removesuffix(".0"))

    def _on_editing_finished(self) -> None:
        text = self.text().strip().replace(",", ".")
        if not text:
            after = None
        else:
            try:
                number = float(text)
                self.scale.check(number)
            except ValueError as error:
                self.refused.emit(str(error) if "range" in str(error) else f"{self.scale.name}: not a number")
                self.set_value(self._value)
                return
            after = self._value if self._value == number else number  # keep the exact stored float
        before, self._value = self._value, after
        if before != after:
            self.edited.emit(before, after)


class CodeChecklist(QWidget):
    """Codes to tick (triggers, symptoms) as check boxes in two columns; a clinic's own x- codes are kept."""

    edited = Signal(object, object)  # before, after: tuples of codes

    def __init__(self, codes: Sequence[str], accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        self._value: tuple[str, ...] = ()
        self._read_only = False
        self._columns = 2
        for code in codes:
            self._add(code)

    def _add(self, code: str) -> None:
        box = QCheckBox(words(code))
        box.setAccessibleName(f"{self.accessibleName()}: {words(code)}")
        box.toggled.connect(self._on_box_toggled)
        box.setEnabled(not self._read_only)
        self.boxes[code] = box
        self.set_columns(self._columns)

    def set_columns(self, columns: int) -> None:
        """Column-major, so the list reads down the first column first, as printed on a form."""
        self._columns = columns
        rows = -(-len(self.boxes) // columns)
        for position, widget in enumerate(self.boxes.values()):
            self._grid.removeWidget(widget)
            self._grid.addWidget(widget, position % rows, position // rows)

    def value(self) -> tuple[str, ...]:
        return self._value

    def set_value(self, codes: Iterable[str]) -> None:
        chosen = tuple(codes)
        for code in chosen:
            if code not in self.boxes:  # a clinic's own x- code from a stored visit: kept and shown
                self._add(code)
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in chosen)
            box.blockSignals(False)
        self._value = self._ordered(chosen)

    def _ordered(self, codes: Iterable[str]) -> tuple[str, ...]:
        chosen = set(codes)
        return tuple(code for code in self.boxes if code in chosen)

    def _on_box_toggled(self, _checked: bool) -> None:
        after = self._ordered(code for code, box in self.boxes.items() if box.isChecked())
        before, self._value = self._value, after
        if before != after:
            self.edited.emit(before, after)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for box in self.boxes.values():
            box.setEnabled(not read_only)

    def focus_chain(self) -> list[QWidget]:
        return list(self.boxes.values())


class UndoKeysToEditor(QObject):
    """Lets Ctrl+Z / Ctrl+Y in a text field reach the editor's undo stack (one history per visit)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Filtered out, the override is never accepted by the text field, so the editor's shortcut fires.
        return event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
            or QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+Y"))
