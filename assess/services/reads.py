"""Reads of patients' records, audited (HIPAA 164.312(b)): opening a patient, exports and reports.

A view is recorded before the record is read, in the same transaction: a read that fails leaves no event,
and the transaction takes its write lock first (on SQLite a read that later writes could find another
workstation's commit in between and fail). An export or a report is recorded only once its file is
written: the caller writes the file inside `recorded_export` / `recorded_report`, so a failed write
leaves no event, and an event that cannot be committed removes the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from assess.record.actor import VIEW
from assess.record.domain import PatientRecord
from assess.services import audit
from assess.services.access import require
from assess.services.history import patient_history
from assess.services.integrity import Problem, check_patient
from assess.services.patients import patient_id
from assess.storage.db import Database


@dataclass(frozen=True)
class Opened:
    """A patient's record as opened to read, with what the seal check found changed outside assess."""

    record: PatientRecord
    problems: tuple[Problem, ...]


def view_patient(session: Session, mrn: str, via: str) -> PatientRecord:
    """The patient's whole record, read by the logged-in user: a `view` event (via: 'window', 'show')."""
    require(session, VIEW)
    audit.record(session, audit.Change("view", "patient", mrn, mrn, after={"via": via}))
    return patient_history(session, mrn)


def open_patient(session: Session, mrn: str, via: str = "window", audited: bool = True) -> Opened:
    """View the patient and check the seals of their signed records and the users table. `audited` False:
    the patient on screen is shown again after the user's own change (which has its event)."""
    record = view_patient(session, mrn, via) if audited else patient_history(session, mrn)
    return Opened(record, tuple(check_patient(session, patient_id(session, mrn), record)))


@contextmanager
def _recorded(db: Database, changes: Sequence[audit.Change], out: Path | None) -> Iterator[None]:
    written = False
    try:
        with db.transaction() as session:
            audit.record_many(session, changes)
            yield  # the caller writes the file here
            written = True
    except BaseException:
        if written and out is not None:  # the file was written but its event could not be committed
            out.unlink(missing_ok=True)
        raise


def _to(out: Path | None) -> str:
    return str(out) if out is not None else "standard output"


def recorded_export(db: Database, mrns: Sequence[str], out: Path | None) -> contextlib.AbstractContextManager[None]:
    """Write the export file inside this block: one export event per patient, kept only if the file was
    written (out None: standard output)."""
    return _recorded(db, [audit.Change("export", "patient", mrn, mrn, after={"to": _to(out)}) for mrn in mrns], out)


def recorded_report(db: Database, mrn: str, visit_key: str, out: Path) -> contextlib.AbstractContextManager[None]:
    """Write the report's PDF inside this block: the report event is kept only if the file was written."""
    return _recorded(db, [audit.Change("report", "visit", visit_key, mrn, after={"to": str(out)})], out)


def recorded_fhir_export(db: Database, mrns: Sequence[str], letters: dict[str, tuple[str, str]],
                         out: Path | None) -> contextlib.AbstractContextManager[None]:
    """Write the FHIR Bundle inside this block: an export event per patient and, for each letter it carries
    (mrn -> (visit key, title)), a report event, kept only if the file was written."""
    to = _to(out)
    changes = [audit.Change("export", "patient", mrn, mrn, after={"to": to, "format": "fhir-r4"}) for mrn in mrns]
    changes += [audit.Change("report", "visit", key, mrn, after={"to": to, "in": "FHIR Bundle"})
                for mrn, (key, _title) in letters.items()]
    return _recorded(db, changes, out)
