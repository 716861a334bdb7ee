"""The Qt binding itself: calls from Python must not leak or drop references (a window is used all day)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot


class _EmptyModel(QAbstractTableModel):
    """A model whose cells hold nothing: data() returns None, as every model of assess does for empty cells."""

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 20

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 10

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> None:
        return None


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_qt_calls_keep_the_reference_count_of_none(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on Python 3.11 took a reference away from None on every call returning nothing (and every
    model data() returning None): after some thousands of calls Python aborts ("deallocating None"), closing the
    window mid-exam. pyproject.toml excludes that release; this test keeps any other from coming back with it."""
    label = QLabel()
    view = QTableView()
    qtbot.addWidget(label)
    qtbot.addWidget(view)
    model = _EmptyModel()
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    before = sys.getrefcount(None)
    for _ in range(500):  # enough to see a leak of one a call, few enough not to abort the test run with it
        label.setText("MAS 1+")
    for _ in range(5):
        view.viewport().repaint()
    assert sys.getrefcount(None) >= before - 50  # a little slack for what Python itself lets go meanwhile
