"""Reads an assess-record/1 document into records, enforcing the rules the schema cannot say."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from assess.interchange.findings import FindingInvalid, read_finding
from assess.interchange.schema import check_schema, reference_error
from assess.interchange.text import check_text, json_path, quoted, surrogate_error
from assess.record.domain import (
    Contact,
    Finding,
    Goal,
    GoalScore,
    Injection,
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
    describe_treatment_key,
    treatment_date,
    treatment_key,
)
from assess.record.errors import RecordError
from assess.scoring.order import canonical_record
from assess.scoring.tardieu import r1_beyond_r2

Path = tuple[str | int, ...]


class _InvalidFinding(Exception):  # noqa: N818 - a verdict, reworded before it is shown
    """A finding broke the schema; read_document asks jsonschema for the exact path and wording."""

    def __init__(self, path: Path) -> None:
        super().__init__(json_path(path))
        self.path = path


def _fail(path: Path, message: str) -> RecordError:
    return RecordError(json_path(path), message)


def parse_date(value: str, path: Path) -> dt.date:
    """A real calendar day: the schema's pattern lets 2025-02-30 through, this does not."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(path, f"{value!r} is not a real calendar date (YYYY-MM-DD)") from None


def parse_datetime(value: str, path: Path) -> dt.datetime:
    """An RFC 3339 date-time with its offset, kept in UTC."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _fail(path, f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM:SSZ)") from None
    if moment.tzinfo is None:
        raise _fail(path, f"{value!r} has no time zone offset (add Z for UTC)")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise _fail(path, f"{value!r} is out of the range of dates (years 1 to 9999 in UTC)") from None


def _date(obj: dict[str, Any], key: str, path: Path) -> dt.date | None:
    value = obj.get(key)
    return None if value is None else parse_date(value, path + (key,))


def _contact(obj: dict[str, Any]) -> Contact:
    return Contact(obj["name"], obj.get("practice"), obj.get("address"), obj.get("phone"), obj.get("fax"),
                   obj.get("email"))


def _goal(obj: dict[str, Any], path: Path) -> Goal:
    baseline = _whole(obj.get("baseline"))
    assert baseline is not None  # required by the schema
    return Goal(obj["id"], obj["text"], parse_date(obj["set_on"], path + ("set_on",)), baseline,
                _whole(obj.get("importance")), _whole(obj.get("difficulty")))


def _whole(value: Any) -> int | None:
    """The schema has checked the type (an integer, possibly written 2.0, never true/false): convert only."""
    return None if value is None else int(value)


def _real(obj: dict[str, Any], key: str, path: Path) -> float | None:
    """obj[key] as a float. The schema has checked its type and range, but NaN (which Python's JSON reader
    takes from a file) passes every range check: it is refused here, where the field is known."""
    value = obj.get(key)
    if value is None:
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits: beyond any float, so beyond any range
        raise _fail(path + (key,), f"{quoted(value)} is too large") from None
    if not math.isfinite(number):
        raise _fail(path + (key,), f"{value!r} is not a number")
    return number


def _scores(obj: dict[str, Any], path: Path) -> VisitScores:
    scats, das = obj.get("scats", {}), obj.get("das", {})
    scores = VisitScores(
        penn_frequency=_whole(obj.get("penn_frequency")), penn_severity=_whole(obj.get("penn_severity")),
        pain_nrs=_whole(obj.get("pain_nrs")),
        scats_clonus=_whole(scats.get("clonus")),
        scats_flexor_spasm=_whole(scats.get("flexor_spasm")),
        scats_extensor_spasm=_whole(scats.get("extensor_spasm")),
        das_hygiene=_whole(das.get("hygiene")), das_dressing=_whole(das.get("dressing")),
        das_limb_position=_whole(das.get("limb_position")), das_pain=_whole(das.get("pain")),
    )
    if scores.penn_severity is not None and not scores.penn_frequency:
        raise _fail(path + ("penn_severity",),
                    "Penn spasm severity is recorded only when spasm frequency is above 0 ("
                    + ("frequency is 0)" if scores.penn_frequency == 0 else "no frequency is recorded)"))
    return scores


def _findings(items: list[Any], path: Path) -> list[Finding]:
    """The visit's findings; the common case (all valid, no group twice) costs one pass and one set."""
    try:
        findings = [read_finding(item) for item in items]
    except FindingInvalid:
        for i, item in enumerate(items):
            try:
                read_finding(item)
            except FindingInvalid:
                note = item.get("note") if isinstance(item, dict) else None
                text_error = surrogate_error(note, json_path(path + ("findings", i, "note"))) \
                    if isinstance(note, str) else None
                if text_error is not None:
                    raise text_error from None
                raise _InvalidFinding(path + ("findings", i)) from None
        raise
    if len({(f.muscle_group, f.side) for f in findings}) != len(findings):
        seen: set[tuple[str, str]] = set()
        for i, finding in enumerate(findings):
            key = (finding.muscle_group, finding.side)
            if key in seen:
                raise _fail(path + ("findings", i),
                            f"{finding.muscle_group} {finding.side} is recorded twice in this visit")
            seen.add(key)
    for i, finding in enumerate(findings):
        if finding.tardieu_r1 is not None and finding.tardieu_r2 is not None:
            problem = r1_beyond_r2(finding.tardieu_r1, finding.tardieu_r2)
            if problem:
                raise _fail(path + ("findings", i, "tardieu", "r1"), problem)
    return findings


def _visit(obj: dict[str, Any], path: Path, goals: dict[str, Goal]) -> Visit:
    date = parse_date(obj["date"], path + ("date",))
    status = obj.get("status", "draft")
    signed_at = None
    if "signed_at" in obj:
        if status != "signed":
            raise _fail(path + ("signed_at",), "a draft visit has no signing time (status is 'draft')")
        signed_at = parse_datetime(obj["signed_at"], path + ("signed_at",))
    findings = _findings(obj.get("findings", []), path)
    goal_scores: list[GoalScore] = []
    for i, item in enumerate(obj.get("goal_scores", [])):
        gpath = path + ("goal_scores", i)
        goal = goals.get(item["goal"])
        if goal is None:
            known = ", ".join(sorted(goals)) or "none"
            raise _fail(gpath + ("goal",), f"{quoted(item['goal'])} is not a goal of this patient (goals: {known})")
        if goal.set_on > date:
            raise _fail(gpath + ("goal",), f"goal {goal.id!r} was set on {goal.set_on}, after this visit")
        if any(s.goal == goal.id for s in goal_scores):
            raise _fail(gpath + ("goal",), f"goal {goal.id!r} is scored twice in this visit")
        score = _whole(item.get("score"))
        assert score is not None
        goal_scores.append(GoalScore(goal.id, score))
    return Visit(
        date=date, type=obj["type"], clinician=obj["clinician"], status=status, signed_at=signed_at,
        weight_kg=_real(obj, "weight_kg", path), findings=tuple(findings),
        scores=_scores(obj.get("scores", {}), path + ("scores",)),
        triggers=tuple(obj.get("triggers", [])), symptoms=tuple(obj.get("symptoms", [])),
        goal_scores=tuple(goal_scores), notes=obj.get("notes"),
    )


def _period_end(start: dt.date, end: dt.date | None, key: str, path: Path) -> None:
    if end is not None and end < start:
        raise _fail(path + (key,), f"{key} {end} is before start {start}")


def _treatment(obj: dict[str, Any], path: Path) -> Treatment:
    kind = obj["kind"]
    notes = obj.get("notes")
    if kind in ("therapy", "orthosis", "oral_medication"):
        start = parse_date(obj["start"], path + ("start",))
        end_key = "stop" if kind == "oral_medication" else "end"
        end = _date(obj, end_key, path)
        _period_end(start, end, end_key, path)
        if kind == "therapy":
            return Therapy(obj["therapy"], start, end, _real(obj, "sessions_per_week", path), notes)
        if kind == "orthosis":
            return Orthosis(obj["orthosis"], start, obj.get("body_region"), obj.get("side"), end, notes)
        dose = _real(obj, "dose_mg_per_day", path)
        assert dose is not None
        return OralMedication(obj["drug"], dose, start, end, notes)
    date = parse_date(obj["date"], path + ("date",))
    if kind == "botulinum_toxin":
        injections: list[Injection] = []
        for i, item in enumerate(obj["injections"]):
            ipath = path + ("injections", i)
            if any(j.muscle == item["muscle"] and j.side == item["side"] for j in injections):
                raise _fail(ipath, f"{item['muscle']} {item['side']} is injected twice in this session "
                                   "(record it once with the total units and sites)")
            units = _real(item, "units", ipath)
            assert units is not None
            injections.append(Injection(item["muscle"], item["side"], units, _whole(item.get("sites"))))
        return ToxinSession(date, obj["product"], tuple(injections), _real(obj, "dilution_units_per_ml", path),
                            obj.get("lot"), obj.get("guidance"), notes)
    if kind == "itb_pump":
        return PumpEvent(obj["event"], date, obj.get("pump_model"), _real(obj, "reservoir_ml", path),
                         _real(obj, "volume_ml", path), _real(obj, "concentration_mcg_per_ml", path),
                         _real(obj, "dose_mcg_per_day", path), _real(obj, "bolus_mcg", path), notes)
    if kind == "sdr":
        return Sdr(date, obj.get("levels"), _real(obj, "rootlets_cut_percent", path), obj.get("surgeon"), notes)
    return Surgery(date, obj["procedure"], obj.get("side"), notes)


def _patient(obj: dict[str, Any], path: Path, today: dt.date) -> PatientRecord:
    birth = parse_date(obj["birth_date"], path + ("birth_date",))
    if birth > today:
        raise _fail(path + ("birth_date",), f"birth date {birth} is in the future")
    goals: dict[str, Goal] = {}
    for i, item in enumerate(obj.get("goals", [])):
        goal = _goal(item, path + ("goals", i))
        if goal.id in goals:
            raise _fail(path + ("goals", i, "id"), f"goal id {goal.id!r} is used twice for this patient")
        goals[goal.id] = goal
    visits: list[Visit] = []
    for i, item in enumerate(obj.get("visits", [])):
        vpath = path + ("visits", i)
        visit = _visit(item, vpath, goals)
        if visit.date < birth:
            raise _fail(vpath + ("date",), f"visit on {visit.date} is before the birth date {birth}")
        if any(v.key == visit.key for v in visits):
            raise _fail(vpath, f"a {visit.type} visit on {visit.date} is in this file twice")
        visits.append(visit)
    treatments: list[Treatment] = []
    keys: set[tuple[str, ...]] = set()
    for i, item in enumerate(obj.get("treatments", [])):
        tpath = path + ("treatments", i)
        treatment = _treatment(item, tpath)
        if treatment_date(treatment) < birth:
            raise _fail(tpath, f"{describe_treatment_key(treatment)} is before the birth date {birth}")
        if treatment_key(treatment) in keys:
            raise _fail(tpath, f"{describe_treatment_key(treatment)} is in this file twice")
        keys.add(treatment_key(treatment))
        treatments.append(treatment)
    return canonical_record(PatientRecord(
        mrn=obj["mrn"], family_name=obj["family_name"], given_name=obj["given_name"], birth_date=birth,
        sex=obj["sex"], diagnosis=obj["diagnosis"], diagnosis_note=obj.get("diagnosis_note"),
        gmfcs=obj.get("gmfcs"), primary_care=_contact(obj["primary_care"]) if "primary_care" in obj else None,
        goals=tuple(goals.values()), visits=tuple(visits), treatments=tuple(treatments),
    ))


def read_document(document: Any, today: dt.date | None = None) -> list[PatientRecord]:
    """Validate a parsed assess-record/1 document and return its patients' records.

    Raises RecordError naming the JSON path of the first problem; returns only when all is valid.
    """
    check_schema(document)
    check_text(document)  # a lone surrogate ("\ud800" in the JSON) passes the schema but cannot be stored
    today = today or dt.date.today()
    records: list[PatientRecord] = []
    mrns: set[str] = set()
    try:
        for i, item in enumerate(document["patients"]):
            record = _patient(item, ("patients", i), today)
            if record.mrn in mrns:
                raise _fail(("patients", i, "mrn"), f"MRN {record.mrn!r} is in this file twice")
            mrns.add(record.mrn)
            records.append(record)
    except _InvalidFinding as invalid:
        raise (reference_error(document, invalid.path) or _fail(invalid.path, "is not a valid finding")) from None
    return records
