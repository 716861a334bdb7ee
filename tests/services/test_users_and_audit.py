"""Users, roles, logins and the audit trail, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import text

from assess.record.domain import Finding, Injection, PatientDetails, Therapy, ToxinSession, Visit
from assess.record.errors import LoginError, PermissionDeniedError, RecordError
from assess.services.audit import Change, events, record, verify_chain
from assess.services.history import patient_history
from assess.services.patients import create_patient, patient_details, update_patient
from assess.services.users import add_user, list_users, log_in, login_delay
from assess.services.visits import record_treatment, record_visit
from assess.storage.db import Database, open_database

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy", gmfcs="III")
VISIT = Visit(dt.date(2025, 5, 2), "follow_up", "Dr K. Osei", findings=(Finding("elbow_flexors", "left", mas="2"),))
TOXIN = ToxinSession(dt.date(2025, 5, 2), "onabotulinumtoxinA", (Injection("biceps_brachii", "left", 40.0),))
PASSWORD = "correct horse battery"
NO_WAIT: list[float] = []


def _no_sleep(seconds: float) -> None:
    NO_WAIT.append(seconds)  # the pause after a refused login, taken note of instead of slept


@pytest.fixture
def clinic(database: Database) -> Database:
    """A database with a patient and three users; nobody logged in."""
    with database.transaction() as session:
        create_patient(session, ZOE)
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(database, "osei", PASSWORD)
    with database.transaction() as session:
        add_user(session, "tara", "therapist", PASSWORD)
        add_user(session, "rhea", "reader", PASSWORD)
    database.actor = None
    return database


def test_without_users_everything_is_allowed_and_audited_as_the_computer_login(database: Database) -> None:
    with database.transaction() as session:
        create_patient(session, ZOE)
        record_treatment(session, "LB-1", TOXIN)
    with database.transaction() as session:
        found = events(session, "LB-1")
    assert [(e.action, e.entity) for e in found] == [("create", "treatment"), ("create", "patient")]
    assert {e.role for e in found} == {"single_user"} and all(e.workstation for e in found)


def test_the_first_user_must_be_a_clinician(database: Database) -> None:
    with pytest.raises(PermissionDeniedError, match="the first user must be a clinician"), \
            database.transaction() as session:
        add_user(session, "rhea", "reader", PASSWORD)
    with database.transaction() as session:
        assert list_users(session) == []
        add_user(session, "osei", "clinician", PASSWORD)
        assert [(u.name, u.role) for u in list_users(session)] == [("osei", "clinician")]


def test_passwords_are_kept_as_argon2id_hashes(clinic: Database) -> None:
    with clinic.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM app_user WHERE name = 'osei'")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_once_there_are_users_nothing_is_written_without_a_login(clinic: Database) -> None:
    with pytest.raises(PermissionDeniedError, match="nobody is logged in"), clinic.transaction() as session:
        record_visit(session, "LB-1", VISIT)
    with clinic.transaction() as session:
        assert patient_history(session, "LB-1").visits == ()


def test_a_therapist_may_not_record_toxin_and_nothing_is_written(clinic: Database) -> None:
    log_in(clinic, "tara", PASSWORD)
    with clinic.transaction() as session:
        before = len(events(session))
    with pytest.raises(PermissionDeniedError, match="tara is a therapist and may not record botulinum toxin"), \
            clinic.transaction() as session:
        record_treatment(session, "LB-1", TOXIN)
    with clinic.transaction() as session:
        assert patient_history(session, "LB-1").treatments == ()
        assert len(events(session)) == before
        # What a therapist does record: findings and therapy.
        record_visit(session, "LB-1", VISIT)
        record_treatment(session, "LB-1", Therapy("physical", dt.date(2025, 5, 2)))
    with clinic.transaction() as session:
        record = patient_history(session, "LB-1")
    assert len(record.visits) == 1 and len(record.treatments) == 1


def test_a_reader_may_not_change_anything(clinic: Database) -> None:
    log_in(clinic, "rhea", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="rhea is a reader and may not record visits"), \
            clinic.transaction() as session:
        record_visit(session, "LB-1", VISIT)
    with pytest.raises(PermissionDeniedError, match="may not manage users"), clinic.transaction() as session:
        add_user(session, "eve", "clinician", PASSWORD)


def test_a_wrong_password_is_refused_and_audited(clinic: Database) -> None:
    with pytest.raises(LoginError, match="wrong user name or password"):
        log_in(clinic, "osei", "guess", sleep=_no_sleep)
    with pytest.raises(LoginError, match="wrong user name or password"):
        log_in(clinic, "nobody", "guess", sleep=_no_sleep)
    assert clinic.actor is None
    log_in(clinic, "osei", PASSWORD)
    with clinic.transaction() as session:
        logins = [(e.action, e.actor, (e.after or {}).get("reason")) for e in events(session) if e.entity == "user"
                  and e.action.startswith("login")]
    assert logins[:3] == [("login", "osei", None), ("login_failed", "unknown user", "unknown user"),
                          ("login_failed", "osei", "wrong password")]
    with clinic.engine.connect() as connection:  # the name typed is nowhere in the trail (it may be a password)
        assert connection.execute(text("SELECT count(*) FROM audit_event WHERE actor LIKE '%nobody%' OR "
                                       "entity_key LIKE '%nobody%' OR after LIKE '%nobody%'")).scalar_one() == 0


def test_the_wait_after_failed_logins_grows() -> None:
    assert [login_delay(n) for n in range(7)] == [0, 0, 0, 1, 2, 4, 8]
    assert login_delay(100) == 300 and login_delay(10**6) == 300  # guessing for days still waits 5 minutes


def test_repeated_failures_slow_down_the_next_login_on_every_workstation(clinic: Database, db_url: str) -> None:
    start = dt.datetime.now(dt.UTC)
    second = dt.timedelta(seconds=1)
    for _ in range(3):  # mistyping: no wait yet
        with pytest.raises(LoginError, match="wrong user name or password"):
            log_in(clinic, "osei", "guess", now=start, sleep=_no_sleep)
    # After the third failure even the right password waits; the refused attempt is not checked, but it
    # counts (the 4th failure: 2 s from the last checked guess).
    with pytest.raises(LoginError, match=r"too many failed logins for osei: try again in 2 s"):
        log_in(clinic, "osei", PASSWORD, now=start, sleep=_no_sleep)
    # Another process (here another connection) is held back too: the count is in the database.
    other = open_database(db_url)
    try:
        with pytest.raises(LoginError, match=r"too many failed logins for osei: try again in 3 s"):
            log_in(other, "osei", PASSWORD, now=start + second, sleep=_no_sleep)  # the 5th: 4 s from the start
        with clinic.transaction() as session:
            assert {u.name: u.failed_logins for u in list_users(session)}["osei"] == 5
        log_in(other, "osei", PASSWORD, now=start + 4 * second)
        assert other.actor is not None and other.actor.role == "clinician"
    finally:
        other.close()
    with clinic.transaction() as session:
        assert {u.name: u.failed_logins for u in list_users(session)}["osei"] == 0


def test_changes_are_audited_with_who_and_the_values_before_and_after(clinic: Database) -> None:
    log_in(clinic, "osei", PASSWORD)
    with clinic.transaction() as session:
        record_visit(session, "LB-1", VISIT)
        corrected = dataclasses.replace(VISIT, findings=(Finding("elbow_flexors", "left", mas="1+"),))
        record_visit(session, "LB-1", corrected)
        _, version = patient_details(session, "LB-1")
        update_patient(session, "LB-1", dataclasses.replace(ZOE, gmfcs="IV"), version)
    with clinic.transaction() as session:
        found = events(session, "LB-1")
    patient, visit_update, visit_create = found[:3]
    assert (patient.action, patient.before["gmfcs"], patient.after["gmfcs"]) == ("update", "III", "IV")
    assert (visit_update.action, visit_update.key) == ("update", "2025-05-02 follow_up")
    assert visit_update.before["findings"][0]["mas"] == "2" and visit_update.after["findings"][0]["mas"] == "1+"
    assert visit_create.action == "create" and visit_create.before is None
    assert {(e.actor, e.role) for e in found[:3]} == {("osei", "clinician")}
    assert all(e.at.tzinfo is not None for e in found)


def test_verify_passes_on_an_intact_chain_and_names_the_first_tampered_event(clinic: Database) -> None:
    log_in(clinic, "osei", PASSWORD)
    with clinic.transaction() as session:
        record_visit(session, "LB-1", VISIT)
        record_treatment(session, "LB-1", TOXIN)
    with clinic.transaction() as session:
        check = verify_chain(session)
        assert check.intact and check.events == len(events(session))
        target = next(e for e in events(session) if e.entity == "treatment").id
    with clinic.engine.begin() as connection:  # someone edits the stored event behind assess's back
        connection.execute(text("UPDATE audit_event SET after = replace(after, '40', '400') WHERE id = :id"),
                           {"id": target})
    with clinic.transaction() as session:
        check = verify_chain(session)
    assert (check.broken_at, check.reason) == (target, f"event {target} was changed after it was written")


def test_verify_notices_removed_events(clinic: Database) -> None:
    with clinic.transaction() as session:
        total = len(events(session))
    with clinic.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = 2"))
    with clinic.transaction() as session:
        assert verify_chain(session).broken_at == 2
    with clinic.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id > 1"))
    with clinic.transaction() as session:
        check = verify_chain(session)
    assert check.broken_at == 2 and "removed" in check.reason and total > 2


def test_two_workstations_appending_at_once_keep_one_chain(clinic: Database, db_url: str) -> None:
    """Two real connections append concurrently (threads released together); no event forks the chain."""
    per_workstation = 25
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def workstation(name: str) -> None:
        db = open_database(db_url)
        try:
            log_in(db, "osei", PASSWORD)
            barrier.wait()
            for i in range(per_workstation):
                with db.transaction() as session:
                    record(session, Change("update", "clinic_setting", f"{name}-{i}"))
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            db.close()

    with clinic.transaction() as session:
        before = len(events(session))
    threads = [threading.Thread(target=workstation, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with clinic.transaction() as session:
        check = verify_chain(session)
        found = events(session)
    assert check.intact and check.events == len(found) == before + 2 * per_workstation + 2  # and two logins
    assert [e.id for e in found] == list(range(len(found), 0, -1))
    keys = [e.key for e in found if e.entity == "clinic_setting"]
    assert sorted(keys) == sorted(f"{n}-{i}" for n in "ab" for i in range(per_workstation))


def test_a_bad_role_or_short_password_is_refused(database: Database) -> None:
    with pytest.raises(RecordError, match="'boss' is not a role"), database.transaction() as session:
        add_user(session, "osei", "boss", PASSWORD)
    with pytest.raises(RecordError, match="at least 8 characters"), database.transaction() as session:
        add_user(session, "osei", "clinician", "short")


def test_every_kind_of_action_leaves_an_event(clinic: Database) -> None:
    from assess.record.domain import Goal
    from assess.services.clinic import set_idle_lock_minutes
    from assess.services.interchange import export_records, import_records
    from assess.services.reads import recorded_export
    from assess.services.signing import add_addendum, sign_visit
    from assess.services.visits import add_goal, replace_treatment

    log_in(clinic, "osei", PASSWORD)
    with clinic.transaction() as session:
        record_visit(session, "LB-1", VISIT)
        add_goal(session, "LB-1", Goal("walk", "Walks 10 m", dt.date(2025, 5, 2), -1))
        record_treatment(session, "LB-1", TOXIN)
        replace_treatment(session, "LB-1", TOXIN, dataclasses.replace(TOXIN, lot="L1"))
        sign_visit(session, "LB-1", VISIT.date, VISIT.type)
        add_addendum(session, "LB-1", "visit", VISIT.date, VISIT.type, "Left elbow was MAS 1+.")
        exported = export_records(session, ["LB-1"])
        set_idle_lock_minutes(session, 5)
    with recorded_export(clinic, ["LB-1"], None):
        pass  # the export's file written here
    with clinic.transaction() as session:
        import_records(session, [dataclasses.replace(exported[0], mrn="LB-2")])
        found = events(session)
    kinds = {(e.action, e.entity) for e in found}
    assert kinds >= {("create", "patient"), ("create", "user"), ("login", "user"), ("create", "visit"),
                     ("create", "goal"), ("create", "treatment"), ("update", "treatment"), ("sign", "visit"),
                     ("addendum", "visit"), ("export", "patient"), ("update", "clinic_setting"),
                     ("import", "patient")}
    update = next(e for e in found if (e.action, e.entity) == ("update", "treatment"))
    assert (update.before.get("lot"), update.after["lot"]) == (None, "L1")
    setting = next(e for e in found if e.entity == "clinic_setting")
    assert (setting.key, setting.before, setting.after) == ("security.idle_lock_minutes", None, 5)
    with clinic.transaction() as session:
        assert verify_chain(session).intact
