"""The response to each botulinum toxin cycle, as a table of the patient view (rows from the core)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from assess.record import palette
from assess.record.labels import words
from assess.scoring.muscles import group_name
from assess.scoring.response import RESPONSE_HEADERS, CycleResponse, response_cells
from assess.ui.table_model import DISPLAY, Index, RowsTableModel


class ResponseModel(RowsTableModel[CycleResponse]):
    """Newest session first; a responder in blue, a non-responder in orange, always said in words too."""

    SESSION, GROUP, SIDE, RESPONDER, BEFORE, BEST, NEXT = range(7)
    HEADERS = RESPONSE_HEADERS

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if role == DISPLAY:
            return response_cells(row, group_name(row.muscle_group))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.RESPONDER and row.responder is not None:
            return QBrush(QColor(palette.BETTER if row.responder else palette.WORSE))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.SESSION:
            return f"{words(row.session.product)}, {row.session.total_units:g} U"
        return None
