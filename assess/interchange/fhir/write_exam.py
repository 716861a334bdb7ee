"""Visits as FHIR: one Encounter each, one Observation per scale per muscle group and side, the visit scores."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from assess.interchange.fhir.codes import (
    ACT_CODE,
    GAS_ANSWERS,
    LOINC,
    LOINC_GAS_PRACTITIONER,
    LOINC_PAIN,
    LOINC_WEIGHT,
    OBSERVATION_CATEGORY,
    SCT_MAS,
    SCT_MRC,
    SCT_PAIN_NRS,
    SCT_TARDIEU,
    SNOMED,
    concept,
    extension,
    shared_concept,
)
from assess.interchange.fhir.common import (
    Context,
    Entry,
    Resource,
    degrees,
    entry,
    laterality,
    moment,
    quantity,
    shared,
)
from assess.record.domain import Finding, Goal, Visit, VisitScores
from assess.scoring.gas import visit_t_score


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return shared([{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}])


EXAM = _category("exam", "Exam")
SURVEY = _category("survey", "Survey")
VITAL_SIGNS = _category("vital-signs", "Vital Signs")
AMBULATORY = shared({"system": ACT_CODE, "code": "AMB", "display": "ambulatory"})
MAS_CODE = shared({"coding": [{"system": SNOMED, "code": SCT_MAS, "display": "Modified Ashworth Scale"}]})
TARDIEU_CODE = shared({"coding": [{"system": SNOMED, "code": SCT_TARDIEU, "display": "Modified Tardieu Scale"}]})
MRC_CODE = shared({"coding": [{"system": SNOMED, "code": SCT_MRC,
                        "display": "Medical Research Council motor power scale"}]})
PAIN_CODE = shared({"coding": [{"system": LOINC, "code": LOINC_PAIN[0], "display": LOINC_PAIN[1]},
                        {"system": SNOMED, "code": SCT_PAIN_NRS, "display": "Numeric Pain Rating Scale"}]})
WEIGHT_CODE = shared({"coding": [{"system": LOINC, "code": LOINC_WEIGHT[0], "display": LOINC_WEIGHT[1]}]})
GAS_CODE = shared({"coding": [{"system": LOINC, "code": LOINC_GAS_PRACTITIONER[0],
                                "display": LOINC_GAS_PRACTITIONER[1]}]})


@functools.cache
def local(code: str) -> dict[str, Any]:
    return shared(concept("observation", code))


@functools.cache
def body_site(group: str, side: str) -> dict[str, Any]:
    return shared({**concept("muscle-group", group), "extension": laterality(side, True)})


@functools.cache
def _grade(scale: str, label: str) -> dict[str, Any]:
    return shared(concept(scale, label))


@functools.cache
def gas_answer(score: int) -> dict[str, Any]:
    code, display = GAS_ANSWERS[score]
    return shared({"coding": [{"system": LOINC, "code": code, "display": display}], "text": f"{score:+d}"})


def _component(code: str, key: str, value: Any) -> dict[str, Any]:
    return {"code": local(code), key: value}


class VisitWriter:
    """The resources of one visit; every Observation names the visit's Encounter."""

    def __init__(self, ctx: Context, visit: Visit, clinic: dict[str, str],
                 goal_urls: dict[str, list[dict[str, str]]]) -> None:
        self.ctx, self.visit = ctx, visit
        self.day = visit.date.isoformat()
        self.key = ("visit", self.day, visit.type)
        self.prefix = "/".join(self.key) + "/"
        self.encounter_url = ctx.url(*self.key)
        self.encounter = ctx.share({"reference": self.encounter_url})
        self.status = "final" if visit.status == "signed" else "preliminary"
        self.clinic = clinic
        self.goal_urls = goal_urls

    def _observation(self, key: tuple[str, ...], category: list[Any], code: dict[str, Any], **values: Any) -> Entry:
        resource: Resource = {"resourceType": "Observation", "status": self.status, "category": category,
                              "code": code, "subject": self.ctx.patient, "encounter": self.encounter,
                              "effectiveDateTime": self.day, **values}
        return {"fullUrl": self.ctx.url_of(self.prefix + "/".join(key)), "resource": resource}

    def entries(self, goals: Sequence[Goal]) -> list[Entry]:
        v = self.visit
        extensions: list[dict[str, Any]] = [{"url": extension("visit-status"), "valueCode": v.status}]
        if v.signed_at is not None:
            extensions.append({"url": extension("signed-at"), "valueDateTime": moment(v.signed_at)})
        encounter: Resource = {
            "resourceType": "Encounter", "extension": extensions, "status": "finished", "class": AMBULATORY,
            "type": [shared_concept("visit-type", v.type)], "subject": self.ctx.patient,
            "participant": [{"individual": {"display": v.clinician}}],
            "period": {"start": self.day, "end": self.day}, "serviceProvider": self.clinic}
        out = [entry(self.encounter_url, encounter)]
        for finding in v.findings:
            out += self.finding(finding)
        out += self.scores(v.scores)
        if v.weight_kg is not None:
            out.append(self._observation(("weight",), VITAL_SIGNS, WEIGHT_CODE,
                                         valueQuantity=quantity(v.weight_kg, "kg", "kg")))
        for trigger in v.triggers:
            out.append(self._observation(("trigger", trigger), EXAM, local("trigger"),
                                         valueCodeableConcept=shared_concept("trigger", trigger)))
        for symptom in v.symptoms:
            out.append(self._observation(("symptom", symptom), EXAM, local("symptom"),
                                         valueCodeableConcept=shared_concept("symptom", symptom)))
        for score in v.goal_scores:
            out.append(self._observation(("gas", score.goal), SURVEY, GAS_CODE,
                                         focus=self.goal_urls[score.goal],
                                         valueCodeableConcept=gas_answer(score.score)))
        if v.goal_scores:
            t_score = visit_t_score([g for g in goals if g.set_on <= v.date], v.date, v.goal_scores)
            if t_score is not None:
                out.append(self._observation(("gas-t-score",), SURVEY, local("gas-t-score"),
                                             valueQuantity={"value": round(t_score, 1), "unit": "T-score"}))
        if v.notes:
            out.append(entry(self.ctx.url(*self.key, "notes"), {
                "resourceType": "ClinicalImpression", "status": "completed", "subject": self.ctx.patient,
                "encounter": self.encounter, "effectiveDateTime": self.day,
                "assessor": {"display": v.clinician}, "summary": v.notes}))
        return out

    def finding(self, f: Finding) -> list[Entry]:
        site = body_site(f.muscle_group, f.side)
        where = (f.muscle_group, f.side)
        out = []
        if f.mas is not None:
            out.append(self._observation((*where, "mas"), EXAM, MAS_CODE, bodySite=site,
                                         valueCodeableConcept=_grade("mas-grade", f.mas)))
        if f.tardieu_x is not None or f.tardieu_r1 is not None or f.tardieu_r2 is not None:
            parts = []
            if f.tardieu_x is not None:
                parts.append(_component("tardieu-x", "valueInteger", f.tardieu_x))
            if f.tardieu_r1 is not None:
                parts.append(_component("tardieu-r1", "valueQuantity", degrees(f.tardieu_r1)))
            if f.tardieu_r2 is not None:
                parts.append(_component("tardieu-r2", "valueQuantity", degrees(f.tardieu_r2)))
            out.append(self._observation((*where, "tardieu"), EXAM, TARDIEU_CODE, bodySite=site, component=parts))
        if f.asas is not None:
            out.append(self._observation((*where, "asas"), EXAM, local("asas"), bodySite=site, valueInteger=f.asas))
        if f.prom is not None:
            out.append(self._observation((*where, "prom"), EXAM, local("prom"), bodySite=site,
                                         valueQuantity=degrees(f.prom)))
        if f.mrc is not None:
            out.append(self._observation((*where, "mrc"), EXAM, MRC_CODE, bodySite=site,
                                         valueCodeableConcept=_grade("mrc-grade", f.mrc)))
        if f.reflex is not None:
            out.append(self._observation((*where, "reflex"), EXAM, local("reflex"), bodySite=site,
                                         valueCodeableConcept=_grade("reflex-grade", f.reflex)))
        if f.clonus_beats is not None or f.clonus_sustained is not None:
            parts = []
            if f.clonus_beats is not None:
                parts.append(_component("clonus-beats", "valueInteger", f.clonus_beats))
            if f.clonus_sustained is not None:
                parts.append(_component("clonus-sustained", "valueBoolean", f.clonus_sustained))
            out.append(self._observation((*where, "clonus"), EXAM, local("clonus"), bodySite=site, component=parts))
        if f.note:
            out.append(self._observation((*where, "note"), EXAM, local("finding-note"), bodySite=site,
                                         valueString=f.note))
        return out

    def scores(self, s: VisitScores) -> list[Entry]:
        out = []
        if s.penn_frequency is not None:
            parts = [_component("penn-frequency", "valueInteger", s.penn_frequency)]
            if s.penn_severity is not None:
                parts.append(_component("penn-severity", "valueInteger", s.penn_severity))
            out.append(self._observation(("penn",), SURVEY, local("penn"), component=parts))
        if s.pain_nrs is not None:
            out.append(self._observation(("pain",), SURVEY, PAIN_CODE, valueInteger=s.pain_nrs))
        scats = [(code, value) for code, value in (("scats-clonus", s.scats_clonus),
                                                   ("scats-flexor-spasm", s.scats_flexor_spasm),
                                                   ("scats-extensor-spasm", s.scats_extensor_spasm))
                 if value is not None]
        if scats:
            out.append(self._observation(("scats",), EXAM, local("scats"),
                                         component=[_component(c, "valueInteger", v) for c, v in scats]))
        das = [(f"das-{field.removeprefix('das_').replace('_', '-')}", getattr(s, field)) for field in s.DAS_FIELDS
               if getattr(s, field) is not None]
        if das:
            resource: dict[str, Any] = {"valueInteger": s.das_total,
                                        "component": [_component(c, "valueInteger", v) for c, v in das]}
            out.append(self._observation(("das",), SURVEY, local("das"), **resource))
        return out
