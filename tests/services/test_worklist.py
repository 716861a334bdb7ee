"""The stored due items and the worklist on SQLite and PostgreSQL: kept up to date by every change to a record,
ranked by urgency, acknowledged and snoozed for every workstation at once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import Goal, Injection, PatientDetails, PumpEvent, Sdr, ToxinSession, Visit
from assess.record.errors import AssessError
from assess.scoring.limits import load_limits
from assess.scoring.safety import patient_alerts
from assess.services import audit, due, worklist
from assess.services.demo import add_demo_patients
from assess.services.history import load_record
from assess.services.interchange import import_records
from assess.services.patients import create_patient, patient_details, patient_id, update_patient
from assess.services.visits import add_goal, record_treatment, record_visit
from assess.storage.db import Database, open_database

TODAY = dt.date.today()
LIMITS = load_limits()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _patient(session, mrn: str, family: str, seen: int | None = -20) -> None:  # type: ignore[no-untyped-def]
    create_patient(session, PatientDetails(mrn, family, "Ann", dt.date(1980, 1, 1), "female", "multiple_sclerosis"))
    if seen is not None:
        record_visit(session, mrn, Visit(days(seen), "follow_up", "Dr A", weight_kg=70.0))


def _stored_equal_the_rules(db: Database, mrn: str) -> list[str]:
    """The stored items of a patient, read without working anything out, equal the rules run now."""
    with db.transaction() as session:
        record = load_record(session, mrn)
        pid = patient_id(session, mrn)
        assert pid not in due.stale_ids(session, TODAY)
        stored = due.read_items(session, TODAY, [pid])
    mine = sorted((i.alert.code, i.alert.date, i.alert.message) for i in stored)
    assert mine == sorted((a.code, a.date, a.message) for a in patient_alerts(record, TODAY, LIMITS))
    return [code for code, _, _ in mine]


def test_every_change_to_a_record_leaves_its_items_up_to_date_in_the_same_transaction(database: Database) -> None:
    with database.transaction() as session:
        _patient(session, "P-1", "Okafor")
    assert _stored_equal_the_rules(database, "P-1") == []
    with database.transaction() as session:  # a toxin session: the review 4-8 weeks after is due soon
        record_treatment(session, "P-1", ToxinSession(days(-21), "onabotulinumtoxinA",
                                                      (Injection("biceps_brachii", "left", 100.0),)))
    assert "followup_due" in _stored_equal_the_rules(database, "P-1")
    with database.transaction() as session:
        record_visit(session, "P-1", Visit(days(-1), "follow_up", "Dr A"))
    _stored_equal_the_rules(database, "P-1")
    with database.transaction() as session:
        add_goal(session, "P-1", Goal("g01", "Walk to school", days(-1), -1))
        details, version = patient_details(session, "P-1")
        update_patient(session, "P-1", dataclasses.replace(details, given_name="Anna"), version)
    _stored_equal_the_rules(database, "P-1")
    with database.transaction() as session:  # an import and the demo go through the same path
        records = read_document(write_document([load_record(session, "P-1")]), today=TODAY)
        import_records(session, [dataclasses.replace(records[0], mrn="P-2")])
        add_demo_patients(session, 5, today=TODAY)
    for mrn in ("P-2", "DEMO-000001", "DEMO-000005"):
        _stored_equal_the_rules(database, mrn)
    with database.transaction() as session:
        assert due.stale_ids(session, TODAY) == []


def test_a_failed_change_leaves_the_items_as_they_were(database: Database) -> None:
    with database.transaction() as session:
        _patient(session, "P-1", "Okafor")

    def lost_power() -> None:
        with database.transaction() as session:
            record_treatment(session, "P-1", Sdr(days(-200)))
            raise RuntimeError("the workstation lost power")
    with pytest.raises(RuntimeError):
        lost_power()
    assert _stored_equal_the_rules(database, "P-1") == []


def _clinic(db: Database) -> None:
    with db.transaction() as session:
        _patient(session, "PUMP", "Zimmer")  # implanted, 20 mL at 500 µg/mL, 400 µg/day: alarm (2 mL) in 22 days
        record_treatment(session, "PUMP", PumpEvent("implant", days(-400), volume_ml=20, reservoir_ml=20,
                                                    concentration_mcg_per_ml=500, dose_mcg_per_day=400))
        record_treatment(session, "PUMP", PumpEvent("refill", days(-3), volume_ml=20, dose_mcg_per_day=400))
        _patient(session, "DOSE", "Yilmaz", seen=-10)  # 600 U of Botox into the upper limbs: over the limit
        record_treatment(session, "DOSE", ToxinSession(days(-10), "onabotulinumtoxinA", tuple(
            Injection(m, s, 100.0) for m in ("biceps_brachii", "brachialis", "flexor_carpi_radialis")
            for s in ("left", "right"))))
        _patient(session, "LATE", "Abara", seen=-140)  # SDR 5 months ago, the 3-month window closed unmet
        record_treatment(session, "LATE", Sdr(days(-150)))
        _patient(session, "SOON", "Brown", seen=-20)  # the toxin review window opens in a week
        record_treatment(session, "SOON", ToxinSession(days(-21), "onabotulinumtoxinA",
                                                       (Injection("biceps_brachii", "left", 50.0),)))
        _patient(session, "GONE", "Costa", seen=-800)  # SDR long ago, not seen for two years
        record_treatment(session, "GONE", Sdr(days(-790)))


def test_the_worklist_is_ranked_pump_first_then_warnings_overdue_due_soon_and_lost(database: Database) -> None:
    _clinic(database)
    with database.transaction() as session:
        items = worklist.worklist(session, TODAY)
    first = {}
    for item in items:
        first.setdefault(item.mrn, item)
    groups = [item.group for item in items]
    assert groups == sorted(groups)
    assert items[0].mrn == "PUMP" and items[0].group == worklist.URGENT and items[0].when(TODAY).endswith("days left")
    assert first["DOSE"].group == worklist.WARNINGS
    assert any(i.mrn == "LATE" and i.group == worklist.OVERDUE and i.alert.code == "followup_overdue" for i in items)
    soon = [i for i in items if i.mrn == "SOON" and i.alert.code == "followup_due"]
    assert soon and all(i.when(TODAY).startswith("in ") for i in soon)
    assert [i.group for i in soon] == [worklist.THIS_WEEK, worklist.COMING]  # the review in 7 days, the next dose
    assert {i.group for i in items if i.mrn == "GONE"} == {worklist.LOST}
    assert worklist.GROUP_NAMES[worklist.LOST].startswith("Lost to follow-up")
    with database.read() as session:  # as the window's list reads it: one moment, and nothing written
        assert worklist.worklist(session, TODAY, refresh=False) == items


def test_an_acknowledgement_is_seen_by_the_second_workstation_and_audited(database: Database) -> None:
    _clinic(database)
    other = open_database(database.url)  # a second workstation: its own engine and connections
    try:
        with database.transaction() as session:
            late = next(i for i in worklist.worklist(session, TODAY) if i.mrn == "LATE")
            worklist.mark(session, "LATE", late.item_key, worklist.ACKNOWLEDGED, "phoned, booked for Monday")
        with other.transaction() as session:
            seen = next(i for i in worklist.worklist(session, TODAY) if i.item_key == late.item_key)
            assert seen.ack is not None and seen.ack.reason == "phoned, booked for Monday"
            assert seen.group == worklist.OVERDUE  # still in its group, after the open ones
            soon = next(i for i in worklist.worklist(session, TODAY) if i.mrn == "SOON")
            worklist.mark(session, "SOON", soon.item_key, worklist.SNOOZE, "review with the next injection",
                          until=days(14))
        with database.transaction() as session:
            items = worklist.worklist(session, TODAY)
            snoozed = next(i for i in items if i.item_key == soon.item_key)
            assert snoozed.group == worklist.SNOOZED and snoozed.ack and snoozed.ack.until == days(14)
            back = next(i for i in worklist.worklist(session, days(14)) if i.item_key == soon.item_key)
            assert back.group != worklist.SNOOZED  # the snooze ran out
            events = [e for e in audit.events(session) if e.entity == "worklist_item"]
        assert [(e.mrn, e.after["action"]) for e in events] == [("SOON", "snoozed"), ("LATE", "acknowledged")]
    finally:
        other.close()


def test_acknowledging_needs_a_reason_and_a_snooze_a_later_day(database: Database) -> None:
    _clinic(database)
    with database.transaction() as session:
        item = worklist.worklist(session, TODAY)[0]
    for reason, action, until in (("  ", worklist.ACKNOWLEDGED, None), ("later", worklist.SNOOZE, TODAY),
                                  ("later", worklist.SNOOZE, None)):
        with pytest.raises(AssessError), database.transaction() as session:
            worklist.mark(session, item.mrn, item.item_key, action, reason, until=until)
    with database.transaction() as session:
        assert all(i.ack is None for i in worklist.worklist(session, TODAY))


def test_an_item_whose_words_change_shows_again(database: Database) -> None:
    _clinic(database)
    with database.transaction() as session:
        late = next(i for i in worklist.worklist(session, TODAY) if i.alert.code == "followup_overdue")
        worklist.mark(session, late.mrn, late.item_key, worklist.ACKNOWLEDGED, "seen elsewhere")
        record_treatment(session, "LATE", Sdr(days(-149), surgeon="Dr B"))  # another SDR: other windows
    with database.transaction() as session:
        again = [i for i in worklist.worklist(session, TODAY) if i.mrn == "LATE" and i.ack is None]
    assert again


def test_a_rule_change_is_worked_out_again_by_the_next_reader(database: Database) -> None:
    _clinic(database)
    with database.transaction() as session:
        session.execute(update(due.STATE).values(rules="older rules"))
        assert len(due.stale_ids(session, TODAY)) == 5
        before = len(session.execute(select(due.ITEM.c.id)).all())
        assert len(worklist.worklist(session, TODAY)) == before
        assert due.stale_ids(session, TODAY) == []
        assert due.rebuild(session, TODAY) == 5
