"""The window, on opening a patient and a signed visit, says what was changed outside assess since it was signed;
opening a patient is an audited read. Real widgets, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from assess.record.domain import Finding, PatientDetails, Visit
from assess.services.audit import events
from assess.services.patients import create_patient
from assess.services.signing import sign_visit
from assess.services.users import add_user, log_in
from assess.services.visits import record_visit
from assess.storage.db import Database
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings
from assess.ui.visit_editor import VisitEditor

MRN = "LB-1"
DAY = dt.date(2025, 5, 2)
PASSWORD = "correct horse battery"


@pytest.fixture
def signed(database: Database) -> Database:
    with database.transaction() as session:
        create_patient(session, PatientDetails(MRN, "Müller", "Zoë", dt.date(2017, 3, 2), "female",
                                               "cerebral_palsy", gmfcs="III"))
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(database, "osei", PASSWORD)
    with database.transaction() as session:
        record_visit(session, MRN, Visit(DAY, "follow_up", "Dr K. Osei", findings=(
            Finding("elbow_flexors", "left", mas="2"), Finding("elbow_flexors", "right", mas="1"))))
        sign_visit(session, MRN, DAY, "follow_up")
    return database


def _window(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    settings = Settings(tmp_path / "config" / "assess.ini")
    settings.clinician = "Dr K. Osei"  # asked once per workstation otherwise
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_an_untouched_patient_shows_no_warning_and_its_opening_is_audited(qtbot: QtBot, signed: Database,
                                                                        tmp_path: Path) -> None:
    window = _window(qtbot, signed, tmp_path)
    window.open_patient(MRN)
    assert window.view.changed_outside.isHidden()
    window.open_patient(MRN)  # shown again (as after a save): not a second read event
    with signed.transaction() as session:
        views = [e for e in events(session, MRN) if e.action == "view"]
    assert [(e.actor, e.after) for e in views] == [("osei", {"via": "window"})]


def test_a_signed_visit_changed_outside_assess_is_said_on_opening(qtbot: QtBot, signed: Database,
                                                                  tmp_path: Path) -> None:
    with signed.engine.begin() as connection:  # sqlite3 / psql, behind assess's back
        connection.execute(text("UPDATE finding SET mas = '3' WHERE side = 'left'"))
        connection.execute(text("DELETE FROM finding WHERE side = 'right'"))
    window = _window(qtbot, signed, tmp_path)
    window.open_patient(MRN)
    banner = window.view.changed_outside
    assert banner.isVisible()
    said = banner.text()
    assert "Changed outside assess since it was signed" in said
    assert "The signed follow-up visit of LB-1 on 2025-05-02 was changed after it was signed" in said
    assert "left elbow flexors: MAS 2 when signed, now 3" in said and "right elbow flexors was deleted" in said
    editor = window.open_visit(DAY, "follow_up")
    assert isinstance(editor, VisitEditor) and editor.read_only
    assert "CHANGED OUTSIDE ASSESS: The signed follow-up visit of LB-1" in editor.banner.text()
    assert "left elbow flexors: MAS 2 when signed, now 3" in editor.banner.text()
