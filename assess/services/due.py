"""The stored due items: kept up to date in the transaction that changes a record, read by the worklist and
`assess alerts` instead of working out every history again.

Every service that changes a patient's record writes an audit event naming the patient (audit.record_many);
that marks the patient in the session (services/touched.py), and just before the transaction commits the marked
patients' items are worked out again and stored, so they exist exactly when the change does. Items go stale
only with time (scoring/due.py: `fresh_until`) or a rule change (`rules`): readers work those patients out again
first (`refresh_stale`), and `assess db due --rebuild` does the whole clinic after a rule change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assess.record.domain import PatientRecord
from assess.scoring import due as rules
from assess.scoring.limits import LimitTable, load_limits
from assess.scoring.safety import Alert
from assess.services import rows as r
from assess.services.alerts import alerts_needed
from assess.services.audit import audit_head_id, changed_since
from assess.services.locks import lock_patients
from assess.services.touched import untouch
from assess.storage.worklist_tables import DueItemRow, DueStateRow

STATE = r.table_of(DueStateRow)
ITEM = r.table_of(DueItemRow)
_BATCH = 500


def refresh_patients(session: Session, mrns: Iterable[str]) -> None:
    """The named patients' items worked out for today, in the caller's transaction (its locks are held)."""
    wanted = sorted(set(mrns))
    ids: list[int] = []
    for start in range(0, len(wanted), _BATCH):
        ids += session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.mrn.in_(wanted[start:start + _BATCH])))\
            .scalars()
    refresh(session, sorted(ids), dt.date.today(), lock=False)


Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # due_state rows, due_item rows


def work_out_rows(session: Session, patient_ids: Sequence[int], on: dt.date, limits: LimitTable) -> Rows:
    """These patients' items for `on`, as rows to store (reads only)."""
    states: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for start in range(0, len(patient_ids), _BATCH):
        batch = list(patient_ids[start:start + _BATCH])
        records = r.load_records(session, batch, alerts_needed(on))
        rows_of_records({pid: records[pid] for pid in batch}, on, limits, (states, items))
    return states, items


def rows_of_records(records: Mapping[Any, PatientRecord], on: dt.date, limits: LimitTable,
                    into: Rows | None = None) -> Rows:
    """The items of records (as load_records reads them for the rules) for `on`, keyed as `records` is (patient
    ids; a process that has no ids yet keys them by MRN, and the keys are replaced before the rows are stored)."""
    version = rules.rules_version()
    states, items = into or ([], [])
    for pid, record in records.items():
        worked = rules.work_out(record, on, limits)
        states.append({"patient_id": pid, "computed_on": on, "fresh_until": worked.fresh_until,
                       "rules": version, "last_seen": worked.last_seen})
        items += [{"patient_id": pid, "code": a.code, "severity": a.severity, "day": a.date, "ongoing": o,
                   "message": a.message, "source": a.source, "item_key": rules.item_key(a, o)}
                  for a, o in zip(worked.alerts, worked.ongoing, strict=True)]
    return states, items


def new_patients_rows(records: Iterable[PatientRecord], on: dt.date, limits: LimitTable | None = None) -> Rows:
    """The items of new patients from their records in hand, keyed by MRN (a worker process that generates
    patients has no ids for them yet): what the commit would work out after reading them back."""
    partial = alerts_needed(on)
    return rows_of_records({record.mrn: r.as_partial(record, partial) for record in records}, on,
                           limits or load_limits())


def store_new_patients(session: Session, rows: Rows, ids: Mapping[str, int]) -> int:
    """Store the items (rows keyed by MRN, from `new_patients_rows`) of the patients this transaction created,
    `ids` by MRN; rows of other patients are left out. The commit then leaves these patients be: it does not
    read them back to work them out again. Returns the items stored."""
    worked = [state["patient_id"] for state in rows[0] if state["patient_id"] in ids]
    states = [{**state, "patient_id": ids[state["patient_id"]]} for state in rows[0] if state["patient_id"] in ids]
    items = [{**item, "patient_id": ids[item["patient_id"]]} for item in rows[1] if item["patient_id"] in ids]
    if states:
        session.execute(insert(STATE), states)
    if items:
        session.execute(insert(ITEM), items)
    untouch(session, worked)
    return len(items)


def store_rows(session: Session, rows: Rows) -> int:
    """Replace the stored items of the patients in `rows`; returns the items stored."""
    states, items = rows
    ids = [state["patient_id"] for state in states]
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        session.execute(delete(ITEM).where(ITEM.c.patient_id.in_(batch)))
        session.execute(delete(STATE).where(STATE.c.patient_id.in_(batch)))
    if states:
        session.execute(insert(STATE), states)
    if items:
        session.execute(insert(ITEM), items)
    return len(items)


def refresh(session: Session, patient_ids: Sequence[int], on: dt.date, limits: LimitTable | None = None,
            lock: bool = True) -> int:
    """Work out and store these patients' items for `on`; returns how many items were stored."""
    table = limits or load_limits()
    stored = 0
    for start in range(0, len(patient_ids), _BATCH):
        batch = list(patient_ids[start:start + _BATCH])
        if lock:
            lock_patients(session, batch)  # two workstations refreshing one patient: the second waits
        stored += store_rows(session, work_out_rows(session, batch, on, table))
    return stored


def stale_ids(session: Session, on: dt.date) -> list[int]:
    """Patients whose stored items are not the rules' answer for `on`: never worked out, by other rules, or
    for a day they no longer hold on."""
    version = rules.rules_version()
    fresh = select(STATE.c.patient_id).where(STATE.c.rules == version, STATE.c.computed_on <= on,
                                             STATE.c.fresh_until > on)
    return list(session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.id.not_in(fresh))
                                .order_by(r.PATIENT.c.id)).scalars())


def refresh_stale(session: Session, on: dt.date) -> int:
    """Bring every patient's items to `on` (today's readers do this first); returns the patients worked out."""
    ids = stale_ids(session, on)
    refresh(session, ids, on)
    return len(ids)


def rebuild(session: Session, on: dt.date) -> int:
    """Every patient's items worked out again (after a rule change); returns the patients."""
    ids = list(session.execute(select(r.PATIENT.c.id).order_by(r.PATIENT.c.id)).scalars())
    refresh(session, ids, on)
    return len(ids)


@dataclass(frozen=True)
class StoredItem:
    """One stored alert as read on a day, with what the worklist shows beside it."""

    alert: Alert
    patient_id: int
    item_key: str
    name: str  # "Family, Given"
    last_seen: dt.date | None


def read_items(session: Session, on: dt.date, patient_ids: Sequence[int] | None = None) -> list[StoredItem]:
    """The stored items (fresh for `on`: call refresh_stale first) of every patient or of the ones named."""
    query = (select(ITEM.c.patient_id, ITEM.c.code, ITEM.c.severity, ITEM.c.day, ITEM.c.ongoing, ITEM.c.message,
                    ITEM.c.source, ITEM.c.item_key, r.PATIENT.c.mrn, r.PATIENT.c.family_name,
                    r.PATIENT.c.given_name, STATE.c.last_seen)
             .join(r.PATIENT, r.PATIENT.c.id == ITEM.c.patient_id)
             .join(STATE, STATE.c.patient_id == ITEM.c.patient_id))
    rows: list[Any] = []
    if patient_ids is None:
        rows = list(session.execute(query))
    else:
        for start in range(0, len(patient_ids), _BATCH):
            rows += session.execute(query.where(ITEM.c.patient_id.in_(patient_ids[start:start + _BATCH])))
    return [StoredItem(rules.as_of(Alert(code, severity, mrn, day, message, source), bool(ongoing), on), pid, key,
                       f"{family}, {given}", seen)
            for pid, code, severity, day, ongoing, message, source, key, mrn, family, given, seen in rows]


def stored_alerts(session: Session, on: dt.date, patient_ids: Sequence[int] | None = None) -> list[Alert]:
    """Today's alerts from the stored items, in `patient_alerts` order per patient (warnings first, by date),
    patients by MRN. Stale patients are worked out first."""
    if patient_ids is None:
        refresh_stale(session, on)
    else:
        stale = set(stale_ids(session, on)) & set(patient_ids)
        refresh(session, sorted(stale), on)
    found = [item.alert for item in read_items(session, on, patient_ids)]
    return sorted(found, key=lambda a: (a.mrn, a.severity != "warning", a.date, a.code, a.message))


def _rows_in_worker(url: str, ids: Sequence[int], on: dt.date) -> Rows:
    from assess.storage.bulk import collector_paused
    from assess.storage.db import open_database

    db = open_database(url, migrate=False, check_file=False)  # its own connections; the parent checked the file
    try:
        with collector_paused(), db.transaction() as session:
            return work_out_rows(session, ids, on, load_limits())
    finally:
        db.close()


def refresh_in_workers(url: str, ids: Sequence[int], on: dt.date, workers: int) -> int:
    """refresh() with the reading and the rules (CPU-bound Python) split between processes; this process then
    stores every row in one transaction (SQLite has one writer). A patient whose record changed meanwhile (an
    audit event after the work began) is worked out again inside that transaction. For the command line, not
    the window (forking a process that runs Qt threads is unsafe)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from assess.storage.bulk import collector_paused
    from assess.storage.db import open_database

    db = open_database(url, migrate=False, check_file=False)
    try:
        with db.transaction() as session:
            began = int(session.execute(select(audit_head_id())).scalar_one())
        size = max(1, -(-len(ids) // max(1, workers)))
        chunks = [list(ids[i:i + size]) for i in range(0, len(ids), size)]
        if len(chunks) <= 1:
            parts = [_rows_in_worker(url, ids, on)]
        else:
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                  else None)
            with ProcessPoolExecutor(len(chunks), mp_context=context) as pool:
                parts = list(pool.map(_rows_in_worker, [url] * len(chunks), chunks, [on] * len(chunks)))
        with collector_paused(), db.transaction() as session:
            lock_patients(session, ids)
            stored = sum(store_rows(session, part) for part in parts)
            changed = changed_since(session, began, ids)
            return stored + (refresh(session, changed, on, lock=False) if changed else 0)
    finally:
        db.close()
