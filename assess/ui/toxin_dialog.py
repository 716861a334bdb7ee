"""The botulinum toxin session dialog: product, dilution, lot, guidance and the injections table with totals."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
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
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assess.domain import GUIDANCE, TOXIN_PRODUCTS, Injection, PatientDetails, ToxinSession
from assess.errors import RecordError
from assess.labels import words
from assess.scoring.limits import LimitTable, load_limits
from assess.scoring.muscles import MUSCLES, SIDES, muscle_name
from assess.scoring.order import canonical_treatment
from assess.scoring.safety import Alert
from assess.services.checks import check_treatment
from assess.ui import treatment_dialog as form
from assess.ui.toxin_checks import ToxinChecks, ask_override_reason, override_note

MUSCLE, SIDE, UNITS, SITES = range(4)
HEADERS = ("Muscle", "Side", "Units", "Sites")
RAW_ROLE = Qt.ItemDataRole.UserRole  # the stored value (code or number): for sorting and tests
_FIELDS = ("muscle", "side", "units", "sites")
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
        value = getattr(self._rows[index.row()], _FIELDS[column])
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
        if getattr(row, _FIELDS[column]) != value:
            self._rows[index.row()] = dataclasses.replace(row, **{_FIELDS[column]: value})
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


class ToxinSessionDialog(QDialog):
    def __init__(self, parent: QWidget | None, details: PatientDetails, weight_kg: float | None,
                 initial: ToxinSession | None = None, earlier: Sequence[ToxinSession] = (),
                 limits: LimitTable | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit toxin session" if initial else "New toxin session")
        self._details = details
        self._weight = weight_kg
        self.result_session: ToxinSession | None = None
        self.errors = form.FieldErrors()
        self.date = form.date_edit("Session date")
        self.product = form.choice_edit("Product", TOXIN_PRODUCTS, True, "choose… (units differ between products)")
        self.dilution = form.number_edit("Dilution, units per mL", " U/mL", 1)
        self.lot = QLineEdit()
        self.lot.setAccessibleName("Lot number")
        self.guidance = form.choice_edit("Guidance", GUIDANCE, False)
        self.notes = form.notes_edit()
        self._fields: dict[str, QWidget] = {"date": self.date, "product": self.product,
                                            "dilution_units_per_ml": self.dilution, "lot": self.lot,
                                            "guidance": self.guidance, "notes": self.notes}
        self.model = InjectionTableModel(self)
        self._typing: tuple[int, float | None] | None = None  # units being typed in a cell, not yet entered
        self.table = self._make_table()
        self.total, self.side_totals, self.per_kg = QLabel(), QLabel(), QLabel()
        self.checks = ToxinChecks(details, weight_kg, earlier, limits or load_limits())
        for name, label in (("total", self.total), ("side_totals", self.side_totals), ("per_kg", self.per_kg)):
            label.setObjectName(name)
        self._lay_out()
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.modelReset, self.product.currentIndexChanged):
            signal.connect(self._update_totals)
        if initial is None:
            self.model.set_rows([InjectionRow()])
        else:
            for name, widget in self._fields.items():
                form.set_field_value(widget, getattr(initial, name))
            self.model.set_rows([InjectionRow(i.muscle, i.side, i.units, i.sites) for i in initial.injections])

    @classmethod
    def ask(cls, parent: QWidget | None, details: PatientDetails, weight_kg: float | None,
            initial: ToxinSession | None = None, earlier: Sequence[ToxinSession] = (),
            limits: LimitTable | None = None) -> ToxinSession | None:
        """The session as entered and checked (injections in catalogue order), or None when cancelled.
        `earlier`: the patient's other toxin sessions, for the re-injection interval."""
        dialog = cls(parent, details, weight_kg, initial, earlier, limits)
        dialog.exec()
        return dialog.result_session

    def _make_table(self) -> InjectionTable:
        table = InjectionTable()
        table.setModel(self.model)
        delegate = InjectionDelegate(table)
        delegate.units_typed.connect(self._on_delegate_units_typed)
        delegate.closeEditor.connect(self._on_delegate_units_typed)
        table.setItemDelegate(delegate)
        table.setAccessibleName("Injections")
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        trigger = QAbstractItemView.EditTrigger
        table.setEditTriggers(trigger.AnyKeyPressed | trigger.DoubleClicked | trigger.EditKeyPressed
                              | trigger.SelectedClicked)
        header = table.horizontalHeader()
        header.setSectionResizeMode(MUSCLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((SIDE, 90), (UNITS, 90), (SITES, 60)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(column, width)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * 9)
        remove = QAction("Remove row", table)
        remove.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # not while a cell is being edited
        remove.triggered.connect(self.remove_row)
        table.addAction(remove)
        return table

    def _lay_out(self) -> None:
        top = QGridLayout()
        top.setHorizontalSpacing(12)
        for i, (label, key) in enumerate((("Date", "date"), ("Product", "product"),
                                          ("Dilution", "dilution_units_per_ml"), ("Lot", "lot"),
                                          ("Guidance", "guidance"))):
            widget = self._fields[key]
            caption = QLabel(label)
            caption.setBuddy(widget)
            caption.setMinimumHeight(widget.sizeHint().height())  # level with the field, not its message
            top.addWidget(caption, i // 2, i % 2 * 2, Qt.AlignmentFlag.AlignTop)
            top.addWidget(self.errors.wrap(key, widget), i // 2, i % 2 * 2 + 1)
        top.setColumnStretch(3, 1)
        rows = QHBoxLayout()
        for text, keys, slot in (("Add row", "Ctrl+Enter", self.add_row), ("Other side", "Ctrl+D", self.add_other_side),
                                 ("Remove row", "Delete", self.remove_row)):
            button = QPushButton(f"{text}  ({keys})")
            button.setAccessibleName(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            rows.addWidget(button)
        rows.addStretch(1)
        for keys, slot in (("Ctrl+Return", self.add_row), ("Ctrl+Enter", self.add_row),
                           ("Ctrl+D", self.add_other_side)):
            QShortcut(QKeySequence(keys), self, slot)
        totals = QHBoxLayout()
        totals.setSpacing(24)
        self.total.setStyleSheet("font-weight: bold;")
        for line in (self.total, self.side_totals, self.per_kg):
            totals.addWidget(line)
        totals.addStretch(1)
        notes = QFormLayout()
        notes.addRow("Notes", self.errors.wrap("notes", self.notes))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(form.patient_line(self._details))
        layout.addLayout(top)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>Injections</b> — type to find a muscle; Tab moves to the next cell"))
        layout.addWidget(self.errors.wrap("injections", self.table), 1)
        for part in (rows, totals):
            layout.addLayout(part)
        layout.addWidget(self.checks)
        layout.addLayout(notes)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.resize(680, 640)

    # --- rows ---------------------------------------------------------------------------------
    def _start_editing(self, row: int, column: int) -> None:
        index = self.model.index(row, column)
        self.table.setFocus()
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def add_row(self) -> None:
        """A new empty row at the end, its muscle cell open for typing."""
        self.model.insert_row(self.model.rowCount())
        self._start_editing(self.model.rowCount() - 1, MUSCLE)

    def add_other_side(self) -> None:
        """The current row's muscle on the other side, same units and sites, ready to adjust the units."""
        row = self.table.currentIndex().row()
        source = self.model.rows()[row] if row >= 0 else None
        if source is None or source.side not in SIDES:
            return
        other = SIDES[1 - SIDES.index(str(source.side))]
        self.model.insert_row(row + 1, dataclasses.replace(source, side=other))
        self._start_editing(row + 1, UNITS)

    def remove_row(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.remove_row(row)
            if self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), MUSCLE))

    def _on_delegate_units_typed(self, row: object = None, units: float | None = None) -> None:
        self._typing = (row, units) if isinstance(row, int) else None  # an editor closed: the table holds it
        self._update_totals()

    def _update_totals(self) -> None:
        rows = self.model.rows()
        if self._typing is not None and self._typing[0] < len(rows):
            rows[self._typing[0]] = dataclasses.replace(rows[self._typing[0]], units=self._typing[1])
        total, sides = session_totals(rows)
        product = self.product.currentData()
        self.total.setText(f"Total: {total:g} U {words(product) if product else '(choose the product)'}")
        self.side_totals.setText(" · ".join(f"{words(s).capitalize()} {u:g} U" for s, u in sides.items()))
        self.per_kg.setText(f"{total / self._weight:.1f} U/kg at {self._weight:g} kg" if self._weight
                            else "U/kg: no weight recorded")
        self.checks.update_for(self._typed_session(rows))

    def _typed_session(self, rows: list[InjectionRow]) -> ToxinSession | None:
        """The session as far as typed, for the live checks (complete rows only; None without a product)."""
        product, day = self.product.currentData(), form.field_value(self.date)
        if product is None or day is None:
            return None
        injections = tuple(Injection(r.muscle, r.side, r.units, r.sites) for r in rows
                           if r.muscle is not None and r.side is not None and r.units is not None and r.units > 0)
        return ToxinSession(day, product, injections)

    # --- OK -----------------------------------------------------------------------------------
    def _show_cell_error(self, row: int, column: int, message: str) -> None:
        filled = self.model.rows()[row]
        what = ", ".join(x for x in (muscle_name(filled.muscle) if filled.muscle else "",
                                     words(filled.side) if filled.side else "") if x)
        self.errors.show("injections", f"Row {row + 1}{f' ({what})' if what else ''}, "
                                       f"{HEADERS[column].lower()}: {message}")
        self.model.set_error(row, column, message)
        self.table.setCurrentIndex(self.model.index(row, column))
        self.table.scrollTo(self.model.index(row, column))
        self.table.setFocus()

    def session(self) -> tuple[ToxinSession, list[int]] | None:
        """The session as typed and the table row of each injection; None after showing an empty field."""
        values = {name: form.field_value(widget) for name, widget in self._fields.items()}
        if values["product"] is None:
            self.errors.show("product", "Required.")
            return None
        rows: list[int] = []
        injections: list[Injection] = []
        for r, row in enumerate(self.model.rows()):
            if row.is_blank():
                continue
            empty = [column for column in (MUSCLE, SIDE, UNITS) if getattr(row, _FIELDS[column]) is None]
            if empty:
                self._show_cell_error(r, empty[0], "Required.")
                return None
            assert row.muscle is not None and row.side is not None and row.units is not None
            rows.append(r)
            injections.append(Injection(row.muscle, row.side, row.units, row.sites))
        return ToxinSession(injections=tuple(injections), **values), rows

    def _show(self, error: RecordError, session: ToxinSession, rows: list[int]) -> None:
        head, _, field = error.path.partition(".")
        if head.startswith("injections["):
            # The check names injections in catalogue order (as stored); find the table row it means.
            ordered = canonical_treatment(session)
            assert isinstance(ordered, ToxinSession)
            row_of = {id(injection): row for injection, row in zip(session.injections, rows, strict=True)}
            row = row_of[id(ordered.injections[int(head[len("injections["):-1])])]
            message = error.message
            for code in {i.muscle for i in session.injections}:
                message = message.replace(code, muscle_name(code).lower())
            self._show_cell_error(row, _FIELDS.index(field) if field in _FIELDS else MUSCLE, form.readable(message))
        elif head == "injections":
            self.errors.show(head, "Enter at least one injection." if not session.injections
                             else form.readable(error.message))
        else:  # a session-level error (before the birth date) is about its date
            self.errors.show(head or "date", form.readable(error.message))

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        self.model.clear_error()
        built = self.session()
        if built is None:
            return
        try:
            checked = check_treatment(self._details, built[0])
        except RecordError as error:
            self._show(error, *built)
            return
        assert isinstance(checked, ToxinSession)
        warnings = [a for a in self.checks.update_for(checked) if a.severity == "warning"]
        if warnings:
            reason = self.ask_override(warnings)
            if reason is None:
                return  # nothing saved; the clinician can change the doses or the date
            checked = dataclasses.replace(checked, notes=override_note(checked.notes, reason, warnings))
        self.result_session = checked
        self.accept()

    def ask_override(self, warnings: list[Alert]) -> str | None:
        return ask_override_reason(self, warnings)
