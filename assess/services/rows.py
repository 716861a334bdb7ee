"""Translation between table rows and records, batched so a whole history loads in a few queries."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from assess.domain import (
    Contact,
    Finding,
    Goal,
    GoalScore,
    Injection,
    OralMedication,
    Orthosis,
    PatientDetails,
    PatientRecord,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Treatment,
    Visit,
    VisitScores,
)
from assess.models import (
    Base,
    DrugPeriodRow,
    FindingRow,
    GoalRow,
    GoalScoreRow,
    OrthosisRow,
    Patient,
    PumpEventRow,
    SdrRow,
    SurgeryRow,
    TherapyRow,
    ToxinInjectionRow,
    ToxinSessionRow,
    VisitRow,
    VisitSymptomRow,
    VisitTriggerRow,
)
from assess.scoring.order import canonical_record


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


PATIENT = table_of(Patient)
GOAL = table_of(GoalRow)
VISIT = table_of(VisitRow)
FINDING = table_of(FindingRow)
TRIGGER = table_of(VisitTriggerRow)
SYMPTOM = table_of(VisitSymptomRow)
GOAL_SCORE = table_of(GoalScoreRow)
TOXIN = table_of(ToxinSessionRow)
INJECTION = table_of(ToxinInjectionRow)

# Treatment kind -> (table, record class, the record's fields stored as columns of the same name).
TREATMENT_TABLES: dict[str, tuple[Table, type, tuple[str, ...]]] = {
    "therapy": (table_of(TherapyRow), Therapy, ("therapy", "start", "end", "sessions_per_week", "notes")),
    "orthosis": (table_of(OrthosisRow), Orthosis, ("orthosis", "start", "body_region", "side", "end", "notes")),
    "oral_medication": (table_of(DrugPeriodRow), OralMedication, ("drug", "dose_mg_per_day", "start", "stop",
                                                                   "notes")),
    "itb_pump": (table_of(PumpEventRow), PumpEvent, ("event", "date", "pump_model", "reservoir_ml", "volume_ml",
                                                      "concentration_mcg_per_ml", "dose_mcg_per_day", "bolus_mcg",
                                                      "notes")),
    "sdr": (table_of(SdrRow), Sdr, ("date", "levels", "rootlets_cut_percent", "surgeon", "notes")),
    "surgery": (table_of(SurgeryRow), Surgery, ("date", "procedure", "side", "notes")),
}
TOXIN_FIELDS = ("date", "product", "dilution_units_per_ml", "lot", "guidance", "notes")
FINDING_FIELDS = ("muscle_group", "side") + Finding.SCALE_FIELDS
SCORE_FIELDS = tuple(f.name for f in dataclasses.fields(VisitScores))
VISIT_FIELDS = ("date", "type", "clinician", "status", "signed_at", "weight_kg", "notes")
PCP_FIELDS = ("name", "practice", "address", "phone", "fax", "email")

_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _rows(session: Session, table: Table, column: str, ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.execute(select(table).where(table.c[column].in_(chunk))).all())
    return rows


def details_from_row(row: Any) -> PatientDetails:
    contact = None
    if row.pcp_name:
        contact = Contact(*(getattr(row, f"pcp_{f}") for f in PCP_FIELDS))
    return PatientDetails(row.mrn, row.family_name, row.given_name, row.birth_date, row.sex, row.diagnosis,
                          row.diagnosis_note, row.gmfcs, contact)


def fold(text: str) -> str:
    """Lower case without accents, so 'nunez' finds Núñez on SQLite and PostgreSQL alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_key(details: PatientDetails) -> str:
    return fold(f"{details.family_name} {details.given_name} {details.mrn}")


def details_columns(details: PatientDetails) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "mrn": details.mrn, "family_name": details.family_name, "given_name": details.given_name,
        "birth_date": details.birth_date, "sex": details.sex, "diagnosis": details.diagnosis,
        "diagnosis_note": details.diagnosis_note, "gmfcs": details.gmfcs,
        "search_key": search_key(details),
    }
    contact = details.primary_care
    for name in PCP_FIELDS:
        columns[f"pcp_{name}"] = getattr(contact, name) if contact is not None else None
    return columns


def visit_columns(visit: Visit) -> dict[str, Any]:
    columns = {name: getattr(visit, name) for name in VISIT_FIELDS}
    columns.update({name: getattr(visit.scores, name) for name in SCORE_FIELDS})
    return columns


def finding_columns(finding: Finding) -> dict[str, Any]:
    return {name: getattr(finding, name) for name in FINDING_FIELDS}


def treatment_columns(treatment: Treatment) -> dict[str, Any]:
    fields = TOXIN_FIELDS if isinstance(treatment, ToxinSession) else TREATMENT_TABLES[treatment.kind][2]
    return {name: getattr(treatment, name) for name in fields}


def load_records(session: Session, patient_ids: Sequence[int]) -> dict[int, PatientRecord]:
    """Whole records of these patients, keyed by patient id: a fixed number of queries, any count."""
    ids = list(patient_ids)
    patients = {row.id: row for row in _rows(session, PATIENT, "id", ids)}
    goals: dict[int, list[Goal]] = defaultdict(list)
    goal_code: dict[int, str] = {}
    for row in _rows(session, GOAL, "patient_id", ids):
        goal_code[row.id] = row.code
        goals[row.patient_id].append(Goal(row.code, row.text, row.set_on, row.baseline, row.importance,
                                          row.difficulty))
    visit_rows = _rows(session, VISIT, "patient_id", ids)
    visit_ids = [row.id for row in visit_rows]
    findings: dict[int, list[Finding]] = defaultdict(list)
    for row in _rows(session, FINDING, "visit_id", visit_ids):
        findings[row.visit_id].append(Finding(*(row._mapping[name] for name in FINDING_FIELDS)))
    triggers: dict[int, list[str]] = defaultdict(list)
    for row in _rows(session, TRIGGER, "visit_id", visit_ids):
        triggers[row.visit_id].append(row.code)
    symptoms: dict[int, list[str]] = defaultdict(list)
    for row in _rows(session, SYMPTOM, "visit_id", visit_ids):
        symptoms[row.visit_id].append(row.code)
    goal_scores: dict[int, list[GoalScore]] = defaultdict(list)
    for row in _rows(session, GOAL_SCORE, "visit_id", visit_ids):
        goal_scores[row.visit_id].append(GoalScore(goal_code[row.goal_id], row.score))
    visits: dict[int, list[Visit]] = defaultdict(list)
    for row in visit_rows:
        m = row._mapping
        visits[row.patient_id].append(Visit(
            **{name: m[name] for name in VISIT_FIELDS},
            findings=tuple(findings[row.id]), scores=VisitScores(**{name: m[name] for name in SCORE_FIELDS}),
            triggers=tuple(triggers[row.id]), symptoms=tuple(symptoms[row.id]),
            goal_scores=tuple(goal_scores[row.id]),
        ))
    treatments: dict[int, list[Treatment]] = defaultdict(list)
    for table, cls, fields in TREATMENT_TABLES.values():
        for row in _rows(session, table, "patient_id", ids):
            treatments[row.patient_id].append(cls(**{name: row._mapping[name] for name in fields}))
    toxin_rows = _rows(session, TOXIN, "patient_id", ids)
    injections: dict[int, list[Injection]] = defaultdict(list)
    for row in _rows(session, INJECTION, "session_id", [r.id for r in toxin_rows]):
        injections[row.session_id].append(Injection(row.muscle, row.side, row.units, row.sites))
    for row in toxin_rows:
        treatments[row.patient_id].append(ToxinSession(
            injections=tuple(injections[row.id]), **{name: row._mapping[name] for name in TOXIN_FIELDS}))
    records: dict[int, PatientRecord] = {}
    for patient_id, row in patients.items():
        record = PatientRecord.from_details(details_from_row(row))
        records[patient_id] = canonical_record(dataclasses.replace(
            record, goals=tuple(goals[patient_id]), visits=tuple(visits[patient_id]),
            treatments=tuple(treatments[patient_id])))
    return records
