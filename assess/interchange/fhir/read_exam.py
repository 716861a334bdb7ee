"""Visits from FHIR: Encounters of assess visit types, their Observations and notes (the mapping of write_exam)."""

from __future__ import annotations

from typing import Any

from assess.interchange.fhir.codes import (
    CLINIC_CODE,
    GAS_OF_ANSWER,
    LATERALITY_EXTENSION,
    LOINC,
    LOINC_GAS_BASELINE,
    LOINC_GAS_PRACTITIONER,
    LOINC_PAIN,
    LOINC_WEIGHT,
    SCT_MAS,
    SCT_MRC,
    SCT_PAIN_NRS,
    SCT_TARDIEU,
    SIDE_OF_SCT,
    SNOMED,
    UCUM,
    extension,
    system,
)
from assess.interchange.fhir.index import BundleIndex, Item
from assess.interchange.fhir.nodes import (
    code_in,
    codes,
    extension_value,
    fail,
    get_bool,
    get_date,
    get_int,
    get_number,
    get_obj,
    get_str,
    items,
    join,
    obj,
)
from assess.interchange.fhir.origins import Origins

OBS = system("observation")
# What each Observation code is, for assess: a finding's scale, a visit's score, or a patient's.
KINDS: dict[tuple[str, str], str] = {
    (SNOMED, SCT_MAS): "mas", (SNOMED, SCT_TARDIEU): "tardieu", (SNOMED, SCT_MRC): "mrc",
    (OBS, "asas"): "asas", (OBS, "prom"): "prom", (OBS, "reflex"): "reflex", (OBS, "clonus"): "clonus",
    (OBS, "finding-note"): "note",
    (LOINC, LOINC_PAIN[0]): "pain", (SNOMED, SCT_PAIN_NRS): "pain", (OBS, "penn"): "penn", (OBS, "scats"): "scats",
    (OBS, "das"): "das", (LOINC, LOINC_GAS_PRACTITIONER[0]): "gas", (LOINC, LOINC_WEIGHT[0]): "weight",
    (OBS, "trigger"): "trigger", (OBS, "symptom"): "symptom", (OBS, "gas-t-score"): "derived",
    (OBS, "gmfcs"): "gmfcs", (LOINC, LOINC_GAS_BASELINE[0]): "baseline", (OBS, "itb-pump"): "pump",
}
FINDING_KINDS = frozenset({"mas", "tardieu", "mrc", "asas", "prom", "reflex", "clonus", "note"})
VISIT_KINDS = frozenset({"pain", "penn", "scats", "das", "gas", "weight", "trigger", "symptom", "derived"})


def observation_kind(item: Item) -> str | None:
    for found in codes(get_obj(item.resource, "code", item.path), join(item.path, "code")):
        kind = KINDS.get(found[:2])
        if kind is not None:
            return kind
    return None


def coded(concept: Any, path: str, name: str, what: str) -> tuple[str, str]:
    """The code of an assess vocabulary (or a clinic's own x- code) in a CodeableConcept."""
    found = code_in(obj(concept, path), path, system(name), CLINIC_CODE)
    if found is None:
        raise fail(path, f"no {what} coded in {system(name)}")
    return found


def degrees(d: dict[str, Any], key: str, path: str) -> float:
    """An angle: a Quantity in UCUM degrees."""
    value = get_obj(d, key, path, required=True)
    assert value is not None
    where = join(path, key)
    if value.get("system") != UCUM or value.get("code") != "deg":
        raise fail(where, "an angle is a Quantity in degrees (system http://unitsofmeasure.org, code deg)")
    return get_number(value, "value", where)


def components(resource: dict[str, Any], path: str) -> dict[str, tuple[dict[str, Any], str]]:
    """The components of an Observation by their assess code."""
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for part, where in items(resource, "component", path):
        hit = code_in(get_obj(part, "code", where, required=True), join(where, "code"), OBS)
        if hit is None:
            continue
        if hit[0] in found:
            raise fail(where, f"component {hit[0]!r} is given twice")
        found[hit[0]] = (part, where)
    return found


def body_site(item: Item) -> tuple[str, str]:
    """(muscle group, side) of a finding's Observation."""
    where = join(item.path, "bodySite")
    site = get_obj(item.resource, "bodySite", item.path, required=True)
    assert site is not None
    group, _ = coded(site, where, "muscle-group", "muscle group")
    lateral = extension_value(site, LATERALITY_EXTENSION, where, "valueCodeableConcept")
    if lateral is None:
        raise fail(where, f"no side: the extension {LATERALITY_EXTENSION} is missing")
    side = code_in(obj(lateral[0], lateral[1]), lateral[1], SNOMED)
    if side is None or SIDE_OF_SCT.get(side[0]) not in ("left", "right"):
        raise fail(lateral[1], "the side is SNOMED CT 7771000 (left) or 24028007 (right)")
    return group, SIDE_OF_SCT[side[0]]


class Visits:
    """One patient's visits as assess-record/1 objects, with their origins."""

    def __init__(self, index: BundleIndex, origins: Origins, prefix: str, goals: dict[int, str]) -> None:
        self.index, self.origins, self.prefix = index, origins, prefix
        self.goals = goals  # id(Goal resource) -> goal id
        self.visits: list[dict[str, Any]] = []
        self._by_encounter: dict[int, int] = {}
        self._findings: list[dict[tuple[str, str], int]] = []

    def encounter(self, item: Item) -> None:
        """A visit, if the Encounter has an assess visit type (an EHR's other encounters are not visits)."""
        r, path = item.resource, item.path
        kind = None
        for concept, where in items(r, "type", path):
            kind = kind or code_in(concept, where, system("visit-type"))
        if kind is None:
            return
        period = get_obj(r, "period", path, required=True)
        assert period is not None
        participants = items(r, "participant", path)
        if not participants:
            raise fail(join(path, "participant"), "no clinician: assess needs who examined the patient")
        individual = get_obj(participants[0][0], "individual", participants[0][1], required=True)
        assert individual is not None
        clinician = get_str(individual, "display", join(participants[0][1], "individual"), required=True)
        visit: dict[str, Any] = {"date": get_date(period, "start", join(path, "period")), "type": kind[0],
                                 "clinician": clinician}
        status = extension_value(r, extension("visit-status"), path, "valueCode")
        if status is not None:
            visit["status"] = status[0]
        signed = extension_value(r, extension("signed-at"), path, "valueDateTime")
        if signed is not None:
            visit["signed_at"] = signed[0]
        vpath = f"{self.prefix}.visits[{len(self.visits)}]"
        self.origins.note(vpath, path)
        self.origins.note(f"{vpath}.type", kind[1])
        self.origins.note(f"{vpath}.status", status[1] if status else path)
        self.origins.note(f"{vpath}.signed_at", signed[1] if signed else path)
        self._by_encounter[id(r)] = len(self.visits)
        self.visits.append(visit)
        self._findings.append({})

    def _visit_of(self, item: Item) -> tuple[dict[str, Any], str, int] | None:
        encounter = self.index.resolve(get_obj(item.resource, "encounter", item.path, required=True),
                                       join(item.path, "encounter"), "Encounter")
        number = self._by_encounter.get(id(encounter.resource))
        if number is None:
            return None  # an observation of an EHR encounter that is not an assess visit
        return self.visits[number], f"{self.prefix}.visits[{number}]", number

    def observation(self, item: Item, kind: str) -> None:
        found = self._visit_of(item)
        if found is None:
            return
        visit, vpath, number = found
        if kind in FINDING_KINDS:
            self._finding(item, kind, visit, vpath, number)
        elif kind != "derived":
            self._score(item, kind, visit, vpath)

    def impression(self, item: Item) -> None:
        found = self._visit_of(item)
        summary = get_str(item.resource, "summary", item.path)
        if found is None or summary is None:
            return
        visit, vpath, _ = found
        visit["notes"] = visit["notes"] + "\n\n" + summary if "notes" in visit else summary
        self.origins.note(f"{vpath}.notes", join(item.path, "summary"))

    def _finding(self, item: Item, kind: str, visit: dict[str, Any], vpath: str, number: int) -> None:
        r, path = item.resource, item.path
        group, side = body_site(item)
        known = self._findings[number]
        if (group, side) not in known:
            known[(group, side)] = len(visit.setdefault("findings", []))
            visit["findings"].append({"muscle_group": group, "side": side})
            fpath = f"{vpath}.findings[{known[(group, side)]}]"
            self.origins.note(fpath, path)
            self.origins.note(f"{fpath}.muscle_group", join(path, "bodySite"))
        fpath = f"{vpath}.findings[{known[(group, side)]}]"
        finding = visit["findings"][known[(group, side)]]
        field = {"tardieu": "tardieu", "clonus": "clonus_beats"}.get(kind, kind)
        if field in finding or (kind == "clonus" and "clonus_sustained" in finding):
            raise fail(path, f"{side} {group} has a second {kind} observation at this visit")
        if kind in ("mas", "mrc", "reflex"):
            grade, where = coded(r.get("valueCodeableConcept"), join(path, "valueCodeableConcept"),
                                 f"{kind}-grade", "grade")
            finding[kind] = grade
        elif kind == "asas":
            finding["asas"], where = get_int(r, "valueInteger", path), join(path, "valueInteger")
        elif kind == "prom":
            finding["prom"], where = degrees(r, "valueQuantity", path), join(path, "valueQuantity")
        elif kind == "note":
            finding["note"], where = get_str(r, "valueString", path, required=True), join(path, "valueString")
        elif kind == "tardieu":
            parts = components(r, path)
            tardieu: dict[str, Any] = {}
            for code, key in (("tardieu-x", "x"), ("tardieu-r1", "r1"), ("tardieu-r2", "r2")):
                if code in parts:
                    part, where = parts[code]
                    tardieu[key] = get_int(part, "valueInteger", where) if key == "x" else \
                        degrees(part, "valueQuantity", where)
                    self.origins.note(f"{fpath}.tardieu.{key}", where)
            finding["tardieu"], where = tardieu, path
        else:
            parts = components(r, path)
            if "clonus-beats" in parts:
                finding["clonus_beats"] = get_int(parts["clonus-beats"][0], "valueInteger", parts["clonus-beats"][1])
                self.origins.note(f"{fpath}.clonus_beats", parts["clonus-beats"][1])
            if "clonus-sustained" in parts:
                finding["clonus_sustained"] = get_bool(parts["clonus-sustained"][0], "valueBoolean",
                                                       parts["clonus-sustained"][1])
                self.origins.note(f"{fpath}.clonus_sustained", parts["clonus-sustained"][1])
            where = path
        self.origins.note(f"{fpath}.{field}", where)

    def _score(self, item: Item, kind: str, visit: dict[str, Any], vpath: str) -> None:
        r, path = item.resource, item.path
        scores = visit.setdefault("scores", {})
        self.origins.note(f"{vpath}.scores", path)
        if kind == "pain":
            self._once(scores, "pain_nrs", get_int(r, "valueInteger", path), join(path, "valueInteger"), vpath)
        elif kind == "weight":
            quantity = get_obj(r, "valueQuantity", path, required=True)
            assert quantity is not None
            if quantity.get("code") != "kg":
                raise fail(join(path, "valueQuantity"), "a weight is in kg (UCUM code kg)")
            self._once(visit, "weight_kg", get_number(quantity, "value", join(path, "valueQuantity")),
                       join(path, "valueQuantity"), vpath, at_visit=True)
        elif kind in ("trigger", "symptom"):
            code, where = coded(r.get("valueCodeableConcept"), join(path, "valueCodeableConcept"), kind, kind)
            visit.setdefault(f"{kind}s", []).append(code)
            self.origins.note(f"{vpath}.{kind}s[{len(visit[kind + 's']) - 1}]", where)
        elif kind == "gas":
            focus = items(r, "focus", path)
            if not focus:
                raise fail(join(path, "focus"), "a goal attainment score names its Goal in focus")
            goal = self.index.resolve(focus[0][0], focus[0][1], "Goal")
            if id(goal.resource) not in self.goals:
                raise fail(focus[0][1], "the Goal has no assess goal id")
            answer = code_in(obj(r.get("valueCodeableConcept"), join(path, "valueCodeableConcept")),
                             join(path, "valueCodeableConcept"), LOINC)
            if answer is None or answer[0] not in GAS_OF_ANSWER:
                raise fail(join(path, "valueCodeableConcept"), "not a goal attainment level of LOINC answer "
                           "list LL6900-6 (LA34484-8 ... LA34479-8)")
            visit.setdefault("goal_scores", []).append({"goal": self.goals[id(goal.resource)],
                                                        "score": GAS_OF_ANSWER[answer[0]]})
            self.origins.note(f"{vpath}.goal_scores[{len(visit['goal_scores']) - 1}]", path)
        else:
            parts = components(r, path)
            fields = {"penn": (("penn-frequency", "penn_frequency"), ("penn-severity", "penn_severity")),
                      "scats": (("scats-clonus", "clonus"), ("scats-flexor-spasm", "flexor_spasm"),
                                ("scats-extensor-spasm", "extensor_spasm")),
                      "das": (("das-hygiene", "hygiene"), ("das-dressing", "dressing"),
                              ("das-limb-position", "limb_position"), ("das-pain", "pain"))}[kind]
            target = scores if kind == "penn" else scores.setdefault(kind, {})
            spath = f"{vpath}.scores" + ("" if kind == "penn" else f".{kind}")
            if kind != "penn" and target:
                raise fail(path, f"a second {kind} observation at this visit")
            for code, key in fields:
                if code in parts:
                    self._once(target, key, get_int(parts[code][0], "valueInteger", parts[code][1]), parts[code][1],
                               spath, inside=True)

    def _once(self, target: dict[str, Any], key: str, value: Any, where: str, vpath: str, at_visit: bool = False,
              inside: bool = False) -> None:
        if key in target:
            raise fail(where, f"{key} is given twice for this visit")
        target[key] = value
        self.origins.note(f"{vpath}.{key}" if at_visit or inside else f"{vpath}.scores.{key}", where)
