"""The due list across patients, and a patient's own alerts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from assess.record.domain import PatientDetails, Sdr
from assess.scoring.safety import Alert
from assess.services.patients import create_patient
from assess.services.visits import record_treatment
from assess.storage.db import open_database
from assess.ui.due_list import DueList, due_items
from assess.ui.patient_view import PatientView

TODAY = dt.date(2025, 6, 1)


def _alert(code: str, day: dt.date, mrn: str = "M", severity: str = "warning") -> Alert:
    return Alert(code, severity, mrn, day, f"{code} on {day}")


def test_overdue_first_then_what_falls_due_soon_and_no_dose_remarks() -> None:
    found = [_alert("followup_due", TODAY + dt.timedelta(days=10), severity="info"),
             _alert("followup_overdue", TODAY - dt.timedelta(days=40)),
             _alert("pump_refill_due", TODAY + dt.timedelta(days=3)),
             _alert("followup_due", TODAY + dt.timedelta(weeks=20), severity="info"),  # too far ahead
             _alert("toxin_dose_limit", TODAY)]
    assert [(a.code, a.date) for a in due_items(found, TODAY)] == [
        ("followup_overdue", TODAY - dt.timedelta(days=40)), ("pump_refill_due", TODAY + dt.timedelta(days=3)),
        ("followup_due", TODAY + dt.timedelta(days=10))]


def test_the_due_list_works_off_the_window_thread_and_opens_the_patient(qtbot: QtBot, tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    with db.transaction() as session:
        create_patient(session, PatientDetails("S-1", "Sdr", "Sam", dt.date(2018, 1, 1), "male", "cerebral_palsy"))
        record_treatment(session, "S-1", Sdr(dt.date(2025, 1, 10), "L2-S1"))  # 3-month visit not made
    due = DueList(db, TODAY)
    qtbot.addWidget(due)
    with qtbot.waitSignal(due.model.modelReset, timeout=10_000):
        due.refresh()
    due.wait()
    assert due.model.rowCount() >= 1
    assert due.model.alert(0).mrn == "S-1" and due.model.alert(0).code == "followup_overdue"
    assert "overdue" in due.model.data(due.model.index(0, 0))
    assert due.model.data(due.model.index(0, 1)) == "Sdr, Sam · S-1"
    assert due.status.text().startswith("1 overdue")
    with qtbot.waitSignal(due.patient_chosen) as chosen:
        due.table.setCurrentIndex(due.model.index(0, 0))
        due.table.activated.emit(due.model.index(0, 0))
    assert chosen.args == ["S-1"]
    db.close()


def test_the_patient_view_lists_its_alerts_with_sources(qtbot: QtBot) -> None:
    view = PatientView()
    qtbot.addWidget(view)
    view.show_alerts([Alert("toxin_dose_limit", "warning", "M", TODAY, "Too much.", "Botox label"),
                      Alert("followup_due", "info", "M", TODAY, "Review due.")])
    assert view.alerts.count() == 2
    assert view.alerts.item(0).text() == f"⚠ {TODAY}  Too much.\n    Source: Botox label"
    assert view.tabs.tabText(view.tabs.indexOf(view.alerts)) == "Alerts ⚠ 1"
    assert view.alerts.item(1).foreground().color() != view.alerts.item(0).foreground().color()
