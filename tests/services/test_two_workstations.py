"""Two workstations editing the same records at once, each through its own connection: no update is ever lost.

Each workstation reads a record, changes it and saves it against the copy it read, hundreds of times,
interleaved with the other. A save based on a stale copy must be refused with StaleEditError (the user is
told to reload); every save that was accepted must be present at the end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
import time
from collections.abc import Callable

import pytest

from assess.record.domain import Finding, Goal, Injection, PatientDetails, ToxinSession, Visit
from assess.record.errors import DatabaseError, DuplicateError, NotFoundError, StaleEditError
from assess.reports.content import Clinic
from assess.scoring.muscles import GROUPS_BY_CODE
from assess.services.clinic import (
    clinic_letterhead,
    hidden_muscle_groups,
    set_clinic_letterhead,
    set_hidden_muscle_groups,
)
from assess.services.history import patient_history
from assess.services.patients import create_patient, patient_details, update_patient
from assess.services.visits import (
    add_goal,
    add_treatment,
    record_treatment,
    record_visit,
    replace_treatment,
    visit_version,
)
from assess.storage.db import Database, open_database

MRN = "WS-1"
PATIENT = PatientDetails(MRN, "Okafor", "Ada", dt.date(2015, 6, 1), "female", "cerebral_palsy", gmfcs="II")
DAY = dt.date(2025, 3, 3)
VISIT_ROUNDS = 40  # each save rewrites the whole visit: fewer, to keep the suite quick
ROUNDS = 100  # accepted saves per workstation; with the refused ones retried, several hundred in all


@dataclasses.dataclass
class Tally:
    accepted: list[str] = dataclasses.field(default_factory=list)
    refused: int = 0
    failures: list[BaseException] = dataclasses.field(default_factory=list)


Edit = Callable[[Database, str, random.Random], None]  # one read-modify-write; StaleEditError when refused


def _race(url: str, edit: Edit, rounds: int = ROUNDS) -> Tally:
    """Two workstations (two open_database, two threads) each make `rounds` accepted edits."""
    tally = Tally()
    lock = threading.Lock()
    start = threading.Barrier(2)

    def workstation(name: str) -> None:
        db = open_database(url)
        rng = random.Random(name)
        try:
            start.wait()
            done = 0
            while done < rounds:
                token = f"{name}{done}"
                try:
                    edit(db, token, rng)
                except StaleEditError:
                    with lock:
                        tally.refused += 1
                    continue
                with lock:
                    tally.accepted.append(token)
                done += 1
        except BaseException as error:  # any other error fails the test, with its cause
            with lock:
                tally.failures.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=workstation, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not tally.failures, tally.failures
    assert len(tally.accepted) == 2 * rounds
    return tally


def _pause(rng: random.Random) -> None:
    """The clinician's think time between reading and saving, short and varied so the two overlap often."""
    time.sleep(rng.random() * 0.002)


@pytest.fixture
def url(database: Database, db_url: str) -> str:
    with database.transaction() as session:
        create_patient(session, PATIENT)
    return db_url


def test_patient_details_counted_up_by_two_workstations_lose_no_update(url: str) -> None:
    def edit(db: Database, token: str, rng: random.Random) -> None:
        with db.read() as session:
            details, version = patient_details(session, MRN)
        _pause(rng)
        count = int(details.diagnosis_note or "0")
        with db.transaction() as session:
            update_patient(session, MRN, dataclasses.replace(details, diagnosis_note=str(count + 1)), version)

    tally = _race(url, edit)
    db = open_database(url)
    with db.transaction() as session:
        details, version = patient_details(session, MRN)
    db.close()
    assert details.diagnosis_note == str(2 * ROUNDS)  # every accepted increment counted, none overwritten
    assert version == 1 + 2 * ROUNDS
    assert tally.refused > 0  # the two really did overlap


def test_a_visit_appended_to_by_two_workstations_keeps_every_saved_note_and_finding(url: str) -> None:
    groups = sorted(GROUPS_BY_CODE)

    def edit(db: Database, token: str, rng: random.Random) -> None:
        # As the visit editor reads it: the version first, then the visit.
        with db.read() as session:
            version = visit_version(session, MRN, DAY, "follow_up")
            stored = next((v for v in patient_history(session, MRN).visits if v.date == DAY), None)
        _pause(rng)
        visit = stored or Visit(DAY, "follow_up", "Dr B. Lind")
        side = "left" if token.startswith("a") else "right"
        taken = {f.muscle_group for f in visit.findings if f.side == side}
        free = [g for g in groups if g not in taken]
        findings = visit.findings + ((Finding(free[0], side, mas="1"),) if free else ())
        notes = f"{visit.notes or ''} {token}".strip()
        with db.transaction() as session:
            record_visit(session, MRN, dataclasses.replace(visit, findings=findings, notes=notes),
                         expected_version=version or 0)

    tally = _race(url, edit, rounds=VISIT_ROUNDS)
    db = open_database(url)
    with db.transaction() as session:
        [visit] = patient_history(session, MRN).visits
        version = visit_version(session, MRN, DAY, "follow_up")
    db.close()
    assert sorted((visit.notes or "").split()) == sorted(tally.accepted)
    per_side = min(VISIT_ROUNDS, len(groups))
    assert sum(f.side == "left" for f in visit.findings) == per_side
    assert sum(f.side == "right" for f in visit.findings) == per_side
    assert version == 2 * VISIT_ROUNDS  # created once (version 1), then every other accepted save over it
    assert tally.refused > 0


def test_a_toxin_session_corrected_by_two_workstations_loses_no_correction(url: str) -> None:
    first = ToxinSession(DAY, "onabotulinumtoxinA", (Injection("gastrocnemius_medial", "left", 50.0),), notes="0")
    db = open_database(url)
    with db.transaction() as session:
        record_treatment(session, MRN, first)
    db.close()

    def edit(db: Database, token: str, rng: random.Random) -> None:
        with db.read() as session:  # as the window reads the record a correction starts from
            [stored] = patient_history(session, MRN).treatments
        _pause(rng)
        assert isinstance(stored, ToxinSession)
        corrected = dataclasses.replace(stored, notes=str(int(stored.notes or "0") + 1))
        with db.transaction() as session:
            replace_treatment(session, MRN, stored, corrected)

    _race(url, edit, rounds=40)
    db = open_database(url)
    with db.transaction() as session:
        [stored] = patient_history(session, MRN).treatments
    db.close()
    assert isinstance(stored, ToxinSession) and stored.notes == "80"


def test_clinic_letterhead_edited_by_two_workstations_loses_no_edit(url: str) -> None:
    def edit(db: Database, token: str, rng: random.Random) -> None:
        with db.transaction() as session:
            seen = clinic_letterhead(session)
        _pause(rng)
        count = int(seen.phone or "0")
        with db.transaction() as session:
            set_clinic_letterhead(session, Clinic("Spasticity clinic", phone=str(count + 1)), expected=seen)

    _race(url, edit, rounds=80)
    db = open_database(url)
    with db.transaction() as session:
        assert clinic_letterhead(session).phone == "160"
    db.close()


def test_goals_added_at_once_on_two_workstations_are_all_kept(url: str) -> None:
    def edit(db: Database, token: str, rng: random.Random) -> None:
        _pause(rng)
        with db.transaction() as session:
            add_goal(session, MRN, Goal(f"goal-{token}", f"Goal {token}", DAY, baseline=-1))

    tally = _race(url, edit, rounds=30)
    db = open_database(url)
    with db.transaction() as session:
        goals = patient_history(session, MRN).goals
    db.close()
    assert sorted(g.id for g in goals) == sorted(f"goal-{t}" for t in tally.accepted)



def test_adding_a_treatment_someone_just_recorded_is_refused_not_replaced(url: str) -> None:
    theirs = ToxinSession(DAY, "onabotulinumtoxinA", (Injection("gastrocnemius_medial", "left", 50.0),), lot="A1")
    mine = dataclasses.replace(theirs, lot="B2")
    db = open_database(url)
    try:
        with db.transaction() as session:
            add_treatment(session, MRN, theirs)
        with pytest.raises(DuplicateError, match="is recorded already"), db.transaction() as session:
            add_treatment(session, MRN, mine)
        with db.transaction() as session:
            assert patient_history(session, MRN).treatments == (theirs,)
    finally:
        db.close()


def test_clinic_settings_saved_over_a_newer_save_are_refused(url: str) -> None:
    db = open_database(url)
    try:
        with db.transaction() as session:
            seen_letterhead, seen_hidden = clinic_letterhead(session), hidden_muscle_groups(session)
            set_clinic_letterhead(session, Clinic("Theirs"), expected=seen_letterhead)
            set_hidden_muscle_groups(session, ["toe_flexors"], expected=seen_hidden)
        with pytest.raises(StaleEditError, match="letterhead details were changed on another workstation"), \
                db.transaction() as session:
            set_clinic_letterhead(session, Clinic("Mine"), expected=seen_letterhead)
        with pytest.raises(StaleEditError, match="hidden exam rows"), db.transaction() as session:
            set_hidden_muscle_groups(session, [], expected=seen_hidden)
        with db.transaction() as session:
            assert clinic_letterhead(session).name == "Theirs"
            assert hidden_muscle_groups(session) == {"toe_flexors"}
    finally:
        db.close()


def test_a_read_sees_the_record_of_one_moment_while_another_workstation_saves(url: str) -> None:
    """A record is read in several queries; a correction committed between two of them must not show through
    (it once gave a toxin session without its injections, refused as invalid, on the reader's screen)."""
    first = ToxinSession(DAY, "onabotulinumtoxinA", (Injection("gastrocnemius_medial", "left", 50.0),), notes="0")
    corrected = dataclasses.replace(first, injections=(Injection("soleus", "right", 40.0),), notes="1")
    reader, writer = open_database(url), open_database(url)
    try:
        with writer.transaction() as session:
            record_treatment(session, MRN, first)
        with reader.read() as session:
            seen = patient_history(session, MRN)
            with writer.transaction() as other:  # saved by the other workstation while this read goes on
                replace_treatment(other, MRN, first, corrected)
            assert patient_history(session, MRN) == seen  # the same moment, all through the read
            assert patient_details(session, MRN)[1] == 1
        with reader.read() as session:
            assert patient_history(session, MRN).treatments == (corrected,)  # the next read sees the correction
    finally:
        reader.close()
        writer.close()


def test_a_write_inside_a_read_is_refused_by_the_server_and_nothing_is_saved(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("SQLite has no read-only transaction; the PostgreSQL run catches a write slipped into a read")
    db = open_database(url)
    try:
        with pytest.raises(DatabaseError, match=r"nothing was saved: .*read-only transaction"), db.read() as session:
            create_patient(session, dataclasses.replace(PATIENT, mrn="WS-2"))
        with db.read() as session:
            assert patient_history(session, MRN).mrn == MRN
            with pytest.raises(NotFoundError):
                patient_history(session, "WS-2")
    finally:
        db.close()
