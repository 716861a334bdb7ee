"""Decision support over one patient or the whole clinic: safety limits, follow-ups due, worsening."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.scoring.limits import LimitTable, load_limits
from assess.scoring.safety import Alert, patient_alerts
from assess.scoring.worsening import REFERENCE_EXAMS
from assess.services import rows as r
from assess.services.patients import patient_id
from assess.services.rows import Partial

_BATCH = 500
FINDINGS_OF_LATEST = 3 * REFERENCE_EXAMS


def alerts_needed(as_of: dt.date) -> Partial:
    """What the rules read: the findings of the latest visits (worsening compares the latest with the median
    of up to REFERENCE_EXAMS earlier exams outside a toxin's effect: FINDINGS_OF_LATEST visits leave room for
    the reviews it skips), drugs, toxin sessions with their injections (which groups were under a toxin's
    effect; doses of the last year's: HISTORY_MONTHS), pump events and SDR (follow-ups). Therapy and orthoses
    are left in the database."""
    return Partial(findings_of_latest=FINDINGS_OF_LATEST,
                   kinds=frozenset({"oral_medication", "botulinum_toxin", "itb_pump", "sdr"}),
                   injections_since=dt.date.min)


def patient_ids(session: Session, mrns: Sequence[str] = ()) -> list[int]:
    """The named patients' ids, or every patient's (by MRN) when none is named."""
    if mrns:
        return [patient_id(session, mrn) for mrn in mrns]
    return list(session.execute(select(r.PATIENT.c.id).order_by(r.PATIENT.c.mrn)).scalars())


def alerts_of(session: Session, ids: Sequence[int], as_of: dt.date, limits: LimitTable) -> list[Alert]:
    found: list[Alert] = []
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        records = r.load_records(session, batch, alerts_needed(as_of))
        for pid in batch:
            found += patient_alerts(records[pid], as_of, limits)
    return found


def alerts(session: Session, as_of: dt.date, mrns: Sequence[str] = (),
           limits: LimitTable | None = None) -> list[Alert]:
    """The open alerts of the named patients (every patient when none is named) as of a day."""
    return alerts_of(session, patient_ids(session, mrns), as_of, limits or load_limits())


def _alerts_in_worker(url: str, ids: Sequence[int], as_of: dt.date) -> list[Alert]:
    from assess.storage.bulk import collector_paused
    from assess.storage.db import open_database

    # Its own connections (none is shared across processes); the parent has checked the file already.
    db = open_database(url, migrate=False, check_file=False)
    try:
        with collector_paused(), db.transaction() as session:
            return alerts_of(session, ids, as_of, load_limits())
    finally:
        db.close()


def clinic_alerts(url: str, ids: Sequence[int], as_of: dt.date, workers: int) -> list[Alert]:
    """Every listed patient's alerts, the work split between `workers` processes (each with its own
    database connection), in the order of `ids`. Reading and checking a large clinic is CPU-bound
    Python: processes, not threads, use the other cores. For a command line, not for the window
    (forking a process that runs Qt threads is unsafe)."""
    size = max(1, -(-len(ids) // max(1, workers)))
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    if len(chunks) <= 1:
        return _alerts_in_worker(url, ids, as_of)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(len(chunks), mp_context=context) as pool:
        parts = list(pool.map(_alerts_in_worker, [url] * len(chunks), chunks, [as_of] * len(chunks)))
    return [alert for part in parts for alert in part]
