"""Decision support over one patient or the whole clinic: safety limits, follow-ups due, worsening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.scoring.limits import LimitTable, load_limits
from assess.scoring.safety import HISTORY_MONTHS, Alert, patient_alerts
from assess.services import rows as r
from assess.services.patients import patient_id
from assess.services.rows import Partial

_BATCH = 500


def _needed(as_of: dt.date) -> Partial:
    """What the rules read: the latest two visits' findings (worsening compares the latest with the
    values before it), drugs, toxin sessions (doses only of the last year's: HISTORY_MONTHS), pump
    events and SDR (follow-ups). Therapy, orthoses and older injections are left in the database."""
    return Partial(findings_of_latest=2,
                   kinds=frozenset({"oral_medication", "botulinum_toxin", "itb_pump", "sdr"}),
                   injections_since=as_of - dt.timedelta(days=31 * (HISTORY_MONTHS + 1)))


def alerts(session: Session, as_of: dt.date, mrns: Sequence[str] = (),
           limits: LimitTable | None = None) -> list[Alert]:
    """The open alerts of the named patients (every patient when none is named) as of a day."""
    limits = limits or load_limits()
    if mrns:
        ids = [patient_id(session, mrn) for mrn in mrns]
    else:
        ids = list(session.execute(select(r.PATIENT.c.id).order_by(r.PATIENT.c.mrn)).scalars())
    found: list[Alert] = []
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        records = r.load_records(session, batch, _needed(as_of))
        for pid in batch:
            found += patient_alerts(records[pid], as_of, limits)
    return found
