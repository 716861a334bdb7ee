"""The audit trail: an append-only chain of events, each hashed over its content and the previous hash.

Appending takes the chain head's row lock (an UPDATE of the one-row `audit_head` table), so two
workstations writing to one PostgreSQL server at once queue up instead of forking the chain; on
SQLite the database's write lock does the same. Anyone who edits or deletes an event breaks the chain
at that event, which `verify_chain` names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from assess.record.actor import Actor
from assess.services.access import current_actor
from assess.services.rows import PATIENT, table_of
from assess.services.touched import touch
from assess.storage.models import AuditEventRow, AuditHeadRow, utcnow

EVENT = table_of(AuditEventRow)
HEAD = table_of(AuditHeadRow)
GENESIS = "0" * 64

# What happened: the words a listing shows.
# What changes a patient's record (and so its due items); export, report and logins do not.
RECORD_CHANGES = frozenset({"create", "update", "delete", "sign", "addendum", "import"})
RECORD_ENTITIES = frozenset({"patient", "visit", "goal", "treatment"})
ACTIONS = ("create", "update", "delete", "sign", "addendum", "import", "export", "report", "login",
           "login_failed", "view", "seal", "backup", "restore", "upgrade", "disable", "enable")


@dataclass(frozen=True)
class Change:
    """One event to append: what was done to which record, with its values before and after."""

    action: str
    entity: str  # patient, visit, goal, treatment, user, file, clinic_setting...
    key: str  # the record's identity within the patient (visit: '2026-03-02 follow_up')
    mrn: str | None = None
    before: Any = None
    after: Any = None


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    role: str
    workstation: str
    action: str
    entity: str
    key: str
    mrn: str | None
    before: Any
    after: Any
    hash: str


def canonical(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, dates as ISO text. What the hash covers."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _json(value: Any) -> str | None:
    return None if value is None else canonical(value)


def event_hash(prev_hash: str, row: Mapping[Any, Any]) -> str:
    at = row["at"]
    content = [row["id"], at.astimezone(dt.UTC).isoformat(), row["actor"], row["role"], row["workstation"],
               row["action"], row["entity"], row["entity_key"], row["mrn"], row["before"], row["after"]]
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


def record(session: Session, change: Change, actor: Actor | None = None) -> None:
    record_many(session, [change], actor)


def record_many(session: Session, changes: Sequence[Change], actor: Actor | None = None) -> None:
    """Append events in the caller's transaction: they exist exactly when the change they describe does."""
    if not changes:
        return
    who = actor or current_actor(session)
    # The UPDATE locks the head row until commit; a second workstation's append waits here.
    head = session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_id=HEAD.c.last_id + len(changes))
                           .returning(HEAD.c.last_id, HEAD.c.last_hash)).one()
    next_id = int(head.last_id) - len(changes) + 1
    prev = str(head.last_hash)
    at = utcnow()
    rows: list[dict[str, Any]] = []
    for offset, change in enumerate(changes):
        row: dict[str, Any] = {
            "id": next_id + offset, "at": at, "actor": who.name, "role": who.role, "workstation": who.workstation,
            "action": change.action, "entity": change.entity, "entity_key": change.key, "mrn": change.mrn,
            "before": _json(change.before), "after": _json(change.after)}
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(prev, row)
        rows.append(row)
    session.execute(insert(EVENT), rows)
    session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_hash=prev))
    # A change to a patient's record: its due items are worked out again before this transaction commits.
    touch(session, (c.mrn for c in changes if c.mrn and c.action in RECORD_CHANGES and c.entity in RECORD_ENTITIES))


def event_of_row(row: Any) -> AuditEvent:
    return AuditEvent(row.id, row.at, row.actor, row.role, row.workstation, row.action, row.entity, row.entity_key,
                      row.mrn, None if row.before is None else json.loads(row.before),
                      None if row.after is None else json.loads(row.after), row.hash)


def events(session: Session, mrn: str | None = None, limit: int | None = None) -> list[AuditEvent]:
    """Events, newest first; only one patient's when mrn is given."""
    query = select(EVENT).order_by(EVENT.c.id.desc())
    if mrn is not None:
        query = query.where(EVENT.c.mrn == mrn)
    if limit is not None:
        query = query.limit(limit)
    return [event_of_row(row) for row in session.execute(query)]


@dataclass(frozen=True)
class ChainCheck:
    events: int  # intact events before the first broken one (all of them when intact)
    broken_at: int | None  # the id of the first event that does not fit the chain
    reason: str
    head_hash: str  # the hash of the last intact event: what to note down outside the database
    head_id: int = 0
    anchor_at: int | None = None  # the event whose hash is the one expected (verify --expect), if any
    after_anchor: tuple[AuditEvent, ...] = ()  # events since the anchor that change who may do what

    @property
    def intact(self) -> bool:
        return self.broken_at is None


# Events after an anchor that an IT person should look at: they change who may do what, or the data whole.
TRUST_EVENTS = {("create", "user"), ("update", "user"), ("seal", "user"), ("restore", "database"),
                ("upgrade", "database")}


def verify_chain(session: Session, expect: str | None = None,
                 each: Callable[[Any], None] | None = None) -> ChainCheck:
    """Recompute every hash in order; the first event whose content, position or link does not match.

    `expect` is a head hash noted down earlier (outside the database): the check says which event has it,
    or that none has (the chain was rewritten or cut back). `each` sees every event row (integrity.py
    collects the seals the trail records on the same pass).
    """
    prev = GENESIS
    expected_id = 1
    intact = 0
    broken: tuple[int, str] | None = None
    anchor_at: int | None = None
    after_anchor: list[AuditEvent] = []
    result = session.execute(select(EVENT).order_by(EVENT.c.id).execution_options(yield_per=2000))
    for row in result:
        if each is not None:
            each(row)
        if broken is None:
            if row.id != expected_id:
                broken = (expected_id, f"event {expected_id} is missing (the next one is {row.id})")
            elif row.prev_hash != prev:
                broken = (row.id, f"event {row.id} does not link to event {row.id - 1}")
            elif event_hash(prev, row._mapping) != row.hash:
                broken = (row.id, f"event {row.id} was changed after it was written")
            else:
                intact += 1
                prev = row.hash
        if anchor_at is not None and (row.action, row.entity) in TRUST_EVENTS:
            after_anchor.append(event_of_row(row))
        if expect is not None and anchor_at is None and row.hash == expect:
            anchor_at = row.id
        expected_id = row.id + 1
    if broken is None:
        head = session.execute(select(HEAD.c.last_id, HEAD.c.last_hash).where(HEAD.c.id == 1)).one()
        if head.last_id != intact or head.last_hash != prev:
            broken = (intact + 1, f"the chain ends at event {intact} but its head records event {head.last_id}: "
                                  "events at the end were removed")
    if broken is not None:
        return ChainCheck(intact, broken[0], broken[1], prev, intact, anchor_at, tuple(after_anchor))
    return ChainCheck(intact, None, "", prev, intact, anchor_at, tuple(after_anchor))


def events_off_chain(session: Session, event_ids: Iterable[int]) -> list[int]:
    """Of these events, those whose own hash, or link to the events on either side (or the head), is wrong:
    what a single record's check can afford (one read); the whole chain is `assess audit verify`'s."""
    wanted = sorted(set(event_ids))
    if not wanted:
        return []
    around = sorted({i + step for i in wanted for step in (-1, 0, 1)})
    rows: dict[int, Any] = {}
    for start in range(0, len(around), 500):
        rows.update((row.id, row) for row in session.execute(select(EVENT).where(EVENT.c.id.in_(
            around[start:start + 500]))))
    head = session.execute(select(HEAD.c.last_id, HEAD.c.last_hash)).one()
    def fits(event_id: int) -> bool:
        row = rows.get(event_id)
        if row is None or event_hash(row.prev_hash, row._mapping) != row.hash:
            return False
        if event_id > 1 and (event_id - 1 not in rows or rows[event_id - 1].hash != row.prev_hash):
            return False
        if event_id + 1 in rows:
            return bool(rows[event_id + 1].prev_hash == row.hash)
        return bool(head.last_id == event_id and head.last_hash == row.hash)

    return [event_id for event_id in wanted if not fits(event_id)]


def event_fits_chain(session: Session, event_id: int) -> bool:
    return not events_off_chain(session, [event_id])


def audit_head_id() -> Any:
    """The id of the latest event, as a column to select."""
    return HEAD.c.last_id


def changed_since(session: Session, after_id: int, patient_ids: Sequence[int]) -> list[int]:
    """The patients among `patient_ids` with an event changing their record after event `after_id`."""
    mrns = set(session.execute(select(EVENT.c.mrn).where(EVENT.c.id > after_id, EVENT.c.mrn.is_not(None),
                                                         EVENT.c.action.in_(sorted(RECORD_CHANGES)))).scalars())
    if not mrns:
        return []
    wanted = set(patient_ids)
    return sorted(pid for pid, mrn in session.execute(select(PATIENT.c.id, PATIENT.c.mrn)) if mrn in mrns
                  and pid in wanted)
