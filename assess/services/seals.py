"""Seals: a SHA-256 over a signed record's content, stored with the signature and written into the audit trail.

A seal alone proves nothing against someone who can write the database (they can recompute it); what
makes it hold is that the audit trail records it, and the trail's hash chain can be anchored outside
the database (`assess audit verify --expect HASH`). So every seal is written twice: into the record's
`seal` column and into the event that signed (or imported, or corrected) it. `integrity.py` recomputes
them and compares.

The content is hashed as one JSON array in a fixed order (format "assess-seal/1", below), so the seal
does not depend on Python, the database or the order rows come back in:
- a visit: MRN, date, type, clinician, status, signed time (UTC), signer, weight, findings (every
  scale, in the catalogue order), the visit scores, triggers, symptoms, goal scores and notes;
- a toxin session: MRN, date, product, dilution, lot, guidance, notes, signer, signed time, injections;
- an addendum: MRN, the record it corrects, author, time, text and corrected findings;
- a user: name, role and the password's argon2id hash (the trail keeps the seal, never the hash).
Whole numbers are written without '.0' (a file's 90 and the database's 90.0 are one angle).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from assess.interchange.write import treatment_fields, visit_fields
from assess.record.domain import Addendum, Finding, ToxinSession, Visit, VisitScores
from assess.services import audit
from assess.services import rows as r
from assess.services.access import USER
from assess.storage.models import AddendumRow

FORMAT = "assess-seal/1"
ADDENDUM = r.table_of(AddendumRow)
_FINDING = operator.attrgetter("muscle_group", "side", *Finding.SCALE_FIELDS)
_SCORES = operator.attrgetter(*VisitScores.__dataclass_fields__)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# Events whose `after` may carry seals: the only ones integrity.py reads the JSON of.
SEALING_ACTIONS = ("sign", "seal", "addendum", "import", "create", "update", "restore", "delete")


def _number(value: Any) -> Any:
    return int(value) if value.__class__ is float and value.is_integer() else value


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _digest(content: list[Any]) -> str:
    return hashlib.sha256(_ENCODER.encode(content).encode("utf-8")).hexdigest()


def _finding_values(finding: Finding) -> list[Any]:
    values = list(_FINDING(finding))
    for i in (4, 5, 7):  # tardieu_r1, tardieu_r2, prom: numbers that may come back as 90.0
        values[i] = _number(values[i])
    return values


def visit_seal(mrn: str, visit: Visit, signed_by: str | None) -> str:
    return _digest([FORMAT, "visit", mrn, visit.date.isoformat(), visit.type, visit.clinician, visit.status,
                    _moment(visit.signed_at), signed_by, _number(visit.weight_kg),
                    [_finding_values(f) for f in visit.findings], list(_SCORES(visit.scores)), list(visit.triggers),
                    list(visit.symptoms), [[s.goal, s.score] for s in visit.goal_scores], visit.notes])


def toxin_seal(mrn: str, session: ToxinSession, signed_by: str | None, signed_at: dt.datetime | None) -> str:
    return _digest([FORMAT, "toxin_session", mrn, session.date.isoformat(), session.product,
                    _number(session.dilution_units_per_ml), session.lot, session.guidance, session.notes, signed_by,
                    _moment(signed_at),
                    [[i.muscle, i.side, _number(i.units), i.sites] for i in session.injections]])


def addendum_seal(mrn: str, addendum: Addendum) -> str:
    return _digest([FORMAT, "addendum", mrn, addendum.record, addendum.record_date.isoformat(),
                    addendum.record_detail, addendum.author, _moment(addendum.written_at), addendum.text,
                    [_finding_values(f) for f in addendum.corrected_findings]])


def user_seal(name: str, role: str, password_hash: str) -> str:
    return _digest([FORMAT, "user", name, role, password_hash])


# --- what the audit trail keeps of a seal -------------------------------------------------------------

def visit_key(day: dt.date, visit_type: str) -> str:
    return f"{day.isoformat()} {visit_type}"


def toxin_key(day: dt.date, product: str) -> str:
    return f"{day.isoformat()} {product}"


def addendum_key(addendum: Addendum) -> str:
    """The record an addendum corrects: several addenda share it (the trail keeps each one's seal)."""
    detail = visit_key if addendum.record == "visit" else toxin_key
    return f"{addendum.record} {detail(addendum.record_date, addendum.record_detail)}"


def entry(record: str, key: str, seal: str, **extra: Any) -> dict[str, Any]:
    """A seal as an event's `after` carries it (under "seal", or a list under "seals")."""
    return {"record": record, "key": key, "hash": seal, **extra}


def entries_in(after: Any) -> list[dict[str, Any]]:
    """The seals an event's `after` records (none for most events)."""
    if not isinstance(after, dict):
        return []
    found = [after["seal"]] if isinstance(after.get("seal"), dict) else []
    if isinstance(after.get("seals"), list):
        found += [e for e in after["seals"] if isinstance(e, dict)]
    return found


def visit_entry(mrn: str, visit: Visit, signed_by: str | None, content: bool) -> dict[str, Any]:
    """The trail's copy of a visit's seal; with its content when signed here, so a later change can be named."""
    extra: dict[str, Any] = {"signed_by": signed_by}
    if content:
        extra["content"] = visit_fields(visit)
    return entry("visit", visit_key(visit.date, visit.type), visit_seal(mrn, visit, signed_by), **extra)


def toxin_entry(mrn: str, session: ToxinSession, signed_by: str | None, signed_at: dt.datetime | None,
                content: bool) -> dict[str, Any]:
    extra: dict[str, Any] = {"signed_by": signed_by, "signed_at": _moment(signed_at)}
    if content:
        extra["content"] = treatment_fields(session)
    return entry("toxin_session", toxin_key(session.date, session.product),
                 toxin_seal(mrn, session, signed_by, signed_at), **extra)


def addendum_entry(mrn: str, addendum: Addendum) -> dict[str, Any]:
    return entry("addendum", addendum_key(addendum), addendum_seal(mrn, addendum), author=addendum.author,
                 written_at=_moment(addendum.written_at), text=addendum.text)


def user_entry(name: str, role: str, password_hash: str) -> dict[str, Any]:
    return entry("user", name, user_seal(name, role, password_hash), role=role)


# --- writing seals ----------------------------------------------------------------------------------

def store_visit_seals(session: Session, seals: Iterable[tuple[int, str]]) -> None:
    """(visit id, seal) pairs into the visits' seal column, in one executemany."""
    rows = [{"sealed_id": visit_id, "new_seal": seal} for visit_id, seal in seals]
    if rows:
        session.connection().execute(update(r.VISIT).where(r.VISIT.c.id == bindparam("sealed_id"))
                                     .values(seal=bindparam("new_seal")), rows)


def signed_visit_ids(session: Session, pid: int) -> dict[tuple[dt.date, str], tuple[int, str | None]]:
    """The patient's signed visits: (date, type) -> (row id, signer)."""
    rows = session.execute(select(r.VISIT.c.date, r.VISIT.c.type, r.VISIT.c.id, r.VISIT.c.signed_by)
                           .where(r.VISIT.c.patient_id == pid, r.VISIT.c.status == "signed"))
    return {(day, kind): (visit_id, by) for day, kind, visit_id, by in rows}


def seal_stored_visit(session: Session, pid: int, mrn: str, day: dt.date, visit_type: str,
                      content: bool = True) -> dict[str, Any]:
    """Seal a signed visit as it is stored now (read back: the seal covers what the database holds)."""
    from assess.services.history import load_record

    visit = next(v for v in load_record(session, None, pid).visits if v.key == (day, visit_type))
    visit_id, signed_by = signed_visit_ids(session, pid)[(day, visit_type)]
    sealed = visit_entry(mrn, visit, signed_by, content)
    store_visit_seals(session, [(visit_id, sealed["hash"])])
    return sealed


def seal_stored_toxin(session: Session, pid: int, mrn: str, day: dt.date, product: str) -> dict[str, Any]:
    from assess.services.history import load_record

    treatment = next(t for t in load_record(session, None, pid).treatments
                     if isinstance(t, ToxinSession) and (t.date, t.product) == (day, product))
    row = session.execute(select(r.TOXIN.c.id, r.TOXIN.c.signed_by, r.TOXIN.c.signed_at).where(
        r.TOXIN.c.patient_id == pid, r.TOXIN.c.date == day, r.TOXIN.c.product == product)).one()
    sealed = toxin_entry(mrn, treatment, row.signed_by, row.signed_at, content=True)
    session.execute(update(r.TOXIN).where(r.TOXIN.c.id == row.id).values(seal=sealed["hash"]))
    return sealed


def seal_everything_unsealed(session: Session, reason: str) -> int:
    """Seal, as they are now, the signed records and users that have no seal yet (a database upgraded from
    before seals, or restored from such a backup): one `seal` event per patient, one per user. Returns how
    many records and users were sealed."""
    from assess.services.signing import addenda_by_patient

    visits: dict[int, list[Any]] = defaultdict(list)
    for visit_row in session.execute(select(r.VISIT.c.patient_id, r.VISIT.c.id, r.VISIT.c.date, r.VISIT.c.type,
                                            r.VISIT.c.signed_by)
                                     .where(r.VISIT.c.status == "signed", r.VISIT.c.seal.is_(None))):
        visits[visit_row.patient_id].append(visit_row)
    toxins: dict[int, list[Any]] = defaultdict(list)
    for toxin_row in session.execute(select(r.TOXIN.c.patient_id, r.TOXIN.c.id, r.TOXIN.c.date, r.TOXIN.c.product,
                                            r.TOXIN.c.signed_by, r.TOXIN.c.signed_at)
                                     .where(r.TOXIN.c.signed_at.is_not(None), r.TOXIN.c.seal.is_(None))):
        toxins[toxin_row.patient_id].append(toxin_row)
    with_addenda = set(session.execute(select(ADDENDUM.c.patient_id).where(ADDENDUM.c.seal.is_(None))).scalars())
    patients = sorted({*visits, *toxins, *with_addenda})
    changes: list[audit.Change] = []
    sealed_count = 0
    for start in range(0, len(patients), 500):
        chunk = patients[start:start + 500]
        records = r.load_records(session, chunk)
        found_addenda = addenda_by_patient(session, chunk)
        visit_seals: list[tuple[int, str]] = []
        for pid in chunk:
            record, mrn = records[pid], records[pid].mrn
            sealed: list[dict[str, Any]] = []
            stored = {v.key: v for v in record.visits}
            for row in visits.get(pid, []):
                sealed.append(visit_entry(mrn, stored[(row.date, row.type)], row.signed_by, content=False))
                visit_seals.append((row.id, sealed[-1]["hash"]))
            sessions = {(t.date, t.product): t for t in record.treatments if isinstance(t, ToxinSession)}
            for row in toxins.get(pid, []):
                sealed.append(toxin_entry(mrn, sessions[(row.date, row.product)], row.signed_by, row.signed_at,
                                          content=False))
                session.execute(update(r.TOXIN).where(r.TOXIN.c.id == row.id).values(seal=sealed[-1]["hash"]))
            if pid in with_addenda:
                sealed += seal_addenda(session, pid, mrn, found_addenda.get(pid, []), only_unsealed=True)
            if sealed:
                changes.append(audit.Change("seal", "patient", mrn, mrn, after={"reason": reason, "seals": sealed}))
                sealed_count += len(sealed)
        store_visit_seals(session, visit_seals)
    recorded = latest_user_entries(session)
    for user in session.execute(select(USER.c.name, USER.c.role, USER.c.password_hash).order_by(USER.c.name)):
        if user.name not in recorded:
            changes.append(audit.Change("seal", "user", user.name, after={
                "reason": reason, "seal": user_entry(user.name, user.role, user.password_hash)}))
            sealed_count += 1
    audit.record_many(session, changes)
    return sealed_count


def reseal_patient(session: Session, pid: int, mrn: str, old_mrn: str) -> None:
    """A patient's MRN was changed: seal their signed records again under the new MRN (the seals name it),
    in an event that says the old MRN's seals are replaced."""
    from assess.services.history import load_record
    from assess.services.signing import addenda_by_patient

    record = load_record(session, None, pid)
    signed = signed_visit_ids(session, pid)
    sealed: list[dict[str, Any]] = []
    visit_seals = []
    for visit in record.visits:
        if visit.key in signed:
            visit_id, signed_by = signed[visit.key]
            sealed.append(visit_entry(mrn, visit, signed_by, content=True))
            visit_seals.append((visit_id, sealed[-1]["hash"]))
    store_visit_seals(session, visit_seals)
    sessions = {(t.date, t.product): t for t in record.treatments if isinstance(t, ToxinSession)}
    for row in session.execute(select(r.TOXIN.c.id, r.TOXIN.c.date, r.TOXIN.c.product, r.TOXIN.c.signed_by,
                                      r.TOXIN.c.signed_at)
                               .where(r.TOXIN.c.patient_id == pid, r.TOXIN.c.signed_at.is_not(None))).all():
        sealed.append(toxin_entry(mrn, sessions[(row.date, row.product)], row.signed_by, row.signed_at, True))
        session.execute(update(r.TOXIN).where(r.TOXIN.c.id == row.id).values(seal=sealed[-1]["hash"]))
    sealed += seal_addenda(session, pid, mrn, addenda_by_patient(session, [pid]).get(pid, []), only_unsealed=False)
    if sealed:
        audit.record(session, audit.Change("seal", "patient", mrn, mrn, after={
            "reason": f"the MRN changed from {old_mrn}", "replaces_mrn": old_mrn, "seals": sealed}))


def seal_addenda(session: Session, pid: int, mrn: str, found: Sequence[Addendum],
                 only_unsealed: bool) -> list[dict[str, Any]]:
    """Seal a patient's addenda (found: oldest first, as stored); their entries for the trail."""
    rows = session.execute(select(ADDENDUM.c.id, ADDENDUM.c.seal).where(ADDENDUM.c.patient_id == pid)
                           .order_by(ADDENDUM.c.written_at, ADDENDUM.c.id)).all()
    sealed = []
    for row, addendum in zip(rows, found, strict=True):
        if only_unsealed and row.seal is not None:
            continue
        made = addendum_entry(mrn, addendum)
        session.execute(update(ADDENDUM).where(ADDENDUM.c.id == row.id).values(seal=made["hash"]))
        sealed.append(made)
    return sealed


def latest_user_entries(session: Session, name: str | None = None) -> dict[str, tuple[int, dict[str, Any]]]:
    """The last seal the trail records for each user (or the one named): name -> (event id, entry); a user
    whose last word is a removal (a restore replaced the users) has none. Reads only user events (a
    partial index holds them), newest first."""
    # The literal is the partial index's own condition: a bound parameter would keep the index unused.
    query = (select(audit.EVENT.c.id, audit.EVENT.c.action, audit.EVENT.c.entity_key, audit.EVENT.c.after)
             .where(sql_text("audit_event.entity = 'user'"),
                    audit.EVENT.c.action.in_(("create", "update", "seal", "delete")))
             .order_by(audit.EVENT.c.id.desc()))
    if name is not None:
        query = query.where(audit.EVENT.c.entity_key == name)
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    settled: set[str] = set()
    for event_id, action, key, after in session.execute(query):
        if key in settled:
            continue
        if action == "delete":
            settled.add(key)
            continue
        for sealed in entries_in(json.loads(after) if after else None):
            if sealed.get("record") == "user" and sealed.get("key") == key:
                found[key] = (event_id, sealed)
                settled.add(key)
                break
    return found
