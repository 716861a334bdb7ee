"""Patients: create, update, find."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, func, select, true, update
from sqlalchemy.orm import Session

from assess.record.actor import EDIT_PATIENT
from assess.record.domain import PatientDetails, PatientRecord
from assess.record.errors import DuplicateError, NotFoundError, StaleEditError
from assess.services import audit
from assess.services import rows as r
from assess.services.access import require
from assess.services.checks import check_details
from assess.services.rows import fold
from assess.services.store import insert_patients
from assess.storage.models import utcnow


@dataclass(frozen=True)
class PatientSummary:
    """A line of the patient list."""

    mrn: str
    family_name: str
    given_name: str
    birth_date: dt.date
    diagnosis: str
    gmfcs: str | None
    last_visit: dt.date | None
    version: int

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def sort_key(self) -> str:
        """The list's order, folded as the search is (Łukasik between Lukas and Lule)."""
        return fold(f"{self.family_name} {self.given_name} {self.mrn}")


def patient_id(session: Session, mrn: str) -> int:
    found = session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.mrn == mrn)).scalar()
    if found is None:
        raise NotFoundError(f"no patient with MRN {mrn!r}")
    return int(found)


def patient_details(session: Session, mrn: str) -> tuple[PatientDetails, int]:
    """The patient's details and the version they were read at (for a later update)."""
    columns = [r.PATIENT.c[name] for name in r.PATIENT_COLUMNS]
    row = session.execute(select(*columns, r.PATIENT.c.version).where(r.PATIENT.c.mrn == mrn)).first()
    if row is None:
        raise NotFoundError(f"no patient with MRN {mrn!r}")
    return r.details_from_values(row[:-1]), int(row[-1])


def details_values(details: PatientDetails) -> dict[str, Any]:
    """The details as the audit trail keeps them (the interchange format's fields)."""
    from assess.interchange.write import patient_fields

    return patient_fields(PatientRecord.from_details(details))


def create_patient(session: Session, details: PatientDetails) -> PatientDetails:
    require(session, EDIT_PATIENT)
    details = check_details(details)
    if session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.mrn == details.mrn)).first() is not None:
        raise DuplicateError(f"MRN {details.mrn!r} belongs to another patient already")
    insert_patients(session, [details])
    audit.record(session, audit.Change("create", "patient", details.mrn, details.mrn,
                                       after=details_values(details)))
    return details


def update_patient(session: Session, mrn: str, details: PatientDetails, expected_version: int) -> int:
    """Save new details over the version read; StaleEditError when someone saved in between."""
    require(session, EDIT_PATIENT)
    details = check_details(details)
    before, _ = patient_details(session, mrn)
    current = patient_id(session, mrn)
    if details.mrn != mrn and session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.mrn == details.mrn)).first():
        raise DuplicateError(f"MRN {details.mrn!r} belongs to another patient already")
    result = session.execute(
        update(r.PATIENT)
        .where(r.PATIENT.c.id == current, r.PATIENT.c.version == expected_version)
        .values(**r.details_columns(details), version=expected_version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEditError(
            f"patient {mrn} was changed on another workstation since you opened it; reload to see the changes")
    audit.record(session, audit.Change("update", "patient", details.mrn, details.mrn,
                                       before=details_values(before), after=details_values(details)))
    if details.mrn != mrn:  # the seals name the MRN: the patient's signed records are sealed again
        from assess.services.seals import reseal_patient

        reseal_patient(session, current, details.mrn, mrn)
    return expected_version + 1


def patients_by_mrn(session: Session, mrns: list[str]) -> list[PatientSummary]:
    """The listed patients, in the order given (unknown MRNs are left out): the recent-patients list."""
    found = {p.mrn: p for p in _summaries(session, r.PATIENT.c.mrn.in_(mrns), None)} if mrns else {}
    return [found[m] for m in mrns if m in found]


def _summaries(session: Session, condition: Any, limit: int | None) -> list[PatientSummary]:
    patient, visit = r.PATIENT.c, r.VISIT.c
    # Per listed patient, one look-up in the (patient_id, date, type) index: cheap for a page of results.
    last_visit = select(func.max(visit.date)).where(visit.patient_id == patient.id).scalar_subquery()
    query = (select(patient.mrn, patient.family_name, patient.given_name, patient.birth_date, patient.diagnosis,
                    patient.gmfcs, last_visit, patient.version)
             .where(condition).order_by(patient.search_key))
    if limit is not None:
        query = query.limit(limit)
    return [PatientSummary(*row) for row in session.execute(query)]


def find_patients(session: Session, text: str = "", limit: int | None = 200) -> list[PatientSummary]:
    """Patients whose name or MRN contains every word of text (folded as `rows.fold`: accents, case, letters
    such as Ł or Ø and punctuation ignored), or whose birth date is text (YYYY-MM-DD); by the folded name.
    An empty text lists everyone."""
    conditions: list[ColumnElement[bool]] = []
    for word in text.split():
        try:
            born = dt.date.fromisoformat(word)
        except ValueError:
            # Folded as the stored key is: "Abdi," is the word abdi, "Łukasik" lukasik, "LB-100234" lb and 100234.
            for part in r.fold(word).split():
                # The pattern is written into the statement (it is letters and digits only, folded), not bound:
                # PostgreSQL then plans each search for its own pattern. Bound, psycopg's prepared statement
                # got one generic plan after five searches, the name index walked in order, which for a pattern
                # nothing matches ("zq") reads every patient: 64 ms at 100,000 patients instead of 16.
                pattern = bindparam(None, f"%{part}%", type_=String(), literal_execute=True)
                conditions.append(r.PATIENT.c.search_key.like(pattern))
        else:
            conditions.append(r.PATIENT.c.birth_date == born)
    return _summaries(session, and_(true(), *conditions), limit)
