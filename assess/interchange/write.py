"""Writes records as an assess-record/1 document, in the documented order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from assess.interchange.schema import FORMAT
from assess.record.domain import (
    Contact,
    Finding,
    Goal,
    OralMedication,
    Orthosis,
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


def number(value: float) -> float | int:
    """Whole numbers are written without '.0' (22 kg, not 22.0), so files read as a person wrote them."""
    return int(value) if float(value).is_integer() else value


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Absent values are left out of the file, never written as null."""
    if value is None:
        return
    if isinstance(value, float):
        value = number(value)
    elif isinstance(value, dt.datetime):
        # Seconds, or microseconds when the moment has them (a file from elsewhere): nothing is lost.
        value = value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    out[key] = value


def _fields(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        _put(out, key, value)
    return out


def _contact(c: Contact) -> dict[str, Any]:
    return _fields([("name", c.name), ("practice", c.practice), ("address", c.address), ("phone", c.phone),
                    ("fax", c.fax), ("email", c.email)])


def _goal(g: Goal) -> dict[str, Any]:
    return _fields([("id", g.id), ("text", g.text), ("set_on", g.set_on), ("importance", g.importance),
                    ("difficulty", g.difficulty), ("baseline", g.baseline)])


def _finding(f: Finding) -> dict[str, Any]:
    out = _fields([("muscle_group", f.muscle_group), ("side", f.side), ("mas", f.mas)])
    tardieu = _fields([("x", f.tardieu_x), ("r1", f.tardieu_r1), ("r2", f.tardieu_r2)])
    if tardieu:
        out["tardieu"] = tardieu
    for key, value in (("asas", f.asas), ("prom", f.prom), ("mrc", f.mrc), ("reflex", f.reflex),
                       ("clonus_beats", f.clonus_beats), ("clonus_sustained", f.clonus_sustained),
                       ("note", f.note)):
        _put(out, key, value)
    return out


def _scores(s: VisitScores) -> dict[str, Any]:
    out = _fields([("penn_frequency", s.penn_frequency), ("penn_severity", s.penn_severity),
                   ("pain_nrs", s.pain_nrs)])
    scats = _fields([("clonus", s.scats_clonus), ("flexor_spasm", s.scats_flexor_spasm),
                     ("extensor_spasm", s.scats_extensor_spasm)])
    das = _fields([("hygiene", s.das_hygiene), ("dressing", s.das_dressing),
                   ("limb_position", s.das_limb_position), ("pain", s.das_pain)])
    if scats:
        out["scats"] = scats
    if das:
        out["das"] = das
    return out


def visit_fields(v: Visit) -> dict[str, Any]:
    out = _fields([("date", v.date), ("type", v.type), ("clinician", v.clinician), ("status", v.status),
                   ("signed_at", v.signed_at), ("weight_kg", v.weight_kg)])
    if v.findings:
        out["findings"] = [_finding(f) for f in v.findings]
    scores = _scores(v.scores)
    if scores:
        out["scores"] = scores
    if v.triggers:
        out["triggers"] = list(v.triggers)
    if v.symptoms:
        out["symptoms"] = list(v.symptoms)
    if v.goal_scores:
        out["goal_scores"] = [{"goal": s.goal, "score": s.score} for s in v.goal_scores]
    _put(out, "notes", v.notes)
    return out


def treatment_fields(t: Treatment) -> dict[str, Any]:
    """One treatment as its assess-record/1 object, `kind` first."""
    pairs: list[tuple[str, Any]] = [("kind", t.kind)]
    if isinstance(t, Therapy):
        pairs += [("therapy", t.therapy), ("start", t.start), ("end", t.end),
                  ("sessions_per_week", t.sessions_per_week)]
    elif isinstance(t, Orthosis):
        pairs += [("orthosis", t.orthosis), ("body_region", t.body_region), ("side", t.side),
                  ("start", t.start), ("end", t.end)]
    elif isinstance(t, OralMedication):
        pairs += [("drug", t.drug), ("dose_mg_per_day", t.dose_mg_per_day), ("start", t.start),
                  ("stop", t.stop)]
    elif isinstance(t, ToxinSession):
        pairs += [("date", t.date), ("product", t.product), ("dilution_units_per_ml", t.dilution_units_per_ml),
                  ("lot", t.lot), ("guidance", t.guidance),
                  ("injections", [_fields([("muscle", i.muscle), ("side", i.side), ("units", i.units),
                                           ("sites", i.sites)]) for i in t.injections])]
    elif isinstance(t, PumpEvent):
        pairs += [("event", t.event), ("date", t.date), ("pump_model", t.pump_model),
                  ("reservoir_ml", t.reservoir_ml), ("volume_ml", t.volume_ml),
                  ("concentration_mcg_per_ml", t.concentration_mcg_per_ml),
                  ("dose_mcg_per_day", t.dose_mcg_per_day), ("bolus_mcg", t.bolus_mcg)]
    elif isinstance(t, Sdr):
        pairs += [("date", t.date), ("levels", t.levels), ("rootlets_cut_percent", t.rootlets_cut_percent),
                  ("surgeon", t.surgeon)]
    elif isinstance(t, Surgery):
        pairs += [("date", t.date), ("procedure", t.procedure), ("side", t.side)]
    pairs.append(("notes", t.notes))
    return _fields(pairs)


def patient_fields(record: PatientRecord) -> dict[str, Any]:
    record = canonical_record(record)
    out = _fields([("mrn", record.mrn), ("family_name", record.family_name), ("given_name", record.given_name),
                   ("birth_date", record.birth_date), ("sex", record.sex), ("diagnosis", record.diagnosis),
                   ("diagnosis_note", record.diagnosis_note), ("gmfcs", record.gmfcs)])
    if record.primary_care is not None:
        out["primary_care"] = _contact(record.primary_care)
    if record.goals:
        out["goals"] = [_goal(g) for g in record.goals]
    if record.visits:
        out["visits"] = [visit_fields(v) for v in record.visits]
    if record.treatments:
        out["treatments"] = [treatment_fields(t) for t in record.treatments]
    return out


def write_document(records: Iterable[PatientRecord], exported_at: dt.datetime | None = None,
                   exported_by: str | None = None) -> dict[str, Any]:
    """The document for these patients (given in the order to write them: assess exports by MRN)."""
    document: dict[str, Any] = {"format": FORMAT}
    _put(document, "exported_at", exported_at)
    _put(document, "exported_by", exported_by)
    document["patients"] = [patient_fields(r) for r in records]
    return document
