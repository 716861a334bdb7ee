"""Checking that nothing changed behind assess's back: every seal recomputed and compared with the audit trail.

The audit trail is the reference: each signature, import, addendum and user change left there the seal of
what it wrote (seals.py). A record whose content no longer gives that seal, a signed record the trail
never signed, a sealed one that is gone or a draft again, an addendum missing, a user whose role or
password hash is not the one assess set: each is a Problem, said in words. `check_database` does it for
everything (`assess audit verify`); `check_patient` for one patient and the users (the window, when it
opens a patient).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, union, union_all
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from assess.interchange.write import treatment_fields, visit_fields
from assess.record.domain import Addendum, PatientRecord, ToxinSession, Visit
from assess.record.labels import words
from assess.services import audit
from assess.services import rows as r
from assess.services.access import USER
from assess.services.seal_words import toxin_changes, visit_changes
from assess.services.seals import (
    ADDENDUM,
    SEALING_ACTIONS,
    addendum_key,
    addendum_seal,
    entries_in,
    toxin_key,
    toxin_seal,
    user_seal,
    visit_key,
    visit_seal,
)
from assess.services.signing import addenda_by_patient

_WHEN = "%Y-%m-%d %H:%M UTC"


@dataclass(frozen=True)
class Problem:
    """Something changed outside assess, said as a clinic's IT person can act on it."""

    mrn: str | None
    text: str
    about: str | None = None  # the record it is about: 'visit 2025-06-09 follow_up', 'toxin_session ...'


@dataclass(frozen=True)
class Sealed:
    """One seal the trail records, with the event that wrote it."""

    entry: dict[str, Any]
    event_id: int
    at: dt.datetime
    actor: str

    def said(self) -> str:
        return f"event {self.event_id}, {self.at.astimezone(dt.UTC):{_WHEN}} by {self.actor}"


@dataclass
class Expected:
    """What the audit trail says was sealed, the latest word for each record (events read in order)."""

    records: dict[tuple[str, str, str], Sealed] = field(default_factory=dict)  # (record, mrn, key)
    addenda: dict[tuple[str, str], list[Sealed]] = field(default_factory=lambda: defaultdict(list))
    users: dict[str, Sealed] = field(default_factory=dict)

    def read(self, row: Any) -> None:
        """One event row: the seals it records (only the few actions that write seals are parsed)."""
        if row.action == "delete" and row.entity == "user":  # a restore replaced the users
            self.users.pop(row.entity_key, None)
            return
        if row.action not in SEALING_ACTIONS or row.after is None or '"hash"' not in row.after:
            return
        after = json.loads(row.after)
        if isinstance(after, dict) and after.get("replaces_mrn"):  # the patient's MRN changed: sealed anew
            old = after["replaces_mrn"]
            self.records = {k: v for k, v in self.records.items() if k[1] != old}
            self.addenda = defaultdict(list, {k: v for k, v in self.addenda.items() if k[0] != old})
        for made in entries_in(after):
            sealed = Sealed(made, row.id, row.at, row.actor)
            record, key = made.get("record"), str(made.get("key"))
            if record == "user":
                self.users[key] = sealed
            elif record == "addendum" and row.mrn:
                self.addenda[(row.mrn, key)].append(sealed)
            elif record in ("visit", "toxin_session") and row.mrn:
                self.records[(str(record), row.mrn, key)] = sealed


@dataclass
class Stored:
    """What the database holds now of everything that is, or should be, sealed."""

    visits: dict[tuple[str, str], tuple[Visit, str | None, str | None]] = field(default_factory=dict)
    toxins: dict[tuple[str, str], tuple[ToxinSession, str | None, dt.datetime | None, str | None]] = \
        field(default_factory=dict)
    addenda: dict[tuple[str, str], list[tuple[Addendum, str | None]]] = field(default_factory=lambda: defaultdict(list))
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (role, password hash)

    def add_patient(self, session: Session, pid: int, record: PatientRecord, found: Sequence[Addendum]) -> None:
        self.add_rows(session, [pid], {pid: record}, {pid: list(found)})

    def add_rows(self, session: Session, pids: Sequence[int], records: dict[int, PatientRecord],
                 found: dict[int, list[Addendum]]) -> None:
        visits = {(pid, v.key): v for pid, record in records.items() for v in record.visits}
        visit_rows = session.execute(
            select(r.VISIT.c.patient_id, r.VISIT.c.date, r.VISIT.c.type, r.VISIT.c.signed_by, r.VISIT.c.seal)
            .where(r.VISIT.c.patient_id.in_(pids), or_(r.VISIT.c.status == "signed", r.VISIT.c.seal.is_not(None))))
        for pid, day, kind, by, seal in visit_rows:
            self.visits[(records[pid].mrn, visit_key(day, kind))] = (visits[(pid, (day, kind))], by, seal)
        sessions = {(pid, t.date, t.product): t for pid, record in records.items() for t in record.treatments
                    if isinstance(t, ToxinSession)}
        toxin_rows = session.execute(
            select(r.TOXIN.c.patient_id, r.TOXIN.c.date, r.TOXIN.c.product, r.TOXIN.c.signed_by, r.TOXIN.c.signed_at,
                   r.TOXIN.c.seal)
            .where(r.TOXIN.c.patient_id.in_(pids),
                   or_(r.TOXIN.c.signed_at.is_not(None), r.TOXIN.c.seal.is_not(None))))
        for pid, day, product, by, at, seal in toxin_rows:
            self.toxins[(records[pid].mrn, toxin_key(day, product))] = (sessions[(pid, day, product)], by, at, seal)
        seals: dict[int, list[str | None]] = defaultdict(list)
        for pid, seal in session.execute(select(ADDENDUM.c.patient_id, ADDENDUM.c.seal)
                                         .where(ADDENDUM.c.patient_id.in_(pids))
                                         .order_by(ADDENDUM.c.written_at, ADDENDUM.c.id)):
            seals[pid].append(seal)  # the order addenda_by_patient gives them in
        for pid, stored in seals.items():
            for addendum, seal in zip(found.get(pid, []), stored, strict=True):
                self.addenda[(records[pid].mrn, addendum_key(addendum))].append((addendum, seal))

    def add_users(self, session: Session) -> None:
        for name, role, password_hash in session.execute(select(USER.c.name, USER.c.role, USER.c.password_hash)):
            self.users[name] = (role, password_hash)


@dataclass(frozen=True)
class Checked:
    problems: tuple[Problem, ...]
    visits: int
    toxin_sessions: int
    addenda: int
    users: int


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _record_words(record: str, mrn: str, key: str) -> str:
    day, _, detail = key.partition(" ")
    if record == "visit":
        return f"the signed {words(detail)} visit of {mrn} on {day}"
    return f"the signed {detail} session of {mrn} on {day}"


def _saved_content(session: Session, entity: str, mrn: str, key: str, before: int) -> dict[str, Any] | None:
    """The record as last saved before it was sealed, from the trail (older seals keep no copy of it)."""
    rows = session.execute(select(audit.EVENT.c.after).where(
        audit.EVENT.c.mrn == mrn, audit.EVENT.c.entity == entity, audit.EVENT.c.entity_key == key,
        audit.EVENT.c.action.in_(("create", "update")), audit.EVENT.c.id < before)
        .order_by(audit.EVENT.c.id.desc()).limit(1)).scalar()
    value = json.loads(rows) if rows else None
    return value if isinstance(value, dict) else None


def _what_changed(session: Session, record: str, mrn: str, key: str, sealed: Sealed, now: dict[str, Any],
                  signed_by: str | None) -> str:
    then = sealed.entry.get("content")
    from_save = False
    if not isinstance(then, dict):
        entity, event_key = ("visit", key) if record == "visit" else ("treatment", f"botulinum_toxin {key}")
        then, from_save = _saved_content(session, entity, mrn, event_key, sealed.event_id), True
    changes = []
    if "signed_by" in sealed.entry and sealed.entry["signed_by"] != signed_by:
        changes.append(f"its signer is now {signed_by or 'nobody'!r}, it was signed by {sealed.entry['signed_by']!r}")
    if then is None:
        changes.append("the trail keeps no copy of the content as signed (it was imported signed, or signed "
                       "before seals): compare it with the file it came from or with a backup")
    elif record == "visit":
        changes += visit_changes(then, now, from_save)
    else:
        changes += toxin_changes(then, now)
    return "; ".join(changes) or "its stored values differ from those sealed"


def compare(session: Session, expected: Expected, stored: Stored, mrns: Iterable[str] | None = None) -> list[Problem]:
    """Every difference between what the trail sealed and what is stored (for the MRNs named, or all)."""
    only = set(mrns) if mrns is not None else None
    problems: list[Problem] = []
    for (record, mrn, key), sealed in sorted(expected.records.items(), key=lambda item: item[1].event_id):
        if only is not None and mrn not in only:
            continue
        what = _record_words(record, mrn, key)
        signed_by: str | None
        if record == "visit":
            visit_now = stored.visits.get((mrn, key))
            if visit_now is None or visit_now[0].status != "signed":
                where = "is a draft again" if visit_now else "is no longer signed in the database (deleted, or a draft)"
                problems.append(Problem(mrn, f"{_first_up(what)} ({sealed.said()}) {where}: changed outside assess",
                                        f"{record} {key}"))
                continue
            visit, signed_by, column = visit_now
            seal, content = visit_seal(mrn, visit, signed_by), functools.partial(visit_fields, visit)
        else:
            toxin_now = stored.toxins.get((mrn, key))
            if toxin_now is None or toxin_now[2] is None:
                problems.append(Problem(mrn, f"{_first_up(what)} ({sealed.said()}) is no longer signed in the "
                                             "database (deleted, or its signature removed): changed outside assess",
                                        f"{record} {key}"))
                continue
            treatment, signed_by, signed_at, column = toxin_now
            seal = toxin_seal(mrn, treatment, signed_by, signed_at)
            content = functools.partial(treatment_fields, treatment)
        if seal != sealed.entry.get("hash"):
            changes = _what_changed(session, record, mrn, key, sealed, content(), signed_by)  # only when it differs
            problems.append(Problem(mrn, f"{_first_up(what)} was changed after it was signed ({sealed.said()}): "
                                         f"{changes}", f"{record} {key}"))
        elif column != seal:
            problems.append(Problem(mrn, f"{_first_up(what)}: its stored seal was altered (its content is still "
                                         "as signed)", f"{record} {key}"))
    for kind, found in (("visit", stored.visits), ("toxin_session", stored.toxins)):
        for mrn, key in found:
            if (only is None or mrn in only) and (kind, mrn, key) not in expected.records:
                problems.append(Problem(mrn, f"{_first_up(_record_words(kind, mrn, key))} has no signature in the "
                                             "audit trail: it was marked signed outside assess", f"{kind} {key}"))
    problems += _compare_addenda(expected, stored, only)
    return problems


def _compare_addenda(expected: Expected, stored: Stored, only: set[str] | None) -> list[Problem]:
    problems = []
    for mrn, key in sorted({*expected.addenda, *stored.addenda}):
        if only is not None and mrn not in only:
            continue
        record, _, rest = key.partition(" ")
        what = _record_words(record, mrn, rest).replace("the signed ", "the ")
        written = {sealed.entry.get("hash"): sealed for sealed in expected.addenda.get((mrn, key), [])}
        now = {addendum_seal(mrn, a): (a, column) for a, column in stored.addenda.get((mrn, key), [])}
        for seal, sealed in written.items():
            if seal not in now:
                text = str(sealed.entry.get("text", ""))
                problems.append(Problem(mrn, f"The addendum by {sealed.entry.get('author')} "
                                             f"({sealed.said()}) to {what} was deleted or changed outside assess; "
                                             f"it read: {text[:120]!r}", key))
        for seal, (addendum, column) in now.items():
            if seal not in written:
                problems.append(Problem(mrn, f"An addendum to {what} signed as by {addendum.author} "
                                             f"({addendum.written_at.astimezone(dt.UTC):{_WHEN}}) was not written by "
                                             f"assess (added or changed outside assess): {addendum.text[:120]!r}",
                                        key))
            elif column != seal:
                problems.append(Problem(mrn, f"The addendum by {addendum.author} to {what}: its stored seal was "
                                             "altered (its text is still as written)", key))
    return problems


def compare_users(expected: Expected, stored: Stored) -> list[Problem]:
    problems = []
    for name, sealed in sorted(expected.users.items()):
        if name not in stored.users:
            problems.append(Problem(None, f"User {name} is in the audit trail ({sealed.said()}) but no longer in the "
                                          "users table: removed outside assess"))
            continue
        role, password_hash = stored.users[name]
        if user_seal(name, role, password_hash) == sealed.entry.get("hash"):
            continue
        if role != sealed.entry.get("role"):
            problems.append(Problem(None, f"User {name} is a {role} in the users table, but assess made {name} a "
                                          f"{sealed.entry.get('role')} ({sealed.said()}): the role was changed "
                                          "outside assess"))
        else:
            problems.append(Problem(None, f"The password of {name} in the users table is not the one set through "
                                          f"assess ({sealed.said()}): it was replaced outside assess"))
    for name, (role, _) in sorted(stored.users.items()):
        if name not in expected.users:
            problems.append(Problem(None, f"User {name} ({role}) is in the users table but assess never added or "
                                          "sealed this user: added outside assess"))
    return problems


def _stored_everything(session: Session) -> Stored:
    stored = Stored()
    stored.add_users(session)
    pids = sorted({pid for (pid,) in session.execute(union(
        select(r.VISIT.c.patient_id).where(or_(r.VISIT.c.status == "signed", r.VISIT.c.seal.is_not(None))),
        select(r.TOXIN.c.patient_id).where(or_(r.TOXIN.c.signed_at.is_not(None), r.TOXIN.c.seal.is_not(None))),
        select(ADDENDUM.c.patient_id)))})
    for start in range(0, len(pids), 500):
        chunk = pids[start:start + 500]
        stored.add_rows(session, chunk, r.load_records(session, chunk), addenda_by_patient(session, chunk))
    return stored


def check_database(session: Session, expect: str | None = None) -> tuple[audit.ChainCheck, Checked]:
    """The whole check of `assess audit verify`: the chain (and the anchor), then every seal and user."""
    expected = Expected()
    chain = audit.verify_chain(session, expect, each=expected.read)
    stored = _stored_everything(session)
    problems = compare(session, expected, stored) + compare_users(expected, stored)
    return chain, Checked(tuple(problems), len(stored.visits), len(stored.toxins),
                          sum(len(v) for v in stored.addenda.values()), len(stored.users))


def check_patient(session: Session, pid: int, record: PatientRecord) -> list[Problem]:
    """The seals of one patient's signed records and addenda, and the users table: run as a patient opens.

    The patient's events are read by MRN (indexed); each event a seal is taken from is checked against its
    neighbours in the chain, so an event edited to fit a changed record is caught here too.
    """
    expected = Expected()
    # Two indexed reads, not one with OR (which would scan the whole trail): the patient's events by MRN,
    # and the user events (a partial index holds them; its condition is written as a literal to be used).
    rows = session.execute(union_all(
        select(audit.EVENT).where(audit.EVENT.c.mrn == record.mrn, audit.EVENT.c.action.in_(SEALING_ACTIONS)),
        select(audit.EVENT).where(sql_text("audit_event.entity = 'user'"),
                                  audit.EVENT.c.action.in_(SEALING_ACTIONS)))).all()
    for row in sorted(rows, key=lambda row: int(row.id)):
        expected.read(row)
    stored = Stored()
    stored.add_patient(session, pid, record, addenda_by_patient(session, [pid]).get(pid, []))
    stored.add_users(session)
    problems = compare(session, expected, stored, [record.mrn]) + compare_users(expected, stored)
    used = {s.event_id for s in (*expected.records.values(), *expected.users.values())} | {
        s.event_id for found in expected.addenda.values() for s in found}
    broken = audit.events_off_chain(session, used)
    if broken:
        problems.append(Problem(record.mrn, f"The audit trail was edited at event {broken[0]}, which records a "
                                            "signature or a user: run 'assess audit verify'"))
    return problems


def restores(session: Session) -> list[audit.AuditEvent]:
    """The restores this chain records, oldest first: each replaced a database whose own chain (kept as a
    copy) holds any anchor noted before it."""
    rows = session.execute(select(audit.EVENT).where(audit.EVENT.c.action == "restore",
                                                     audit.EVENT.c.entity == "database").order_by(audit.EVENT.c.id))
    return [audit.event_of_row(row) for row in rows]


def signed_visit_problems(session: Session, record: PatientRecord, day: dt.date, visit_type: str) -> list[str]:
    """What changed outside assess in one signed visit (and its addenda): the visit editor says it as it opens."""
    from assess.services.patients import patient_id

    about = f"visit {visit_key(day, visit_type)}"
    return [p.text for p in check_patient(session, patient_id(session, record.mrn), record) if p.about == about]
