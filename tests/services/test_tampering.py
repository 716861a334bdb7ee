"""Direct edits of the database file or server, as someone with sqlite3 or psql would make them, behind
assess's back: each is named by `assess audit verify` (and by the check the window runs on opening the
patient), on a real SQLite file and a real PostgreSQL server. The last tests show what the chain alone
cannot catch, and what an anchor kept outside the database adds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, delete, insert, select, text, update

from assess.cli.main import main
from assess.record.domain import Finding, Injection, PatientDetails, ToxinSession, Visit
from assess.record.errors import LoginError
from assess.services.audit import EVENT, HEAD, event_hash
from assess.services.history import patient_history
from assess.services.integrity import check_database, check_patient
from assess.services.patients import create_patient, patient_id
from assess.services.seals import visit_seal
from assess.services.signing import add_addendum, sign_toxin_session, sign_visit
from assess.services.users import add_user, log_in
from assess.services.visits import record_treatment, record_visit
from assess.storage.db import Database

PASSWORD = "correct horse battery"
DAY = dt.date(2025, 5, 2)
VISIT = Visit(DAY, "follow_up", "Dr K. Osei", weight_kg=24.0, notes="fine", triggers=("infection",),
              findings=(Finding("elbow_flexors", "left", mas="2", tardieu_r1=90.0),
                        Finding("elbow_flexors", "right", mas="1+")))
TOXIN = ToxinSession(DAY, "onabotulinumtoxinA", (Injection("biceps_brachii", "left", 40.0),
                                                 Injection("biceps_brachii", "right", 30.0)))


def _patient(mrn: str, given: str) -> PatientDetails:
    return PatientDetails(mrn, "Müller", given, dt.date(2017, 3, 2), "female", "cerebral_palsy", gmfcs="III")


@pytest.fixture
def clinic(database: Database) -> Database:
    """Two patients; LB-1 with a signed visit, a signed toxin session and an addendum; three users."""
    with database.transaction() as session:
        create_patient(session, _patient("LB-1", "Zoë"))
        create_patient(session, _patient("LB-2", "Ida"))
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(database, "osei", PASSWORD)
    with database.transaction() as session:
        add_user(session, "rhea", "reader", PASSWORD)
        add_user(session, "tess", "therapist", PASSWORD)
        record_visit(session, "LB-1", VISIT)
        record_visit(session, "LB-2", dataclasses.replace(VISIT, notes="draft of Ida"))
        record_treatment(session, "LB-1", TOXIN)
        sign_visit(session, "LB-1", DAY, "follow_up")
        sign_toxin_session(session, "LB-1", DAY, "onabotulinumtoxinA")
        add_addendum(session, "LB-1", "visit", DAY, "follow_up", "Left elbow was MAS 1+.")
    return database


def _sql(db: Database, *statements: str) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _problems(db: Database) -> list[str]:
    with db.transaction() as session:
        chain, checked = check_database(session)
        assert chain.intact, chain.reason
        return [p.text for p in checked.problems]


def _window_problems(db: Database, mrn: str = "LB-1") -> list[str]:
    with db.transaction() as session:
        return [p.text for p in check_patient(session, patient_id(session, mrn), patient_history(session, mrn))]


VISIT_ROW = "(SELECT id FROM visit WHERE patient_id = (SELECT id FROM patient WHERE mrn = 'LB-1'))"
ATTACKS: dict[str, tuple[list[str], str]] = {
    "MAS of a signed visit": (
        [f"UPDATE finding SET mas = '3' WHERE visit_id = {VISIT_ROW} AND side = 'left'"],
        "The signed follow-up visit of LB-1 on 2025-05-02 was changed after it was signed (event 10, "),
    "notes": ([f"UPDATE visit SET notes = 'changed' WHERE id = {VISIT_ROW}"],
              "notes 'fine' when signed, now 'changed'"),
    "weight": ([f"UPDATE visit SET weight_kg = 30 WHERE id = {VISIT_ROW}"], "weight (kg) 24 when signed, now 30"),
    "status back to draft": ([f"UPDATE visit SET status = 'draft' WHERE id = {VISIT_ROW}"],
                             "LB-1 on 2025-05-02 (event 10, "),
    "signer changed": ([f"UPDATE visit SET signed_by = 'rhea' WHERE id = {VISIT_ROW}"],
                       "its signer is now 'rhea', it was signed by 'osei'"),
    "finding deleted": ([f"DELETE FROM finding WHERE visit_id = {VISIT_ROW} AND side = 'right'"],
                        "right elbow flexors was deleted"),
    "trigger removed": ([f"DELETE FROM visit_trigger WHERE visit_id = {VISIT_ROW}"],
                        "triggers infection when signed, now nothing"),
    "addendum deleted": (["DELETE FROM addendum"], "The addendum by osei (event 12, "),
    "addendum rewritten": (["UPDATE addendum SET text = 'All was right.'"], "was not written by assess"),
    "toxin dose": (["UPDATE toxin_injection SET units = 400 WHERE side = 'left'"],
                   "left biceps brachii injection: units 40 when signed, now 400"),
    "injection deleted": (["DELETE FROM toxin_injection WHERE side = 'right'"],
                          "right biceps brachii injection was deleted"),
    "toxin signature removed": (["UPDATE toxin_session SET signed_at = NULL, signed_by = NULL"], "is no longer signed"),
    "a draft marked signed": (["UPDATE visit SET status = 'signed', signed_at = created_at WHERE patient_id = "
                               "(SELECT id FROM patient WHERE mrn = 'LB-2')"],
                              "The signed follow-up visit of LB-2 on 2025-05-02 has no signature in the audit trail"),
    "visit moved to another patient": (
        ["UPDATE visit SET date = '2025-06-01' WHERE patient_id = (SELECT id FROM patient WHERE mrn = 'LB-2')",
         f"UPDATE visit SET patient_id = (SELECT id FROM patient WHERE mrn = 'LB-2') WHERE id = {VISIT_ROW}"],
        "The signed follow-up visit of LB-1 on 2025-05-02 (event 10, "),
    "reader promoted to clinician": (["UPDATE app_user SET role = 'clinician' WHERE name = 'rhea'"],
                                     "User rhea is a clinician in the users table, but assess made rhea a reader"),
    "password hash swapped": (["UPDATE app_user SET password_hash = (SELECT password_hash FROM app_user WHERE "
                               "name = 'rhea') WHERE name = 'osei'"],
                              "The password of osei in the users table is not the one set through assess"),
    "user added": (["INSERT INTO app_user (name, role, password_hash, failed_logins, created_at) SELECT 'eve', "
                    "'clinician', password_hash, 0, created_at FROM app_user WHERE name = 'rhea'"],
                   "User eve (clinician) is in the users table but assess never added or sealed this user"),
    "user removed": (["DELETE FROM login_device WHERE user_id = (SELECT id FROM app_user WHERE name = 'tess')",
                      "DELETE FROM app_user WHERE name = 'tess'"], "User tess is in the audit trail"),
}


def test_an_untouched_database_has_no_problems(clinic: Database) -> None:
    assert _problems(clinic) == []
    assert _window_problems(clinic) == []


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_each_direct_edit_is_named(clinic: Database, attack: str) -> None:
    statements, said = ATTACKS[attack]
    _sql(clinic, *statements)
    found = _problems(clinic)
    assert any(said in line for line in found), found
    if "user" not in attack and "LB-2" not in said:  # the window names it as the patient opens
        assert any(said in line for line in _window_problems(clinic)), _window_problems(clinic)


def test_a_seal_recomputed_by_the_editor_does_not_help(clinic: Database) -> None:
    """Whoever knows the seal's formula can make the record's own seal fit; the trail's copy still differs."""
    with clinic.transaction() as session:
        visit = patient_history(session, "LB-1").visits[0]
    changed = dataclasses.replace(visit, findings=(dataclasses.replace(visit.findings[0], mas="3"), visit.findings[1]))
    _sql(clinic, f"UPDATE finding SET mas = '3' WHERE visit_id = {VISIT_ROW} AND side = 'left'",
         f"UPDATE visit SET seal = '{visit_seal('LB-1', changed, 'osei')}' WHERE id = {VISIT_ROW}")
    assert any("left elbow flexors: MAS 2 when signed, now 3" in line for line in _problems(clinic))


def _rows(connection: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in connection.execute(select(EVENT).order_by(EVENT.c.id))]


def _rewrite_chain(db: Database, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
    """What someone who knows assess's code can do: edit events, then recompute every hash and the head."""
    with db.engine.begin() as connection:
        rows = change(_rows(connection))
        connection.execute(delete(EVENT))
        prev = "0" * 64
        for row in rows:
            row["prev_hash"] = prev
            row["hash"] = prev = event_hash(prev, row)
        connection.execute(insert(EVENT), rows)
        connection.execute(update(HEAD).values(last_id=rows[-1]["id"], last_hash=prev))


def _sign_event_with_seal(rows: list[dict[str, Any]], visit_seal_now: str) -> list[dict[str, Any]]:
    for row in rows:
        if row["action"] == "sign" and row["entity"] == "visit":
            after = json.loads(row["after"])
            after["seal"]["hash"] = visit_seal_now
            after["seal"]["content"]["findings"][0]["mas"] = "3"
            row["after"] = json.dumps(after, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return rows


def test_an_event_edited_to_fit_the_change_breaks_the_chain(clinic: Database) -> None:
    with clinic.transaction() as session:
        visit = patient_history(session, "LB-1").visits[0]
    changed = dataclasses.replace(visit, findings=(dataclasses.replace(visit.findings[0], mas="3"), visit.findings[1]))
    _sql(clinic, f"UPDATE finding SET mas = '3' WHERE visit_id = {VISIT_ROW} AND side = 'left'")
    with clinic.engine.begin() as connection:  # the sign event's seal made to fit, its own hash recomputed
        [row] = [r for r in _rows(connection) if r["action"] == "sign" and r["entity"] == "visit"]
        [edited] = _sign_event_with_seal([row], visit_seal("LB-1", changed, "osei"))
        connection.execute(update(EVENT).where(EVENT.c.id == edited["id"]).values(
            after=edited["after"], hash=event_hash(edited["prev_hash"], edited)))
    with clinic.transaction() as session:
        chain, _ = check_database(session)
    assert (chain.broken_at, chain.reason) == (11, "event 11 does not link to event 10")
    assert any("The audit trail was edited at event 10" in line for line in _window_problems(clinic))


def test_the_trail_cut_back_with_its_head_reset(clinic: Database, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    """Events removed from the end and the head made to fit: the chain is whole again, but the signatures it
    lost are missed, and an anchor noted before the cut is no longer there."""
    monkeypatch.setenv("ASSESS_USER", "tess")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    assert main(["--db", db_url, "audit", "verify"]) == 0
    anchor = capsys.readouterr().out.split("--expect ")[1].split()[0]
    with clinic.transaction() as session:
        sign_visit(session, "LB-2", DAY, "follow_up")  # a signature after the anchor, then cut away
    _rewrite_chain(clinic, lambda rows: [r for r in rows if r["id"] <= 10])  # from the toxin's signature on
    assert main(["--db", db_url, "audit", "verify", "--expect", anchor]) == 1
    out = capsys.readouterr().out
    assert out.startswith("The audit trail is intact: ")  # the chain alone cannot tell
    assert "NOT FOUND: no event of this chain has the hash you kept" in out
    assert "The signed follow-up visit of LB-2 on 2025-05-02 has no signature in the audit trail" in out
    assert "The signed onabotulinumtoxinA session of LB-1 on 2025-05-02 has no signature" in out
    assert "An addendum to the follow-up visit of LB-1 on 2025-05-02 signed as by osei" in out


def test_the_whole_chain_rewritten_is_caught_only_by_the_anchor(clinic: Database, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    """The limit, shown: someone who changes a record, its seal and the trail's copy, and recomputes every hash,
    leaves a database that checks out. Only the head noted outside the database shows it."""
    monkeypatch.setenv("ASSESS_USER", "tess")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    assert main(["--db", db_url, "audit", "verify"]) == 0
    anchor = capsys.readouterr().out.split("--expect ")[1].split()[0]
    with clinic.transaction() as session:
        visit = patient_history(session, "LB-1").visits[0]
    changed = dataclasses.replace(visit, findings=(dataclasses.replace(visit.findings[0], mas="3"), visit.findings[1]))
    seal = visit_seal("LB-1", changed, "osei")
    _sql(clinic, f"UPDATE finding SET mas = '3' WHERE visit_id = {VISIT_ROW} AND side = 'left'",
         f"UPDATE visit SET seal = '{seal}' WHERE id = {VISIT_ROW}")
    _rewrite_chain(clinic, lambda rows: _sign_event_with_seal(rows, seal))
    assert main(["--db", db_url, "audit", "verify"]) == 0  # undetectable without the anchor
    capsys.readouterr()
    assert main(["--db", db_url, "audit", "verify", "--expect", anchor]) == 1
    assert "NOT FOUND: no event of this chain has the hash you kept" in capsys.readouterr().out


def test_a_forged_event_appended_after_the_anchor_is_listed_to_confirm(
        clinic: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    """Promoting a reader and appending a well-formed event that says assess did it: the chain cannot tell
    (its algorithm is public), but every change to users since the anchor is listed for a person to confirm."""
    from assess.services.seals import user_entry

    monkeypatch.setenv("ASSESS_USER", "tess")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    assert main(["--db", db_url, "audit", "verify"]) == 0
    anchor = capsys.readouterr().out.split("--expect ")[1].split()[0]
    _sql(clinic, "UPDATE app_user SET role = 'clinician' WHERE name = 'rhea'")
    with clinic.engine.connect() as connection:
        stored_hash = connection.execute(text("SELECT password_hash FROM app_user WHERE name = 'rhea'")).scalar_one()

    def forged(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        last = rows[-1]
        return [*rows, {**last, "id": last["id"] + 1, "actor": "osei", "role": "clinician", "action": "update",
                        "entity": "user", "entity_key": "rhea", "mrn": None, "before": None, "after": json.dumps(
                            {"seal": user_entry("rhea", "clinician", stored_hash)}, sort_keys=True,
                            separators=(",", ":"))}]

    _rewrite_chain(clinic, forged)
    assert main(["--db", db_url, "audit", "verify", "--expect", anchor]) == 0
    out = capsys.readouterr().out
    assert "nothing up to it was changed, removed or rewritten" in out
    assert "to confirm" in out and "osei (clinician)" in out and "update user rhea" in out


def test_a_swapped_password_hash_cannot_be_used_to_log_in(clinic: Database) -> None:
    """rhea's password put on osei's row: the right password for the row, yet osei's login is refused."""
    _sql(clinic, "UPDATE app_user SET password_hash = (SELECT password_hash FROM app_user WHERE name = 'rhea') "
                 "WHERE name = 'osei'", "UPDATE app_user SET role = 'clinician' WHERE name = 'tess'")
    with pytest.raises(LoginError, match="osei cannot log in: its role or password in the users table is not the "
                                         "one assess set"):
        log_in(clinic, "osei", PASSWORD)
    with pytest.raises(LoginError, match="tess cannot log in"):
        log_in(clinic, "tess", PASSWORD)
    log_in(clinic, "rhea", PASSWORD)  # untouched: still a reader
    assert clinic.actor is not None and clinic.actor.role == "reader"


def test_the_cli_names_what_changed_and_exits_1(clinic: Database, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("ASSESS_USER", "tess")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    assert main(["--db", db_url, "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Seals checked: 1 signed visit, 1 signed toxin session, 1 addendum, 3 users; all as sealed." in out
    _sql(clinic, f"UPDATE finding SET mas = '3' WHERE visit_id = {VISIT_ROW} AND side = 'left'",
         "UPDATE app_user SET role = 'clinician' WHERE name = 'rhea'")
    assert main(["--db", db_url, "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "CHANGED OUTSIDE ASSESS (2):" in out
    assert "  - The signed follow-up visit of LB-1 on 2025-05-02 was changed after it was signed (event 10, " in out
    assert "left elbow flexors: MAS 2 when signed, now 3" in out
    assert "User rhea is a clinician in the users table, but assess made rhea a reader" in out
