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
from collections.abc import Mapping, Sequence
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
           "login_failed")


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


def _event(row: Any) -> AuditEvent:
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
    return [_event(row) for row in session.execute(query)]


@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken_at: int | None  # the id of the first event that does not fit the chain
    reason: str
    head_hash: str

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every hash in order; the first event whose content, position or link does not match."""
    prev = GENESIS
    expected_id = 1
    count = 0
    result = session.execute(select(EVENT).order_by(EVENT.c.id).execution_options(yield_per=2000))
    for row in result:
        values = row._mapping
        if row.id != expected_id:
            return ChainCheck(count, expected_id, f"event {expected_id} is missing (the next one is {row.id})",
                              prev)
        if row.prev_hash != prev:
            return ChainCheck(count, row.id, f"event {row.id} does not link to event {row.id - 1}", prev)
        if event_hash(prev, values) != row.hash:
            return ChainCheck(count, row.id, f"event {row.id} was changed after it was written", prev)
        prev = row.hash
        expected_id += 1
        count += 1
    head = session.execute(select(HEAD.c.last_id, HEAD.c.last_hash).where(HEAD.c.id == 1)).one()
    if head.last_id != count or head.last_hash != prev:
        return ChainCheck(count, count + 1, f"the chain ends at event {count} but its head records event "
                          f"{head.last_id}: events at the end were removed", prev)
    return ChainCheck(count, None, "", prev)


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
