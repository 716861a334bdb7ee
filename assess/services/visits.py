"""Recording visits (examinations) and treatments for one patient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from assess.interchange.write import treatment_fields, visit_fields
from assess.record.actor import RECORD_GOAL, RECORD_VISIT, SIGN, record_treatment_permission
from assess.record.domain import Goal, ToxinSession, Treatment, Visit, describe_treatment_key, treatment_key
from assess.record.errors import DuplicateError, SignedRecordError, StaleEditError
from assess.services import audit
from assess.services import rows as r
from assess.services.access import require
from assess.services.checks import check_goals, check_treatment, check_visit
from assess.services.history import load_record
from assess.services.locks import lock_patient
from assess.services.patients import patient_details, patient_id
from assess.services.seals import seal_stored_visit
from assess.services.store import (
    delete_visit_parts,
    insert_goals,
    insert_treatments,
    insert_visits,
    write_visit_parts,
)
from assess.storage.models import utcnow


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
    require(session, RECORD_VISIT)
    if visit.status == "signed":
        require(session, SIGN)  # a visit saved as signed (e.g. typed from paper) is a signature too
    pid = patient_id(session, mrn)
    lock_patient(session, pid)  # two workstations creating the same visit: the second finds the first's
    details, _ = patient_details(session, mrn)
    record = load_record(session, mrn)
    visit = check_visit(details, record.goals, visit)
    change = audit.Change("create", "visit", visit_key(visit.date, visit.type), mrn, after=visit_fields(visit))
    stored = session.execute(
        select(r.VISIT.c.id, r.VISIT.c.status, r.VISIT.c.version)
        .where(r.VISIT.c.patient_id == pid, r.VISIT.c.date == visit.date, r.VISIT.c.type == visit.type)
    ).first()
    if stored is None:
        if expected_version:
            raise StaleEditError(f"the {visit.type} visit of {mrn} on {visit.date} was removed elsewhere since "
                                 "you opened it; reload")
        insert_visits(session, [(pid, visit)], _goal_ids(session, pid))
        audit.record(session, change)
        _seal_if_signed(session, pid, mrn, visit)
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
    before = next((visit_fields(v) for v in record.visits if v.key == visit.key), None)
    audit.record(session, audit.Change("update", "visit", change.key, mrn, before=before, after=change.after))
    _seal_if_signed(session, pid, mrn, visit)
    return version + 1


def _seal_if_signed(session: Session, pid: int, mrn: str, visit: Visit) -> None:
    """A visit saved as signed (typed from paper) is sealed as stored, in a sign event of its own."""
    if visit.status != "signed":
        return
    sealed = seal_stored_visit(session, pid, mrn, visit.date, visit.type)
    audit.record(session, audit.Change("sign", "visit", sealed["key"], mrn, after={
        "status": "signed", "signed_at": visit.signed_at.isoformat() if visit.signed_at else None, "seal": sealed}))


def visit_key(day: dt.date, visit_type: str) -> str:
    """A visit's identity in the audit trail: '2026-03-02 follow_up'."""
    return f"{day.isoformat()} {visit_type}"


def treatment_audit_key(treatment: Treatment) -> str:
    return " ".join(part for part in treatment_key(treatment) if part)


def _treatment_values(treatment: Treatment) -> dict[str, Any]:
    return treatment_fields(treatment)


def add_goal(session: Session, mrn: str, goal: Goal) -> None:
    require(session, RECORD_GOAL)
    lock_patient(session, patient_id(session, mrn))  # the goals checked against are the goals stored now
    details, _ = patient_details(session, mrn)
    goals = load_record(session, mrn).goals
    check_goals(details, (*goals, goal))
    insert_goals(session, [(patient_id(session, mrn), goal)])
    audit.record(session, audit.Change("create", "goal", goal.id, mrn, after={
        "id": goal.id, "text": goal.text, "set_on": goal.set_on.isoformat(), "baseline": goal.baseline,
        "importance": goal.importance, "difficulty": goal.difficulty}))


def _delete_treatment(session: Session, pid: int, treatment: Treatment) -> Treatment | None:
    """Remove the stored treatment with the identity of `treatment`; returns it (None if there was none).
    A signed toxin session is never removed or replaced (SignedRecordError)."""
    key = treatment_key(treatment)
    for stored in load_record(session, None, pid).treatments:
        if treatment_key(stored) != key:
            continue
        if isinstance(stored, ToxinSession):
            session_id, signed_at = session.execute(select(r.TOXIN.c.id, r.TOXIN.c.signed_at).where(
                r.TOXIN.c.patient_id == pid, r.TOXIN.c.date == stored.date,
                r.TOXIN.c.product == stored.product)).one()
            if signed_at is not None:
                raise SignedRecordError(f"the {stored.product} session on {stored.date} is signed and cannot be "
                                        "changed; add an addendum")
            session.execute(delete(r.INJECTION).where(r.INJECTION.c.session_id == session_id))
            session.execute(delete(r.TOXIN).where(r.TOXIN.c.id == session_id))
        else:
            table = r.TREATMENT_TABLES[stored.kind][0]
            columns = r.treatment_columns(stored)
            session.execute(delete(table).where(
                table.c.patient_id == pid,
                *(table.c[name] == value if value is not None else table.c[name].is_(None)
                  for name, value in columns.items() if name != "notes")))
        return stored
    return None


def record_treatment(session: Session, mrn: str, treatment: Treatment) -> bool:
    """Save a treatment, replacing the stored one of the same identity. True when it was new.

    For a file or a program that states what is true now; the window adds with add_treatment and corrects
    with replace_treatment, which never overwrite a record they did not see.
    """
    require(session, record_treatment_permission(treatment.kind))
    pid = patient_id(session, mrn)
    lock_patient(session, pid)
    details, _ = patient_details(session, mrn)
    treatment = check_treatment(details, treatment)
    replaced = _delete_treatment(session, pid, treatment)
    insert_treatments(session, [(pid, treatment)])
    audit.record(session, audit.Change(
        "create" if replaced is None else "update", "treatment", treatment_audit_key(treatment), mrn,
        before=None if replaced is None else _treatment_values(replaced), after=_treatment_values(treatment)))
    return replaced is None


def add_treatment(session: Session, mrn: str, treatment: Treatment) -> None:
    """Save a new treatment; DuplicateError when one of the same identity is stored (perhaps just now, on
    another workstation): replacing it would silently lose what was entered there."""
    require(session, record_treatment_permission(treatment.kind))
    pid = patient_id(session, mrn)
    lock_patient(session, pid)
    details, _ = patient_details(session, mrn)
    treatment = check_treatment(details, treatment)
    if any(treatment_key(t) == treatment_key(treatment) for t in load_record(session, None, pid).treatments):
        raise DuplicateError(f"{describe_treatment_key(treatment)} is recorded already (reload to see it); "
                             "edit that one instead")
    insert_treatments(session, [(pid, treatment)])
    audit.record(session, audit.Change("create", "treatment", treatment_audit_key(treatment), mrn,
                                       after=_treatment_values(treatment)))


def replace_treatment(session: Session, mrn: str, old: Treatment, new: Treatment) -> None:
    """A corrected treatment in place of the stored one, even when the correction changes its identity
    (its date, product, drug...): the old record goes, so the correction never leaves a second one.

    `old` is the copy the correction started from: if the stored record differs from it (corrected on
    another workstation meanwhile), StaleEditError, and the other correction stays.
    """
    require(session, record_treatment_permission(old.kind))
    require(session, record_treatment_permission(new.kind))
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
    replaced = _delete_treatment(session, pid, old)
    assert replaced is not None  # found above, under the patient's lock
    insert_treatments(session, [(pid, new)])
    audit.record(session, audit.Change("update", "treatment", treatment_audit_key(new), mrn,
                                       before=_treatment_values(replaced), after=_treatment_values(new)))
