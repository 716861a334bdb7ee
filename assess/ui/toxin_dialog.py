"""The botulinum toxin session dialog: product, dilution, lot, guidance and the injections table with totals."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import GUIDANCE, TOXIN_PRODUCTS, Injection, PatientDetails, ToxinSession
from assess.record.errors import RecordError
from assess.record.labels import words
from assess.scoring.limits import LimitTable, load_limits
from assess.scoring.muscles import SIDES, muscle_name
from assess.scoring.order import canonical_treatment
from assess.scoring.safety import Alert
from assess.services.checks import check_treatment
from assess.ui import treatment_dialog as form
from assess.ui.injection_table import (
    FIELDS,
    HEADERS,
    MUSCLE,
    SIDE,
    SITES,
    UNITS,
    InjectionDelegate,
    InjectionRow,
    InjectionTable,
    InjectionTableModel,
    session_totals,
)
from assess.ui.toxin_checks import ToxinChecks, ask_override_reason, override_note


class ToxinSessionDialog(QDialog):
    def __init__(self, parent: QWidget | None, details: PatientDetails, weight_kg: float | None,
                 initial: ToxinSession | None = None, earlier: Sequence[ToxinSession] = (),
                 limits: LimitTable | None = None, *, weighed_on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit toxin session" if initial else "New toxin session")
        self._details = details
        self._weight = weight_kg
        self._weighed_on = weighed_on if weight_kg else None
        self.result_session: ToxinSession | None = None
        self.prefilled = ""
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
        self.checks = ToxinChecks(details, weight_kg, earlier, limits or load_limits(), weighed_on=weighed_on)
        for name, label in (("total", self.total), ("side_totals", self.side_totals), ("per_kg", self.per_kg)):
            label.setObjectName(name)
        self._lay_out()
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.modelReset, self.product.currentIndexChanged):
            signal.connect(self._update_totals)
        if initial is None:
            self.model.set_rows([InjectionRow()])
            self._prefill_from(earlier)
        else:
            for name, widget in self._fields.items():
                form.set_field_value(widget, getattr(initial, name))
            self.model.set_rows([InjectionRow(i.muscle, i.side, i.units, i.sites) for i in initial.injections])

    def _prefill_from(self, earlier: Sequence[ToxinSession]) -> None:
        """A new session starts with the product and dilution of the patient's last one (most clinics keep them)."""
        if not earlier:
            return
        last = max(earlier, key=lambda t: t.date)
        form.set_field_value(self.product, last.product)
        if last.dilution_units_per_ml is not None:
            form.set_field_value(self.dilution, last.dilution_units_per_ml)
        self.prefilled = f"Product and dilution as at the last session ({last.date})"
        self.product.setToolTip(self.prefilled)
        self.product.setAccessibleDescription(self.prefilled)

    @classmethod
    def ask(cls, parent: QWidget | None, details: PatientDetails, weight_kg: float | None,
            initial: ToxinSession | None = None, earlier: Sequence[ToxinSession] = (),
            limits: LimitTable | None = None, *, weighed_on: dt.date | None = None) -> ToxinSession | None:
        """The session as entered and checked (injections in catalogue order), or None when cancelled.
        `earlier`: the patient's other toxin sessions, for the re-injection interval; `weighed_on`: the day the
        weight was recorded, for a child's weight too old."""
        dialog = cls(parent, details, weight_kg, initial, earlier, limits, weighed_on=weighed_on)
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
        # Ctrl+Enter saves, as in every dialog of assess; rows have keys of their own.
        for text, keys, slot, tip in (
                ("Add row", "Ctrl+I", self.add_row, "A new empty row, its muscle cell open"),
                ("Other side", "Ctrl+D", self.add_other_side, "The muscle on the other side, same units and sites"),
                ("Copy row", "Ctrl+Shift+D", self.copy_row, "A copy of the row, units and sites, for another muscle"),
                ("Remove row", "Delete", self.remove_row, "Remove the current row")):
            button = QPushButton(f"{text}  ({keys})")
            button.setAccessibleName(text)
            button.setAccessibleDescription(f"{tip} ({keys})")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            rows.addWidget(button)
            if keys != "Delete":
                QShortcut(QKeySequence(keys), self, slot)
        rows.addStretch(1)
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
        self._commit_open_editor()
        row = self.table.currentIndex().row()
        source = self.model.rows()[row] if row >= 0 else None
        if source is None or source.side not in SIDES:
            return
        other = SIDES[1 - SIDES.index(str(source.side))]
        self.model.insert_row(row + 1, dataclasses.replace(source, side=other))
        self._start_editing(row + 1, UNITS)

    def copy_row(self) -> None:
        """The current row again under it, units and sites kept, its muscle cell open to type the other muscle."""
        self._commit_open_editor()
        row = self.table.currentIndex().row()
        if row < 0:
            return
        self.model.insert_row(row + 1, dataclasses.replace(self.model.rows()[row], muscle=None))
        self._start_editing(row + 1, MUSCLE)

    def _commit_open_editor(self) -> None:
        """Units still being typed in a cell count for a copy: the editor is closed and kept first."""
        editor = self.table.indexWidget(self.table.currentIndex()) or self.focusWidget()
        if editor is not None and editor.parent() is self.table.viewport():
            delegate = self.table.itemDelegate()
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

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
        weighed = f" (weighed {self._weighed_on})" if self._weighed_on else ""
        self.per_kg.setText(f"{total / self._weight:.1f} U/kg at {self._weight:g} kg{weighed}" if self._weight
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
            empty = [column for column in (MUSCLE, SIDE, UNITS) if getattr(row, FIELDS[column]) is None]
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
            self._show_cell_error(row, FIELDS.index(field) if field in FIELDS else MUSCLE, form.readable(message))
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
        self.checks.update_for(checked)
        warnings = self.checks.needing_reason
        if warnings:
            reason = self.ask_override(warnings)
            if reason is None:
                return  # nothing saved; the clinician can change the doses or the date
            checked = dataclasses.replace(checked, notes=override_note(checked.notes, reason, warnings))
        self.result_session = checked
        self.accept()

    def ask_override(self, warnings: list[Alert]) -> str | None:
        return ask_override_reason(self, warnings)
