"""Signing visits and toxin sessions, and addenda: corrections kept beside a signed record.

A signed record is never changed (every writer refuses with SignedRecordError); what was wrong in it is
corrected by an addendum, which names its author and time, says what was wrong and may carry the
corrected findings. The original stays as it was signed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from assess.record.actor import ADDENDUM, SIGN
from assess.record.domain import Addendum, Finding, PatientRecord, ToxinSession, Visit
from assess.record.errors import NotFoundError, RecordError, SignedRecordError, StaleEditError
from assess.scoring.muscles import group_name
from assess.scoring.scales import FINDING_SCALES
from assess.services import audit
from assess.services import rows as r
from assess.services.access import require
from assess.services.checks import check_visit
from assess.services.history import load_record
from assess.services.patients import patient_details, patient_id
from assess.services.seals import addendum_entry, seal_stored_toxin, seal_stored_visit
from assess.services.visits import visit_key
from assess.storage.models import AddendumRow, utcnow

ADDENDUM_TABLE = r.table_of(AddendumRow)
RECORDS = ("visit", "toxin_session")


@dataclass(frozen=True)
class Signature:
    signed_by: str | None  # None: signed elsewhere and imported
    signed_at: dt.datetime | None


def _visit_row(session: Session, pid: int, mrn: str, day: dt.date, visit_type: str) -> Any:
    row = session.execute(select(r.VISIT.c.id, r.VISIT.c.status, r.VISIT.c.version, r.VISIT.c.signed_at,
                                 r.VISIT.c.signed_by)
                          .where(r.VISIT.c.patient_id == pid, r.VISIT.c.date == day, r.VISIT.c.type == visit_type)
                          ).first()
    if row is None:
        raise NotFoundError(f"patient {mrn} has no {visit_type} visit on {day}: save it before signing")
    return row


def _toxin_row(session: Session, pid: int, mrn: str, day: dt.date, product: str) -> Any:
    row = session.execute(select(r.TOXIN.c.id, r.TOXIN.c.signed_at, r.TOXIN.c.signed_by)
                          .where(r.TOXIN.c.patient_id == pid, r.TOXIN.c.date == day, r.TOXIN.c.product == product)
                          ).first()
    if row is None:
        raise NotFoundError(f"patient {mrn} has no {product} session on {day}")
    return row


def sign_visit(session: Session, mrn: str, day: dt.date, visit_type: str,
               expected_version: int | None = None) -> Signature:
    """Sign a saved visit as the logged-in clinician; from now on it only takes addenda."""
    actor = require(session, SIGN)
    pid = patient_id(session, mrn)
    row = _visit_row(session, pid, mrn, day, visit_type)
    if row.status == "signed":
        raise SignedRecordError(f"the {visit_type} visit of {mrn} on {day} is signed already")
    if expected_version is not None and row.version != expected_version:
        raise StaleEditError(f"the {visit_type} visit of {mrn} on {day} was saved elsewhere since you opened it; "
                             "reload and check it before signing")
    now = utcnow()
    result = session.execute(update(r.VISIT).where(r.VISIT.c.id == row.id, r.VISIT.c.version == row.version)
                             .values(status="signed", signed_at=now, signed_by=actor.name, version=row.version + 1,
                                     updated_at=now))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEditError(f"the {visit_type} visit of {mrn} on {day} was saved elsewhere meanwhile; reload")
    sealed = seal_stored_visit(session, pid, mrn, day, visit_type)
    audit.record(session, audit.Change("sign", "visit", visit_key(day, visit_type), mrn, before={"status": "draft"},
                                       after={"status": "signed", "signed_by": actor.name,
                                              "signed_at": now.isoformat(), "seal": sealed}))
    return Signature(actor.name, now)


def sign_toxin_session(session: Session, mrn: str, day: dt.date, product: str) -> Signature:
    """Sign a toxin session as the logged-in clinician: its doses can no longer be changed."""
    actor = require(session, SIGN)
    pid = patient_id(session, mrn)
    row = _toxin_row(session, pid, mrn, day, product)
    if row.signed_at is not None:
        raise SignedRecordError(f"the {product} session of {mrn} on {day} is signed already")
    now = utcnow()
    session.execute(update(r.TOXIN).where(r.TOXIN.c.id == row.id).values(signed_at=now, signed_by=actor.name))
    sealed = seal_stored_toxin(session, pid, mrn, day, product)
    audit.record(session, audit.Change("sign", "treatment", f"botulinum_toxin {day.isoformat()} {product}", mrn,
                                       before={"signed": False},
                                       after={"signed": True, "signed_by": actor.name, "signed_at": now.isoformat(),
                                              "seal": sealed}))
    return Signature(actor.name, now)


def visit_signature(session: Session, mrn: str, day: dt.date, visit_type: str) -> Signature | None:
    """Who signed the visit and when (None while it is a draft or not saved)."""
    row = session.execute(select(r.VISIT.c.status, r.VISIT.c.signed_by, r.VISIT.c.signed_at)
                          .join(r.PATIENT, r.PATIENT.c.id == r.VISIT.c.patient_id)
                          .where(r.PATIENT.c.mrn == mrn, r.VISIT.c.date == day, r.VISIT.c.type == visit_type)).first()
    if row is None or row.status != "signed":
        return None
    return Signature(row.signed_by, row.signed_at)


def toxin_signatures(session: Session, mrn: str) -> dict[tuple[dt.date, str], Signature]:
    """The patient's signed toxin sessions, by (date, product)."""
    rows = session.execute(select(r.TOXIN.c.date, r.TOXIN.c.product, r.TOXIN.c.signed_by, r.TOXIN.c.signed_at)
                           .join(r.PATIENT, r.PATIENT.c.id == r.TOXIN.c.patient_id)
                           .where(r.PATIENT.c.mrn == mrn, r.TOXIN.c.signed_at.is_not(None)))
    return {(day, product): Signature(by, at) for day, product, by, at in rows}


def _finding_values(finding: Finding) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(finding).items() if v is not None}


def _check_corrections(mrn: str, session: Session, visit: Visit, findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Corrected findings must be valid findings of this visit's kind: checked as the corrected visit."""
    if not findings:
        return ()
    replaced = {(f.muscle_group, f.side): f for f in findings}
    kept = [f for f in visit.findings if (f.muscle_group, f.side) not in replaced]
    details, _ = patient_details(session, mrn)
    corrected = dataclasses.replace(visit, findings=(*kept, *findings), status="draft", signed_at=None)
    check_visit(details, load_record(session, mrn).goals, corrected)
    return tuple(findings)


def add_addendum(session: Session, mrn: str, record: str, day: dt.date, detail: str, text: str,
                 corrected_findings: Sequence[Finding] = ()) -> Addendum:
    """Append a correction to a signed visit (detail: its type) or toxin session (detail: the product)."""
    actor = require(session, ADDENDUM)
    if record not in RECORDS:
        raise RecordError("record", f"{record!r} cannot take an addendum (a visit or a toxin session can)")
    text = text.strip()
    if not text:
        raise RecordError("text", "an addendum needs a text: what was wrong and what is right")
    pid = patient_id(session, mrn)
    if record == "visit":
        row = _visit_row(session, pid, mrn, day, detail)
        if row.status != "signed":
            raise RecordError("record", f"the {detail} visit on {day} is a draft: change it directly")
        visit = next(v for v in load_record(session, mrn).visits if v.key == (day, detail))
        corrections = _check_corrections(mrn, session, visit, corrected_findings)
        key = visit_key(day, detail)
    else:
        if corrected_findings:
            raise RecordError("corrected_findings", "a toxin session has no findings to correct")
        if _toxin_row(session, pid, mrn, day, detail).signed_at is None:
            raise RecordError("record", f"the {detail} session on {day} is not signed: change it directly")
        corrections = ()
        key = f"botulinum_toxin {day.isoformat()} {detail}"
    now = utcnow()
    stored = json.dumps([_finding_values(f) for f in corrections]) if corrections else None
    written = Addendum(record, day, detail, actor.name, now, text, corrections)
    sealed = addendum_entry(mrn, written)
    session.execute(insert(ADDENDUM_TABLE).values(patient_id=pid, record=record, record_date=day,
                                                  record_detail=detail, author=actor.name, written_at=now,
                                                  text=text, corrections=stored, seal=sealed["hash"]))
    audit.record(session, audit.Change("addendum", "visit" if record == "visit" else "treatment", key, mrn, after={
        "text": text, "corrected_findings": [_finding_values(f) for f in corrections], "seal": sealed}))
    return written


def _addendum(row: Any) -> Addendum:
    findings = tuple(Finding(**values) for values in json.loads(row.corrections)) if row.corrections else ()
    return Addendum(row.record, row.record_date, row.record_detail, row.author, row.written_at, row.text, findings)


def addenda_by_patient(session: Session, patient_ids: Sequence[int]) -> dict[int, list[Addendum]]:
    """Addenda of these patients, oldest first."""
    found: dict[int, list[Addendum]] = defaultdict(list)
    for start in range(0, len(patient_ids), 500):
        rows = session.execute(select(ADDENDUM_TABLE)
                               .where(ADDENDUM_TABLE.c.patient_id.in_(patient_ids[start:start + 500]))
                               .order_by(ADDENDUM_TABLE.c.written_at, ADDENDUM_TABLE.c.id))
        for row in rows:
            found[row.patient_id].append(_addendum(row))
    return found


def addenda(session: Session, mrn: str) -> list[Addendum]:
    """A patient's addenda, oldest first."""
    return addenda_by_patient(session, [patient_id(session, mrn)]).get(patient_id(session, mrn), [])


def finding_correction_words(finding: Finding, original: Finding | None) -> str:
    """'right elbow flexors: MAS 1+ (was 2)': a corrected finding in a line of text."""
    parts = []
    for name in Finding.SCALE_FIELDS:
        new, old = getattr(finding, name), getattr(original, name) if original else None
        if new != old:
            label = FINDING_SCALES[name].abbreviation if name in FINDING_SCALES else name.replace("_", " ")
            parts.append(f"{label} {'-' if new is None else new}" + (f" (was {old})" if old is not None else ""))
    group = group_name(finding.muscle_group)
    return f"{finding.side} {group[:1].lower()}{group[1:]}: {', '.join(parts) or 'unchanged'}"


def addendum_note(addendum: Addendum, visit: Visit | None = None) -> str:
    """The addendum as one paragraph of text: how an export (whose format has no place for addenda)
    carries it in the record's notes, and how the report prints it."""
    when = addendum.written_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    line = f"[Addendum by {addendum.author}, {when}] {addendum.text}"
    if addendum.corrected_findings:
        originals = {(f.muscle_group, f.side): f for f in visit.findings} if visit else {}
        line += " Corrected: " + "; ".join(finding_correction_words(f, originals.get((f.muscle_group, f.side)))
                                           for f in addendum.corrected_findings) + "."
    return line


def _with_notes(notes: str | None, extra: Sequence[str]) -> str | None:
    if not extra:
        return notes
    return "\n\n".join([*([notes] if notes else []), *extra])


def with_addenda(record: PatientRecord, found: Sequence[Addendum],
                 toxin_signed: dict[tuple[dt.date, str], Signature] | None = None) -> PatientRecord:
    """The record as exported: each addendum (and each toxin session's signature, which the format has
    no field for) appended to the notes of the record it belongs to."""
    if not found and not toxin_signed:
        return record
    by_record: dict[tuple[str, dt.date, str], list[Addendum]] = defaultdict(list)
    for a in found:
        by_record[(a.record, a.record_date, a.record_detail)].append(a)
    visits = tuple(dataclasses.replace(v, notes=_with_notes(v.notes, [
        addendum_note(a, v) for a in by_record.get(("visit", v.date, v.type), [])])) for v in record.visits)
    treatments = []
    for t in record.treatments:
        if isinstance(t, ToxinSession):
            extra = []
            signature = (toxin_signed or {}).get((t.date, t.product))
            if signature is not None and signature.signed_at is not None:
                extra.append(f"[Signed by {signature.signed_by}, "
                             f"{signature.signed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC]")
            extra += [addendum_note(a) for a in by_record.get(("toxin_session", t.date, t.product), [])]
            t = dataclasses.replace(t, notes=_with_notes(t.notes, extra))
        treatments.append(t)
    return dataclasses.replace(record, visits=visits, treatments=tuple(treatments))


def toxin_signatures_by_patient(session: Session, patient_ids: Sequence[int]) -> dict[
        int, dict[tuple[dt.date, str], Signature]]:
    found: dict[int, dict[tuple[dt.date, str], Signature]] = defaultdict(dict)
    for start in range(0, len(patient_ids), 500):
        rows = session.execute(select(r.TOXIN.c.patient_id, r.TOXIN.c.date, r.TOXIN.c.product, r.TOXIN.c.signed_by,
                                      r.TOXIN.c.signed_at)
                               .where(r.TOXIN.c.patient_id.in_(patient_ids[start:start + 500]),
                                      r.TOXIN.c.signed_at.is_not(None)))
        for pid, day, product, by, at in rows:
            found[pid][(day, product)] = Signature(by, at)
    return found
