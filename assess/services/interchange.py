"""Import and export of assess-record/1: atomic, idempotent, refusing conflicts whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.record.actor import EXPORT, IMPORT
from assess.record.domain import (
    Goal,
    PatientDetails,
    PatientRecord,
    Treatment,
    Visit,
    describe_treatment_key,
    treatment_key,
    without_local,
)
from assess.record.errors import ConflictError, NotFoundError
from assess.services import audit, due
from assess.services import rows as r
from assess.services.access import require
from assess.services.locks import lock_named
from assess.services.rows import load_records
from assess.services.seals import visit_entry
from assess.services.signing import addenda_by_patient, toxin_signatures_by_patient, with_addenda
from assess.services.store import insert_goals, insert_patients, insert_treatments, insert_visits


@dataclass(frozen=True)
class PatientImport:
    """What an import adds to one patient (or would add, in a dry run)."""

    mrn: str
    new_patient: bool
    goals: int
    visits: int
    findings: int
    treatments: int
    unchanged_visits: int
    unchanged_treatments: int

    @property
    def adds_anything(self) -> bool:
        return self.new_patient or bool(self.goals or self.visits or self.treatments)


@dataclass(frozen=True)
class ImportReport:
    patients: tuple[PatientImport, ...]
    dry_run: bool

    def total(self, field: str) -> int:
        return sum(getattr(p, field) for p in self.patients)

    @property
    def new_patients(self) -> int:
        return sum(p.new_patient for p in self.patients)


@dataclass
class _Plan:
    new_patients: list[PatientDetails] = dataclasses.field(default_factory=list)
    goals: list[tuple[str, Goal]] = dataclasses.field(default_factory=list)
    visits: list[tuple[str, Visit]] = dataclasses.field(default_factory=list)
    treatments: list[tuple[str, Treatment]] = dataclasses.field(default_factory=list)
    report: list[PatientImport] = dataclasses.field(default_factory=list)


def _first_difference(stored: object, incoming: object) -> str:
    for field in dataclasses.fields(stored):  # type: ignore[arg-type]
        a, b = getattr(stored, field.name), getattr(incoming, field.name)
        if a != b:
            return f"{field.name} is {a!r} in the database and {b!r} in the file"
    return "the content differs"


def _compare_details(stored: PatientRecord, incoming: PatientRecord) -> None:
    # The file cannot hold the local facts (other medicines ...): they are not a difference (docs/design.md).
    if without_local(stored.details) != incoming.details:
        raise ConflictError(f"patient {incoming.mrn}: {_first_difference(stored.details, incoming.details)}; "
                            "nothing was imported")


def _visit_difference(stored: Visit, incoming: Visit) -> str:
    """The first difference in words: a finding's scale, else a field of the visit."""
    if stored.findings != incoming.findings:
        keys = [(f.muscle_group, f.side) for f in (*stored.findings, *incoming.findings)]
        for group, side in dict.fromkeys(keys):
            a, b = stored.finding(group, side), incoming.finding(group, side)
            if a is None or b is None:
                where = "file" if a is None else "database"
                return f"{side} {group} is examined only in the {where}"
            if a != b:
                return f"{side} {group}: {_first_difference(a, b)}"
    return _first_difference(stored, incoming)


def _plan_patient(plan: _Plan, incoming: PatientRecord, stored: PatientRecord | None) -> None:
    goals: Sequence[Goal] = incoming.goals
    visits: Sequence[Visit] = incoming.visits
    treatments: Sequence[Treatment] = incoming.treatments
    unchanged_visits = unchanged_treatments = 0
    if stored is None:
        plan.new_patients.append(incoming.details)
    else:
        _compare_details(stored, incoming)
        stored_goals = {g.id: g for g in stored.goals}
        for goal in incoming.goals:
            if goal.id in stored_goals and stored_goals[goal.id] != goal:
                raise ConflictError(f"patient {incoming.mrn}: goal {goal.id!r} differs from the stored goal "
                                    f"({_first_difference(stored_goals[goal.id], goal)}); nothing was imported")
        goals = [g for g in incoming.goals if g.id not in stored_goals]
        stored_visits = {v.key: v for v in stored.visits}
        visits = []
        for visit in incoming.visits:
            existing = stored_visits.get(visit.key)
            if existing is None:
                visits.append(visit)
            elif without_local(existing) == visit:
                unchanged_visits += 1
            else:
                signed = " signed" if existing.status == "signed" else ""
                raise ConflictError(
                    f"patient {incoming.mrn}: the{signed} {visit.type} visit on {visit.date} differs from the "
                    f"stored one ({_visit_difference(existing, visit)}); nothing was imported")
        stored_treatments = {treatment_key(t): t for t in stored.treatments}
        treatments = []
        for treatment in incoming.treatments:
            existing_treatment = stored_treatments.get(treatment_key(treatment))
            if existing_treatment is None:
                treatments.append(treatment)
            elif without_local(existing_treatment) == treatment:
                unchanged_treatments += 1
            else:
                raise ConflictError(
                    f"patient {incoming.mrn}: {describe_treatment_key(treatment)} differs from the stored one "
                    f"({_first_difference(existing_treatment, treatment)}); nothing was imported")
    plan.goals += [(incoming.mrn, g) for g in goals]
    plan.visits += [(incoming.mrn, v) for v in visits]
    plan.treatments += [(incoming.mrn, t) for t in treatments]
    plan.report.append(PatientImport(
        incoming.mrn, stored is None, len(goals), len(visits), sum(len(v.findings) for v in visits),
        len(treatments), unchanged_visits, unchanged_treatments))


def _stored_ids(session: Session, mrns: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(mrns), 500):
        chunk = mrns[start:start + 500]
        rows = session.execute(select(r.PATIENT.c.mrn, r.PATIENT.c.id).where(r.PATIENT.c.mrn.in_(chunk)))
        ids.update(dict(rows.all()))
    return ids


def _goal_ids(session: Session, patient_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    goal_ids: dict[tuple[int, str], int] = {}
    for start in range(0, len(patient_ids), 500):
        rows = session.execute(select(r.GOAL.c.patient_id, r.GOAL.c.code, r.GOAL.c.id)
                               .where(r.GOAL.c.patient_id.in_(patient_ids[start:start + 500])))
        goal_ids.update({(pid, code): goal_id for pid, code, goal_id in rows})
    return goal_ids


def import_records(session: Session, records: Sequence[PatientRecord], dry_run: bool = False,
                   new_items: due.Rows | None = None) -> ImportReport:
    """Add what is new in records (already validated, e.g. by read_document) to the database.

    Everything is planned before anything is written: a conflict raises ConflictError and writes nothing.
    The caller's transaction makes the writes all-or-nothing. Imports take turns (a lock held to the end of
    the transaction, taken before anything is read): the same file imported at once from several places is
    stored once, the others finding it "already stored". The new patients' due items are worked out from
    the records (or taken from `new_items`, worked out so by the caller, keyed by MRN).
    """
    require(session, IMPORT)
    if not dry_run:
        lock_named(session, r.PATIENT, "import")
    ids = _stored_ids(session, [r.mrn for r in records])
    stored_ids = set(ids)
    stored = _as_exported(session, load_records(session, list(ids.values()))) if ids else {}
    plan = _Plan()
    for record in records:
        _plan_patient(plan, record, stored.get(ids[record.mrn]) if record.mrn in ids else None)
    report = ImportReport(tuple(plan.report), dry_run)
    if dry_run:
        return report
    new_ids = insert_patients(session, plan.new_patients)
    ids.update({p.mrn: pid for p, pid in zip(plan.new_patients, new_ids, strict=True)})
    insert_goals(session, [(ids[mrn], g) for mrn, g in plan.goals])
    # Goal scores may name goals just inserted or stored by an earlier import: look both up by code.
    goal_ids = _goal_ids(session, sorted({ids[mrn] for mrn, v in plan.visits if v.goal_scores}))
    # A visit imported as signed is sealed as it came (the seal goes into the import's event too).
    sealed = [visit_entry(mrn, v, None, content=False) if v.status == "signed" else None for mrn, v in plan.visits]
    insert_visits(session, [(ids[mrn], v) for mrn, v in plan.visits], goal_ids,
                  [s["hash"] if s else None for s in sealed])
    insert_treatments(session, [(ids[mrn], t) for mrn, t in plan.treatments])
    seals_of: dict[str, list[dict[str, object]]] = defaultdict(list)
    for (mrn, _), made in zip(plan.visits, sealed, strict=True):
        if made is not None:
            seals_of[mrn].append(made)
    # One event per patient that gained anything, with the counts: an import of a million findings
    # stays an import, not a million events.
    audit.record_many(session, [audit.Change("import", "patient", p.mrn, p.mrn, after={
        "new_patient": p.new_patient, "goals": p.goals, "visits": p.visits, "findings": p.findings,
        "treatments": p.treatments, **({"seals": seals_of[p.mrn]} if seals_of.get(p.mrn) else {})})
        for p in report.patients if p.adds_anything])
    # New patients' due items from the records just written (the commit works out the others from the database).
    new = [record for record in records if record.mrn not in stored_ids]
    rows = new_items if new_items is not None else due.new_patients_rows(new, dt.date.today())
    due.store_new_patients(session, rows, {record.mrn: ids[record.mrn] for record in new})
    return report


def _as_exported(session: Session, records: dict[int, PatientRecord]) -> dict[int, PatientRecord]:
    """Stored records as an export writes them (addenda in the notes), so that importing a file this
    database exported finds its own records unchanged."""
    ids = list(records)
    found = addenda_by_patient(session, ids)
    signed = toxin_signatures_by_patient(session, ids)
    return {pid: with_addenda(record, found.get(pid, []), signed.get(pid)) for pid, record in records.items()}


def export_records(session: Session, mrns: Sequence[str] = ()) -> list[PatientRecord]:
    """Records of the given patients (all when none are named), by MRN, with their addenda in the notes
    (assess-record/1 has no field for them). The caller writes the file inside reads.recorded_export,
    which records an export event per patient once the file is written."""
    require(session, EXPORT)
    if mrns:
        ids = _stored_ids(session, list(mrns))
        missing = [m for m in mrns if m not in ids]
        if missing:
            raise NotFoundError(f"no patient with MRN {', '.join(repr(m) for m in missing)}")
    else:
        ids = dict(session.execute(select(r.PATIENT.c.mrn, r.PATIENT.c.id)).all())
    ordered = sorted(ids.items())
    records: list[PatientRecord] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        loaded = _as_exported(session, load_records(session, [pid for _, pid in chunk]))
        records.extend(loaded[pid] for _, pid in chunk)
    return records


def export_stamp() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
