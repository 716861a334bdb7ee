"""Recording visits (examinations) and treatments for one patient."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from assess.domain import Goal, ToxinSession, Treatment, Visit, describe_treatment_key, treatment_key
from assess.errors import DuplicateError, SignedRecordError, StaleEditError
from assess.models import utcnow
from assess.services import rows as r
from assess.services.checks import check_goals, check_treatment, check_visit
from assess.services.history import load_record
from assess.services.locks import lock_patient
from assess.services.patients import patient_details, patient_id
from assess.services.store import (
    delete_visit_parts,
    insert_goals,
    insert_treatments,
    insert_visits,
    write_visit_parts,
)


def _goal_ids(session: Session, pid: int) -> dict[tuple[int, str], int]:
    rows = session.execute(select(r.GOAL.c.id, r.GOAL.c.code).where(r.GOAL.c.patient_id == pid))
    return {(pid, code): goal_id for goal_id, code in rows}


def visit_version(session: Session, mrn: str, visit_date: dt.date, visit_type: str) -> int | None:
    """The stored version of a visit (None when it is not saved yet): what an editor saves against."""
    found = session.execute(
        select(r.VISIT.c.version).join(r.PATIENT, r.PATIENT.c.id == r.VISIT.c.patient_id)
        .where(r.PATIENT.c.mrn == mrn, r.VISIT.c.date == visit_date, r.VISIT.c.type == visit_type)).scalar()
    return None if found is None else int(found)


def record_visit(session: Session, mrn: str, visit: Visit, expected_version: int | None = None) -> int:
    """Save a visit: a new one, or the new content of a draft of the same date and type.

    A signed visit is never changed (SignedRecordError). With expected_version, a draft saved by someone
    else since it was read is not overwritten (StaleEditError). Returns the visit's version now stored.
    """
    pid = patient_id(session, mrn)
    lock_patient(session, pid)  # two workstations creating the same visit: the second finds the first's
    details, _ = patient_details(session, mrn)
    goals = load_record(session, mrn).goals
    visit = check_visit(details, goals, visit)
    stored = session.execute(
        select(r.VISIT.c.id, r.VISIT.c.status, r.VISIT.c.version)
        .where(r.VISIT.c.patient_id == pid, r.VISIT.c.date == visit.date, r.VISIT.c.type == visit.type)
    ).first()
    if stored is None:
        if expected_version:
            raise StaleEditError(f"the {visit.type} visit of {mrn} on {visit.date} was removed elsewhere since "
                                 "you opened it; reload")
        insert_visits(session, [(pid, visit)], _goal_ids(session, pid))
        return 1
    visit_id, status, version = int(stored.id), str(stored.status), int(stored.version)
    if status == "signed":
        raise SignedRecordError(
            f"the {visit.type} visit of {mrn} on {visit.date} is signed and cannot be changed; add an addendum")
    if expected_version is not None and version != expected_version:
        raise StaleEditError(f"the {visit.type} visit of {mrn} on {visit.date} was saved on another workstation "
                             "since you opened it; reload to see the other changes")
    result = session.execute(
        update(r.VISIT).where(r.VISIT.c.id == visit_id, r.VISIT.c.version == version)
        .values(**r.visit_columns(visit), version=version + 1, updated_at=utcnow()))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEditError(f"the {visit.type} visit of {mrn} on {visit.date} was saved elsewhere meanwhile")
    delete_visit_parts(session, visit_id)
    write_visit_parts(session, [(visit_id, (pid, visit))], _goal_ids(session, pid))
    return version + 1


def add_goal(session: Session, mrn: str, goal: Goal) -> None:
    lock_patient(session, patient_id(session, mrn))  # the goals checked against are the goals stored now
    details, _ = patient_details(session, mrn)
    goals = load_record(session, mrn).goals
    check_goals(details, (*goals, goal))
    insert_goals(session, [(patient_id(session, mrn), goal)])


def _delete_treatment(session: Session, pid: int, treatment: Treatment) -> bool:
    """Remove the stored treatment with the identity of `treatment`; True if there was one."""
    key = treatment_key(treatment)
    for stored in load_record(session, None, pid).treatments:
        if treatment_key(stored) != key:
            continue
        if isinstance(stored, ToxinSession):
            session_id = session.execute(select(r.TOXIN.c.id).where(
                r.TOXIN.c.patient_id == pid, r.TOXIN.c.date == stored.date,
                r.TOXIN.c.product == stored.product)).scalar_one()
            session.execute(delete(r.INJECTION).where(r.INJECTION.c.session_id == session_id))
            session.execute(delete(r.TOXIN).where(r.TOXIN.c.id == session_id))
        else:
            table = r.TREATMENT_TABLES[stored.kind][0]
            columns = r.treatment_columns(stored)
            session.execute(delete(table).where(
                table.c.patient_id == pid,
                *(table.c[name] == value if value is not None else table.c[name].is_(None)
                  for name, value in columns.items() if name != "notes")))
        return True
    return False


def record_treatment(session: Session, mrn: str, treatment: Treatment) -> bool:
    """Save a treatment, replacing the stored one of the same identity. True when it was new.

    For a file or a program that states what is true now; the window adds with add_treatment and corrects
    with replace_treatment, which never overwrite a record they did not see.
    """
    pid = patient_id(session, mrn)
    lock_patient(session, pid)
    details, _ = patient_details(session, mrn)
    treatment = check_treatment(details, treatment)
    replaced = _delete_treatment(session, pid, treatment)
    insert_treatments(session, [(pid, treatment)])
    return not replaced


def add_treatment(session: Session, mrn: str, treatment: Treatment) -> None:
    """Save a new treatment; DuplicateError when one of the same identity is stored (perhaps just now, on
    another workstation): replacing it would silently lose what was entered there."""
    pid = patient_id(session, mrn)
    lock_patient(session, pid)
    details, _ = patient_details(session, mrn)
    treatment = check_treatment(details, treatment)
    if any(treatment_key(t) == treatment_key(treatment) for t in load_record(session, None, pid).treatments):
        raise DuplicateError(f"{describe_treatment_key(treatment)} is recorded already (reload to see it); "
                             "edit that one instead")
    insert_treatments(session, [(pid, treatment)])


def replace_treatment(session: Session, mrn: str, old: Treatment, new: Treatment) -> None:
    """A corrected treatment in place of the stored one, even when the correction changes its identity
    (its date, product, drug...): the old record goes, so the correction never leaves a second one.

    `old` is the copy the correction started from: if the stored record differs from it (corrected on
    another workstation meanwhile), StaleEditError, and the other correction stays.
    """
    pid = patient_id(session, mrn)
    lock_patient(session, pid)
    details, _ = patient_details(session, mrn)
    new = check_treatment(details, new)
    stored = load_record(session, None, pid).treatments
    current = next((t for t in stored if treatment_key(t) == treatment_key(old)), None)
    if current is None:
        raise StaleEditError(f"{describe_treatment_key(old)} is no longer stored (changed on another "
                             "workstation?); reload")
    if current != old:
        raise StaleEditError(f"{describe_treatment_key(old)} was changed on another workstation since you "
                             "opened it; reload to see the other changes")
    if treatment_key(new) != treatment_key(old) and any(treatment_key(t) == treatment_key(new) for t in stored):
        raise DuplicateError(f"{describe_treatment_key(new)} is recorded already; edit that one instead")
    _delete_treatment(session, pid, old)
    insert_treatments(session, [(pid, new)])
