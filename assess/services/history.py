"""A patient's history: the whole record, latest findings with change, what is going on now."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from assess.record.domain import PatientRecord
from assess.scoring.change import FindingChange, latest_findings
from assess.services.patients import patient_id
from assess.services.rows import load_records


def load_record(session: Session, mrn: str | None, pid: int | None = None) -> PatientRecord:
    """One patient's whole record (by MRN, or by row id when the caller has it)."""
    if pid is None:
        assert mrn is not None
        pid = patient_id(session, mrn)
    return load_records(session, [pid])[pid]


def patient_history(session: Session, mrn: str) -> PatientRecord:
    """Everything stored about the patient, in the documented order (visits and treatments by date)."""
    return load_record(session, mrn)


def latest_findings_with_change(session: Session, mrn: str) -> list[FindingChange]:
    return latest_findings(load_record(session, mrn).visits)


def last_weight(record: PatientRecord, on: dt.date | None = None) -> tuple[float, dt.date] | None:
    """The most recent weight recorded at a visit on or before `on`."""
    for visit in reversed(record.visits):
        if visit.weight_kg is not None and (on is None or visit.date <= on):
            return visit.weight_kg, visit.date
    return None
