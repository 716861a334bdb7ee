"""Translation between table rows and records, batched so a whole history loads in a few queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from anyascii import anyascii
from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.orm import Session

from assess.record.domain import (
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
from assess.scoring.order import canonical_record
from assess.storage.models import (
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
                                                      "notes", "alarm_ml", "replacement_due")),
    "sdr": (table_of(SdrRow), Sdr, ("date", "levels", "rootlets_cut_percent", "surgeon", "notes")),
    "surgery": (table_of(SurgeryRow), Surgery, ("date", "procedure", "side", "notes")),
}
TOXIN_FIELDS = ("date", "product", "dilution_units_per_ml", "lot", "guidance", "notes")
FINDING_FIELDS = ("muscle_group", "side") + Finding.SCALE_FIELDS + ("angle_convention",)
SCORE_FIELDS = tuple(f.name for f in dataclasses.fields(VisitScores))
VISIT_FIELDS = ("date", "type", "clinician", "status", "signed_at", "weight_kg", "notes")
PCP_FIELDS = ("name", "practice", "address", "phone", "fax", "email")

_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


@functools.cache
def _select(table: Table, column: str, names: tuple[str, ...]) -> Select[Any]:
    """One statement per shape, built once: building and keying a statement anew for each of a history's fifteen
    queries cost more than running it (one patient's history is read at every open)."""
    return select(*(table.c[name] for name in names)).where(table.c[column].in_(bindparam("ids", expanding=True)))


def _rows(session: Session, table: Table, column: str, ids: Sequence[int], names: Sequence[str]) -> list[Any]:
    """The named columns (only those: no time stamps to convert) of the rows whose `column` is in ids."""
    if not ids:
        return []
    statement = _select(table, column, tuple(names))
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.execute(statement, {"ids": list(chunk)}).all())
    return rows


_NOT_WORD = re.compile(r"[^0-9a-z]+")
_PARTIAL_VISIT_FIELDS = ("date", "type", "clinician", "status", "weight_kg")
_PARTIAL_SCORE_FIELDS = ("penn_frequency", "penn_severity")
_NO_SCORES = VisitScores()

PATIENT_COLUMNS = ("mrn", "family_name", "given_name", "birth_date", "sex", "diagnosis", "diagnosis_note", "gmfcs",
                   *(f"pcp_{name}" for name in PCP_FIELDS), "other_medicines")


def details_from_values(values: Sequence[Any]) -> PatientDetails:
    """Details from the PATIENT_COLUMNS of a row, in that order."""
    mrn, family_name, given_name, birth_date, sex, diagnosis, note, gmfcs = values[:8]
    contact = Contact(*values[8:8 + len(PCP_FIELDS)]) if values[8] else None
    return PatientDetails(mrn, family_name, given_name, birth_date, sex, diagnosis, note, gmfcs, contact,
                          values[8 + len(PCP_FIELDS)])


def fold(text: str) -> str:
    """Names as typed on any keyboard: 'lukasik' finds Łukasik, 'oyvind' Øyvind, 'nunez' Núñez, 'strasse' Straße.

    Letters are transliterated to ASCII (anyascii, which knows Ł, Ø, ß and other scripts that have no accent
    to strip), lower-cased, and every run of other characters becomes one space: "Abdi, Nadia" (as the list
    shows a name) is the words "abdi nadia". The stored search key, the query and the list's order all use it.
    """
    plain = anyascii(unicodedata.normalize("NFC", text)).casefold()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def search_key(details: PatientDetails) -> str:
    return fold(f"{details.family_name} {details.given_name} {details.mrn}")


def details_columns(details: PatientDetails) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "mrn": details.mrn, "family_name": details.family_name, "given_name": details.given_name,
        "birth_date": details.birth_date, "sex": details.sex, "diagnosis": details.diagnosis,
        "diagnosis_note": details.diagnosis_note, "gmfcs": details.gmfcs,
        "search_key": search_key(details), "other_medicines": details.other_medicines,
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


def _latest_visit_ids(visit_rows: Sequence[Any], per_patient: int) -> list[int]:
    by_patient: dict[int, list[Any]] = defaultdict(list)
    for row in visit_rows:
        by_patient[row.patient_id].append(row)
    latest: list[int] = []
    for rows in by_patient.values():
        rows.sort(key=lambda row: (row.date, row.id), reverse=True)
        latest += [row.id for row in rows[:per_patient]]
    return latest


@dataclass(frozen=True)
class Partial:
    """What a lighter record keeps, for decision support over every patient at once (a clinic's 10,000
    patients hold millions of findings and injections the alerts never read). Such a record has no
    goals, goal scores, triggers or symptoms."""

    findings_of_latest: int  # findings of each patient's n latest visits only
    kinds: frozenset[str]  # the treatment kinds loaded
    injections_since: dt.date  # toxin sessions before this day come without their injections


def load_records(session: Session, patient_ids: Sequence[int],
                 partial: Partial | None = None) -> dict[int, PatientRecord]:
    """Records of these patients, keyed by patient id: a fixed number of queries, any count.
    Whole records unless `partial` says what to leave out."""
    findings_of_latest = partial.findings_of_latest if partial else None
    ids = list(patient_ids)
    light = findings_of_latest is not None
    patients = {row[0]: row[1:] for row in _rows(session, PATIENT, "id", ids, ("id", *PATIENT_COLUMNS))}
    goals: dict[int, list[Goal]] = defaultdict(list)
    goal_code: dict[int, str] = {}
    goal_columns = ("id", "patient_id", "code", "text", "set_on", "baseline", "importance", "difficulty")
    for goal_id, pid, code, *rest in [] if light else _rows(session, GOAL, "patient_id", ids, goal_columns):
        goal_code[goal_id] = code
        goals[pid].append(Goal(code, *rest))
    # A partial record's visits carry what decision support reads (no signing time, notes or other scores).
    visit_fields = _PARTIAL_VISIT_FIELDS if light else VISIT_FIELDS
    score_fields = _PARTIAL_SCORE_FIELDS if light else SCORE_FIELDS
    visit_rows = _rows(session, VISIT, "patient_id", ids, ("id", "patient_id", "date", *visit_fields, *score_fields))
    visit_ids = [row[0] for row in visit_rows]
    examined = visit_ids if findings_of_latest is None else _latest_visit_ids(visit_rows, findings_of_latest)
    if light:
        visit_ids = []  # no triggers, symptoms or goal scores either
    findings: dict[int, list[Finding]] = defaultdict(list)
    for visit_id, *values in _rows(session, FINDING, "visit_id", examined, ("visit_id", *FINDING_FIELDS)):
        findings[visit_id].append(Finding(*values))
    triggers: dict[int, list[str]] = defaultdict(list)
    for visit_id, code in _rows(session, TRIGGER, "visit_id", visit_ids, ("visit_id", "code")):
        triggers[visit_id].append(code)
    symptoms: dict[int, list[str]] = defaultdict(list)
    for visit_id, code in _rows(session, SYMPTOM, "visit_id", visit_ids, ("visit_id", "code")):
        symptoms[visit_id].append(code)
    goal_scores: dict[int, list[GoalScore]] = defaultdict(list)
    for visit_id, goal_id, score in _rows(session, GOAL_SCORE, "visit_id", visit_ids,
                                          ("visit_id", "goal_id", "score")):
        goal_scores[visit_id].append(GoalScore(goal_code[goal_id], score))
    visits: dict[int, list[Visit]] = defaultdict(list)
    n_visit = len(visit_fields)
    for visit_id, pid, _day, *values in visit_rows:
        scores = dict(zip(score_fields, values[n_visit:], strict=True))
        visits[pid].append(Visit(
            **dict(zip(visit_fields, values[:n_visit], strict=True)),
            findings=tuple(findings.get(visit_id, ())),
            scores=VisitScores(**scores) if any(v is not None for v in scores.values()) else _NO_SCORES,
            triggers=tuple(triggers.get(visit_id, ())), symptoms=tuple(symptoms.get(visit_id, ())),
            goal_scores=tuple(goal_scores.get(visit_id, ())),
        ))
    treatments: dict[int, list[Treatment]] = defaultdict(list)
    for kind, (table, cls, fields) in TREATMENT_TABLES.items():
        if partial and kind not in partial.kinds:
            continue
        for pid, *values in _rows(session, table, "patient_id", ids, ("patient_id", *fields)):
            treatments[pid].append(cls(**dict(zip(fields, values, strict=True))))
    toxin_rows = [] if partial and "botulinum_toxin" not in partial.kinds else _rows(
        session, TOXIN, "patient_id", ids, ("id", "patient_id", *TOXIN_FIELDS))
    injected = [row[0] for row in toxin_rows if not partial or row[2] >= partial.injections_since]
    injections: dict[int, list[Injection]] = defaultdict(list)
    for session_id, *values in _rows(session, INJECTION, "session_id", injected,
                                     ("session_id", "muscle", "side", "units", "sites")):
        injections[session_id].append(Injection(*values))
    for session_id, pid, *values in toxin_rows:
        treatments[pid].append(ToxinSession(injections=tuple(injections[session_id]),
                                            **dict(zip(TOXIN_FIELDS, values, strict=True))))
    records: dict[int, PatientRecord] = {}
    for pid, values in patients.items():
        record = PatientRecord.from_details(details_from_values(values))
        records[pid] = canonical_record(dataclasses.replace(
            record, goals=tuple(goals[pid]), visits=tuple(visits[pid]), treatments=tuple(treatments[pid])))
    return records


def as_partial(record: PatientRecord, partial: Partial) -> PatientRecord:
    """The record as `load_records(..., partial)` reads it back once stored: decision support worked out from a
    record in hand (a new patient an import or the demo just wrote) without reading it again.

    `record` is in the documented order (as read_document gives it) and stored as it is, so its visits' row ids
    follow that order, which is the order `_latest_visit_ids` breaks a day's tie by."""
    first_examined = len(record.visits) - partial.findings_of_latest
    visits = []
    for n, visit in enumerate(record.visits):
        scores = {name: getattr(visit.scores, name) for name in _PARTIAL_SCORE_FIELDS}
        visits.append(Visit(
            **{name: getattr(visit, name) for name in _PARTIAL_VISIT_FIELDS},
            findings=visit.findings if n >= first_examined else (),
            scores=VisitScores(**scores) if any(v is not None for v in scores.values()) else _NO_SCORES))
    treatments: list[Treatment] = []
    for treatment in record.treatments:
        if treatment.kind not in partial.kinds:
            continue
        if isinstance(treatment, ToxinSession):
            injections = treatment.injections if treatment.date >= partial.injections_since else ()
            treatments.append(ToxinSession(injections=injections,
                                           **{name: getattr(treatment, name) for name in TOXIN_FIELDS}))
        else:
            cls, fields = TREATMENT_TABLES[treatment.kind][1:]
            treatments.append(cls(**{name: getattr(treatment, name) for name in fields}))
    return canonical_record(dataclasses.replace(record, goals=(), visits=tuple(visits), treatments=tuple(treatments)))
