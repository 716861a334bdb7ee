"""A patient's history of changes: the audit trail's events for that patient, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assess.services.audit import AuditEvent, events
from assess.storage.db import Database

ACTION_WORDS = {"create": "added", "update": "changed", "delete": "removed", "sign": "signed",
                "addendum": "addendum to", "import": "imported", "export": "exported", "report": "report of",
                "login": "logged in", "login_failed": "login refused"}
HEADERS = ("When", "Who", "Workstation", "What", "Changes")


def _short(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "…" if value else "-"
    return "-" if value is None else str(value)


def change_words(event: AuditEvent) -> str:
    """What changed in a line: 'mas: 2 → 1+' for the values that differ, else what was recorded."""
    before, after = event.before, event.after
    if event.action == "sign" and isinstance(after, dict):
        return f"signed by {after.get('signed_by')}"
    if event.action == "import" and isinstance(after, dict):
        counts = [f"{after[k]} {k}" for k in ("visits", "findings", "goals", "treatments") if after.get(k)]
        return ", ".join((["new patient"] if after.get("new_patient") else []) + counts)
    if isinstance(before, dict) and isinstance(after, dict):
        changed = [f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in sorted({*before, *after})
                   if before.get(k) != after.get(k)]
        return "; ".join(changed)
    if isinstance(after, dict) and event.action == "addendum":
        return str(after.get("text", ""))
    return ""


class ChangeHistoryDialog(QDialog):
    def __init__(self, db: Database, mrn: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("change_history")
        self.setWindowTitle(f"History of changes — {name}")
        with db.read() as session:
            self.events = events(session, mrn)
        self.table = QTableWidget(len(self.events), len(HEADERS))
        self.table.setAccessibleName("History of changes")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, e in enumerate(self.events):
            what = f"{ACTION_WORDS.get(e.action, e.action)} {e.entity.replace('_', ' ')} {e.key.replace('_', ' ')}"
            cells = (e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), f"{e.actor} ({e.role.replace('_', ' ')})",
                     e.workstation, what, change_words(e))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        for column in range(len(HEADERS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(self.events)} events, newest first. The trail cannot be edited; "
                                "'assess audit verify' checks that nothing in it was changed."))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(980, 520)
