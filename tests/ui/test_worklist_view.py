"""The worklist from the keyboard (pytest-qt, a real SQLite file), and a patient's own alerts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from assess.record.domain import Injection, PatientDetails, PumpEvent, Sdr, ToxinSession, Visit
from assess.scoring.safety import Alert
from assess.services import due
from assess.services import worklist as wl
from assess.services.patients import create_patient
from assess.services.rows import PATIENT
from assess.services.visits import record_treatment, record_visit
from assess.storage.db import Database, open_database
from assess.ui.patient_view import PatientView
from assess.ui.worklist_view import MarkDialog, WorklistView

TODAY = dt.date.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _clinic(path: Path) -> Database:
    db = open_database(f"sqlite:///{path / 'a.db'}")
    with db.transaction() as session:
        for mrn, family in (("PUMP", "Zimmer"), ("LATE", "Abara"), ("SOON", "Brown")):
            create_patient(session, PatientDetails(mrn, family, "Ann", dt.date(1980, 1, 1), "female",
                                                   "multiple_sclerosis"))
            record_visit(session, mrn, Visit(days(-140 if mrn == "LATE" else -20), "follow_up", "Dr A",
                                             weight_kg=70.0))
        record_treatment(session, "PUMP", PumpEvent("implant", days(-400), volume_ml=20, reservoir_ml=20,
                                                    concentration_mcg_per_ml=500, dose_mcg_per_day=400))
        record_treatment(session, "PUMP", PumpEvent("refill", days(-3), volume_ml=20, dose_mcg_per_day=400))
        record_treatment(session, "LATE", Sdr(days(-150)))
        record_treatment(session, "SOON", ToxinSession(days(-21), "onabotulinumtoxinA",
                                                       (Injection("biceps_brachii", "left", 50.0),)))
    return db


def _shown(qtbot: QtBot, db: Database) -> WorklistView:
    view = WorklistView(db)
    qtbot.addWidget(view)
    view.resize(1280 - 340, 700)  # the window at 1280 px, less the patient list
    view.show()
    with qtbot.waitSignal(view.model.modelReset, timeout=10_000):
        view.refresh()
    view.wait()
    view.list.setFocus()
    return view


def _answer(view: WorklistView, reason: str, until: dt.date | None = None) -> list[MarkDialog]:
    asked: list[MarkDialog] = []

    def ask(dialog: QDialog) -> int:
        assert isinstance(dialog, MarkDialog)
        asked.append(dialog)
        dialog.reason.setText(reason)
        if until is not None:
            dialog.until.setDate(until)
        dialog.accept()
        return int(QDialog.DialogCode.Accepted)
    view.ask = ask
    return asked


def test_the_worklist_from_the_keyboard(qtbot: QtBot, tmp_path: Path) -> None:
    db = _clinic(tmp_path)
    view = _shown(qtbot, db)
    rows = view.model.rows
    assert rows[0] == wl.URGENT and view.current() is not None and view.current().mrn == "PUMP"
    assert view.model.lines(0)[0].startswith("Urgent: intrathecal baclofen pump (1)")
    assert "days left · Zimmer, Ann · PUMP" in view.model.lines(1)[0]
    assert "Urgent: 1" not in view.status.text() and "1 urgent (pump)" in view.status.text()
    qtbot.keyClick(view.list, Qt.Key.Key_Down)  # over the next heading, onto the next item
    assert view.current() is not None and view.current().mrn != "PUMP"
    while view.current() is not None and view.current().mrn != "LATE":
        qtbot.keyClick(view.list, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.patient_chosen) as chosen:
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert chosen.args == ["LATE"]
    late = view.current()
    asked = _answer(view, "phoned: booked for Monday")
    with qtbot.waitSignal(view.model.modelReset, timeout=10_000):
        qtbot.keyClick(view.list, Qt.Key.Key_A)
    assert asked and asked[0].windowTitle() == "Acknowledge"
    view.wait()
    again = next(r for r in view.model.rows if isinstance(r, wl.WorkItem) and r.item_key == late.item_key)
    assert again.ack is not None and again.ack.reason == "phoned: booked for Monday"
    assert view.current() is not None and view.current().item_key == late.item_key  # the cursor stays
    assert "✓ acknowledged by" in view.model.lines(view.list.currentIndex().row())[0]
    soon = next(r for r in view.model.rows if isinstance(r, wl.WorkItem) and r.mrn == "SOON")
    view.list.setCurrentIndex(view.model.index(view.model.rows.index(soon)))
    _answer(view, "with the next injection", until=days(10))
    with qtbot.waitSignal(view.model.modelReset, timeout=10_000):
        qtbot.keyClick(view.list, Qt.Key.Key_S)
    view.wait()
    snoozed = next(r for r in view.model.rows if isinstance(r, wl.WorkItem) and r.item_key == soon.item_key)
    assert snoozed.group == wl.SNOOZED and snoozed.ack is not None and snoozed.ack.until == days(10)
    db.close()


def test_each_row_is_readable_in_full_at_1280_px(qtbot: QtBot, tmp_path: Path) -> None:
    db = _clinic(tmp_path)
    view = _shown(qtbot, db)
    width = view.list.viewport().width()
    for row in range(view.model.rowCount()):
        rect = view.list.visualRect(view.model.index(row))
        _head, words = view.model.lines(row)
        metrics = view.list.fontMetrics()
        one_line = metrics.height()
        needed = metrics.boundingRect(0, 0, width - 12, 10_000, int(Qt.TextFlag.TextWordWrap), words).height()
        assert rect.width() >= width - 2  # the whole width of the list
        if words:  # the words wrap onto as many lines as they need: none is cut off
            assert rect.height() >= needed + one_line
            assert metrics.horizontalAdvance(words) < width or rect.height() >= 2 * one_line + one_line
    db.close()


def test_the_first_look_of_the_day_shows_what_holds_at_once_then_the_rest(qtbot: QtBot, tmp_path: Path) -> None:
    db = _clinic(tmp_path)
    with db.transaction() as session:  # as if a day had passed for the pump patient's items
        pid = session.execute(select(PATIENT.c.id).where(PATIENT.c.mrn == "PUMP")).scalar_one()
        session.execute(update(due.STATE).where(due.STATE.c.patient_id == pid).values(fresh_until=TODAY))
    view = WorklistView(db)
    qtbot.addWidget(view)
    shown: list[set[str]] = []
    view.model.modelReset.connect(lambda: shown.append({r.mrn for r in view.model.rows
                                                         if isinstance(r, wl.WorkItem)}))
    view.refresh()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    view.wait()
    assert "PUMP" not in shown[0] and "LATE" in shown[0]  # at once: what holds today
    assert "PUMP" in shown[1] and "Bringing" not in view.status.text()
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
