"""The patient list: a thin model, search as you type, keyboard to open."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from assess.record.domain import PatientDetails
from assess.services.patients import PatientSummary, create_patient
from assess.storage.db import Database, open_database
from assess.ui.patient_list import SORT_ROLE, PatientList, PatientListModel

PEOPLE = [("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2)), ("ITB-7", "Núñez", "José", dt.date(1979, 11, 20)),
          ("M-3", "Mueller", "Anna", dt.date(2001, 5, 5))]


@pytest.fixture
def db(tmp_path: object) -> Database:
    database = open_database(f"sqlite:///{tmp_path}/a.db")
    with database.transaction() as session:
        for mrn, family, given, born in PEOPLE:
            create_patient(session, PatientDetails(mrn, family, given, born, "female", "cerebral_palsy"))
    return database


def test_model_is_a_correct_qt_model(qtmodeltester: ModelTester) -> None:
    model = PatientListModel()
    model.set_rows([PatientSummary("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "cerebral_palsy", "III",
                                   dt.date(2025, 6, 9), 1),
                    PatientSummary("X", "A", "B", dt.date(2000, 1, 1), "stroke", None, None, 1)])
    qtmodeltester.check(model)
    assert model.data(model.index(0, PatientListModel.NAME)) == "Müller, Zoë"
    assert model.data(model.index(1, PatientListModel.LAST_VISIT)) == "—"
    assert model.data(model.index(0, PatientListModel.LAST_VISIT), SORT_ROLE) == dt.date(2025, 6, 9).toordinal()


def test_search_as_you_type_and_enter_opens(qtbot: QtBot, db: Database) -> None:
    widget = PatientList(db)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 3
    qtbot.keyClicks(widget.search, "mue")
    assert [widget.model.row(i).mrn for i in range(widget.model.rowCount())] == ["M-3"]
    widget.search.clear()
    qtbot.keyClicks(widget.search, "mul")  # accent-blind: finds Müller
    assert widget.model.row(0).mrn == "LB-1"
    with qtbot.waitSignal(widget.patient_chosen) as chosen:
        qtbot.keyClick(widget.search, Qt.Key.Key_Return)
    assert chosen.args == ["LB-1"]
    widget.search.clear()
    qtbot.keyClicks(widget.search, "nobody")
    assert widget.model.rowCount() == 0 and widget.count.text() == "No patient matches"
    db.close()


def test_down_arrow_moves_into_the_results(qtbot: QtBot, db: Database) -> None:
    widget = PatientList(db)
    qtbot.addWidget(widget)
    widget.show()
    widget.search.setFocus()
    qtbot.keyClick(widget.search, Qt.Key.Key_Down)
    assert widget.table.hasFocus() or widget.table.currentIndex().row() == 1
    with qtbot.waitSignal(widget.patient_chosen) as chosen:
        qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    assert chosen.args[0] == widget.model.row(1).mrn
    db.close()
