"""The patient list: search as you type over every patient, and the recently opened ones."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from assess.record.labels import words
from assess.services.patients import PatientSummary, find_patients
from assess.storage.db import Database
from assess.ui.table_model import Index, RowsTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
MRN_ROLE = Qt.ItemDataRole.UserRole + 2
SHOWN = 200  # rows shown for a search; the database finds them in milliseconds among 10,000 patients


class PatientListModel(RowsTableModel[PatientSummary]):
    NAME, MRN, BORN, DIAGNOSIS, LAST_VISIT = range(5)
    HEADERS = ("Name", "MRN", "Born", "Diagnosis", "Last visit")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.display_name, p.mrn, p.birth_date.isoformat(),
                    words(p.diagnosis) + (f", GMFCS {p.gmfcs}" if p.gmfcs else ""),
                    p.last_visit.isoformat() if p.last_visit else "—")[column]
        if role == SORT_ROLE:
            return (p.sort_key, p.mrn, p.birth_date, p.diagnosis,
                    p.last_visit.toordinal() if p.last_visit else 0)[column]
        if role == MRN_ROLE:
            return p.mrn
        if role == Qt.ItemDataRole.ToolTipRole:
            last = f"last visit {p.last_visit}" if p.last_visit else "no visit yet"
            return f"{p.display_name}, MRN {p.mrn}, born {p.birth_date}; {words(p.diagnosis)}; {last}"
        return None


class _SearchBox(QLineEdit):
    """Down arrow moves into the results, so the list is driven from the keyboard."""

    down_pressed = Signal()

    def event(self, event: QEvent) -> bool:
        # Ctrl+E and Ctrl+K are the window's (edit patient...), not the line editor's end-of-line and kill keys.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.modifiers() == Qt.KeyboardModifier.ControlModifier
                and event.key() in (Qt.Key.Key_E, Qt.Key.Key_K, Qt.Key.Key_N, Qt.Key.Key_T, Qt.Key.Key_D)):
            event.ignore()
            return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class PatientList(QWidget):
    """Search field over the patient table; Enter or a double click opens the patient."""

    patient_chosen = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.search = _SearchBox()
        self.search.setPlaceholderText("Search name, MRN or birth date (Ctrl+F)")
        self.search.setAccessibleName("Search patients")
        self.search.setClearButtonEnabled(True)
        self.model = PatientListModel()
        self.model.setParent(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Patients")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PatientListModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (PatientListModel.MRN, PatientListModel.BORN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The side panel shows who; diagnosis and last visit are in the tooltip and the patient view.
        self.table.hideColumn(PatientListModel.DIAGNOSIS)
        self.table.hideColumn(PatientListModel.LAST_VISIT)
        self.count = QLabel()
        self.count.setObjectName("patient_count")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.down_pressed.connect(self._on_search_down_pressed)
        self.table.activated.connect(self._on_table_activated)
        self.refresh()

    def refresh(self) -> None:
        with self._db.read() as session:
            rows = find_patients(session, self.search.text(), limit=SHOWN + 1)
        self.model.set_rows(rows[:SHOWN])
        if self.search.text().strip():
            more = "+" if len(rows) > SHOWN else ""
            self.count.setText(f"{min(len(rows), SHOWN)}{more} found" if rows else "No patient matches")
        else:
            self.count.setText(f"first {SHOWN} of all patients, by name" if len(rows) > SHOWN
                               else f"{len(rows)} patients")
        if rows:
            self.table.selectRow(0)

    def _on_search_text_changed(self, _text: str) -> None:
        self.refresh()

    def _on_search_return_pressed(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.patient_chosen.emit(self.model.row(index.row()).mrn)

    def _on_search_down_pressed(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() > 1:
            self.table.selectRow(min(1, self.model.rowCount() - 1))

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.patient_chosen.emit(self.model.row(index.row()).mrn)
