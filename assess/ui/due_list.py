"""The due list: across every patient, what is overdue and what falls due in the coming weeks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QThread, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from assess.scoring.safety import Alert
from assess.services.alerts import alerts
from assess.services.patients import patients_by_mrn
from assess.storage.bulk import collector_paused
from assess.storage.db import Database
from assess.ui.table_model import Index, RowsTableModel

# What a due list is for: dates to keep (follow-ups, reviews, refills), not every dose remark.
DUE_CODES = frozenset({"followup_overdue", "followup_due", "pump_refill_due"})
WEEKS_AHEAD = 6
OVERDUE = QColor("#8a3b00")


def due_items(found: Sequence[Alert], today: dt.date, weeks_ahead: int = WEEKS_AHEAD) -> list[Alert]:
    """Overdue first (oldest first), then what falls due within `weeks_ahead` weeks, by date."""
    horizon = today + dt.timedelta(weeks=weeks_ahead)
    items = [a for a in found if a.code in DUE_CODES and (a.code == "followup_overdue" or a.date <= horizon)]
    return sorted(items, key=lambda a: (a.code != "followup_overdue" and a.date > today, a.date, a.mrn))


class DueListModel(RowsTableModel[Alert]):
    DATE, PATIENT, WHAT = range(3)
    HEADERS = ("Due", "Patient", "What")

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self._today = today
        self.names: dict[str, str] = {}  # MRN -> "Family, Given"

    def alert(self, row: int) -> Alert:
        return self.row(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        alert = self.row(index.row())
        overdue = alert.code == "followup_overdue" or alert.date < self._today
        if role == Qt.ItemDataRole.DisplayRole:
            when = f"{alert.date} (overdue)" if overdue else alert.date.isoformat()
            who = f"{self.names[alert.mrn]} · {alert.mrn}" if alert.mrn in self.names else alert.mrn
            return (when, who, alert.message)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.ToolTipRole:
            return alert.message
        return None


class _AlertsWorker(QThread):
    """Computes every patient's alerts off the window's thread (seconds for a large clinic)."""

    finished_with = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, today: dt.date) -> None:
        super().__init__()
        self._db, self._today = db, today

    def run(self) -> None:
        try:
            with collector_paused(), self._db.transaction() as session:
                found = alerts(session, self._today)
                due = due_items(found, self._today)
                names = {p.mrn: p.display_name for p in patients_by_mrn(session, sorted({a.mrn for a in due}))}
            self.finished_with.emit((found, names))
        except Exception as error:  # shown in the window as a sentence, the list stays usable
            self.failed.emit(str(error))


class DueList(QWidget):
    """A tab listing due and overdue dates across the clinic; Enter opens the patient."""

    patient_chosen = Signal(str)

    def __init__(self, db: Database, today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.today = today or dt.date.today()
        self.status = QLabel("Working out what is due…")
        self.status.setObjectName("due_status")
        self.model = DueListModel(self.today)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Due and overdue across all patients")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(DueListModel.WHAT, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._on_table_activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self._worker: _AlertsWorker | None = None

    def refresh(self) -> None:
        self.status.setText("Working out what is due…")
        self._worker = _AlertsWorker(self._db, self.today)
        self._worker.finished_with.connect(lambda result: self.show_alerts(*result))
        self._worker.failed.connect(lambda message: self.status.setText(f"Could not work out the due list: {message}"))
        self._worker.start()

    def show_alerts(self, found: list[Alert], names: dict[str, str] | None = None) -> None:
        items = due_items(found, self.today)
        self.model.names = names or {}
        self.model.set_rows(items)
        self.table.resizeColumnToContents(DueListModel.DATE)
        self.table.resizeColumnToContents(DueListModel.PATIENT)
        overdue = sum(1 for a in items if a.code == "followup_overdue" or a.date < self.today)
        self.status.setText(f"{overdue} overdue, {len(items) - overdue} due in the next {WEEKS_AHEAD} weeks "
                            f"(as of {self.today}). Enter opens the patient.")

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.patient_chosen.emit(self.model.alert(index.row()).mrn)

    def wait(self) -> None:
        """For tests and closing: let a running computation finish."""
        if self._worker is not None:
            self._worker.wait()
