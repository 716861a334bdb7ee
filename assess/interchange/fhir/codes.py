"""The codes of the FHIR export: standard systems, assess's own CodeSystems, extensions (docs/fhir.md)."""

from __future__ import annotations

import functools
from typing import Any

from assess.record.domain import (
    DIAGNOSES,
    DRUGS,
    GUIDANCE,
    ORTHOSES,
    PUMP_EVENTS,
    SYMPTOMS,
    THERAPIES,
    TOXIN_PRODUCTS,
    TREATMENT_KINDS,
    TRIGGERS,
    VISIT_TYPES,
)
from assess.record.labels import words
from assess.scoring.muscles import MUSCLE_GROUPS, MUSCLES
from assess.scoring.scales import GMFCS, MAS, MRC, REFLEX, OrdinalScale

# assess has no web home: its canonical base sits under a domain reserved for examples (RFC 2606), so it
# never claims anyone else's namespace. The CodeSystems are published in docs/fhir/assess-codesystems.json.
BASE = "https://assess.example.org/fhir"
VERSION = "1.0.0"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
LATERALITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/observation-structureLaterality"

MRN_SYSTEM = f"{BASE}/mrn"  # the default; a clinic names its own with --mrn-system
GOAL_ID_SYSTEM = f"{BASE}/goal-id"
CLINIC_CODE = f"{BASE}/CodeSystem/clinic-code"  # a clinic's own x- codes: kept as they came


def system(name: str) -> str:
    return f"{BASE}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"


# Standard codes, each with its source in docs/fhir.md ("Codes and their sources").
SCT_MAS = "765771006"
SCT_TARDIEU = "1290510006"
SCT_MRC = "273599009"
SCT_PAIN_NRS = "1284852002"
SCT_TOXIN_INJECTION = "442695005"
SCT_CEREBRAL_PALSY = "128188000"
SCT_SIDES = {"left": ("7771000", "Left"), "right": ("24028007", "Right"), "both": ("51440002", "Right and left")}
SIDE_OF_SCT = {code: side for side, (code, _) in SCT_SIDES.items()}
SCT_ROUTE_IM = ("78421000", "Intramuscular route")
SCT_ROUTE_ORAL = ("26643006", "Oral route")
SCT_ROUTE_INTRATHECAL = ("72607000", "Intrathecal route")
LOINC_PAIN = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
LOINC_WEIGHT = ("29463-7", "Body weight")
LOINC_GAS_BASELINE = ("112296-9", "Goal attainment scale GAS baseline")
LOINC_GAS_PRACTITIONER = ("107333-7", "Practitioner follow-up goal attainment scaling score")
LOINC_CONSULT_NOTE = ("11488-4", "Consult note")
# LOINC answer list LL6900-6 (Goal attainment scaling), as the HL7 Person-Centered Outcomes guide uses it.
GAS_ANSWERS = {-2: ("LA34484-8", "Much less than expected"), -1: ("LA34483-0", "Less than expected"),
               0: ("LA34481-4", "Expected outcome"), 1: ("LA34480-6", "Better than expected"),
               2: ("LA34479-8", "Much better than expected")}
GAS_OF_ANSWER = {code: score for score, (code, _) in GAS_ANSWERS.items()}

# Observations assess defines itself (no standard code was found; docs/fhir.md says where we looked).
OBSERVABLES: tuple[tuple[str, str, str], ...] = (
    ("asas", "Australian Spasticity Assessment Scale", "Grade 0-4 on rapid passive movement (Love 2016)."),
    ("prom", "Passive range of motion", "End angle of passive movement, degrees (assess angle convention)."),
    ("reflex", "Tendon reflex grade", "NINDS myotatic reflex scale: 0, 1+, 2+, 3+, 4+."),
    ("clonus", "Clonus", "Beats of clonus after a brisk stretch, and whether it was sustained."),
    ("clonus-beats", "Clonus beats", "Number of beats counted."),
    ("clonus-sustained", "Clonus sustained", "Clonus did not stop while the stretch was held."),
    ("finding-note", "Examination note", "Free text about one muscle group on one side at one visit."),
    ("tardieu-x", "Tardieu quality of muscle reaction (X)", "0-5 at fast velocity V3."),
    ("tardieu-r1", "Tardieu R1", "Angle of catch at fast velocity V3, degrees."),
    ("tardieu-r2", "Tardieu R2", "Full passive range at slow velocity V1, degrees."),
    ("penn", "Penn Spasm Frequency Scale", "Frequency 0-4 and, when above 0, severity 1-3 (Penn 1989)."),
    ("penn-frequency", "Penn spasm frequency", "0 none to 4 more than ten an hour."),
    ("penn-severity", "Penn spasm severity", "1 mild, 2 moderate, 3 severe."),
    ("scats", "Spinal Cord Assessment Tool for Spastic reflexes", "Clonus, flexor and extensor spasm, 0-3 each."),
    ("scats-clonus", "SCATS clonus", "0-3."),
    ("scats-flexor-spasm", "SCATS flexor spasm", "0-3."),
    ("scats-extensor-spasm", "SCATS extensor spasm", "0-3."),
    ("das", "Disability Assessment Scale", "Total 0-12 of the domains scored (Brashear 2002)."),
    ("das-hygiene", "DAS hygiene", "0 none to 3 severe."),
    ("das-dressing", "DAS dressing", "0 none to 3 severe."),
    ("das-limb-position", "DAS limb position", "0 none to 3 severe."),
    ("das-pain", "DAS pain", "0 none to 3 severe."),
    ("gmfcs", "Gross Motor Function Classification System E&R level", "Level I to V (Palisano 2007)."),
    ("gas-t-score", "GAS T-score", "Derived: T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²), ρ = 0.3 (Turner-Stokes 2009)."),
    ("trigger", "Trigger of spasticity found", "A trigger looked for and found at the visit."),
    ("symptom", "Symptom of spasticity", "A symptom reported at the visit."),
    ("itb-pump", "Intrathecal baclofen pump settings", "The numbers of one pump event."),
    ("itb-reservoir-volume", "Pump reservoir volume", "mL."),
    ("itb-refill-volume", "Volume filled", "mL."),
    ("itb-concentration", "Baclofen concentration", "µg/mL."),
    ("itb-daily-dose", "Daily dose", "µg/day."),
    ("itb-bolus", "Bolus", "µg."),
)


def _grades(scale: OrdinalScale) -> list[tuple[str, str, str]]:
    return [(g.label, g.label, g.meaning) for g in scale.grades]


def _plain(codes: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return [(c, words(c), "") for c in codes]


@functools.cache
def vocabularies() -> dict[str, tuple[str, list[tuple[str, str, str]]]]:
    """Each assess CodeSystem by name: its title and its concepts (code, display, definition)."""
    return {
        "mas-grade": ("Modified Ashworth Scale grade (1+ is a grade of its own, never 1.5)", _grades(MAS)),
        "mrc-grade": ("Medical Research Council strength grade, with 4- and 4+", _grades(MRC)),
        "reflex-grade": ("Tendon reflex grade (NINDS)", _grades(REFLEX)),
        "gmfcs-level": ("GMFCS E&R level", _grades(GMFCS)),
        "muscle-group": ("Muscle group: the joint movement the spastic muscles resist",
                         [(g.code, g.name, "") for g in MUSCLE_GROUPS]),
        "muscle": ("Injected muscle", [(m.code, m.name, "Shows its effect in: " + ", ".join(m.groups))
                                       for m in MUSCLES]),
        "observation": ("Observations assess defines", list(OBSERVABLES)),
        "diagnosis": ("Cause of spasticity", _plain(DIAGNOSES)),
        "visit-type": ("Visit type", _plain(VISIT_TYPES)),
        "trigger": ("Trigger of spasticity", _plain(TRIGGERS)),
        "symptom": ("Symptom of spasticity", _plain(SYMPTOMS)),
        "treatment-kind": ("Kind of treatment", _plain(TREATMENT_KINDS)),
        "toxin-product": ("Botulinum toxin product (units are not interchangeable between products)",
                          [(p, words(p), "") for p in TOXIN_PRODUCTS]),
        "drug": ("Oral antispasticity drug", _plain(DRUGS)),
        "pump-event": ("Intrathecal baclofen pump event", _plain(PUMP_EVENTS)),
        "therapy": ("Therapy", _plain(THERAPIES)),
        "orthosis": ("Orthosis", _plain(ORTHOSES)),
        "guidance": ("Injection guidance", _plain(GUIDANCE)),
    }


@functools.cache
def displays(name: str) -> dict[str, str]:
    return {code: display for code, display, _ in vocabularies()[name][1]}


def coding(name: str, code: str) -> dict[str, Any]:
    """A Coding in an assess CodeSystem; a clinic's own x- code goes to the clinic-code system as it came."""
    if code.startswith("x-"):
        return {"system": CLINIC_CODE, "code": code, "display": words(code)}
    return {"system": system(name), "code": code, "display": displays(name).get(code, code)}


def concept(name: str, code: str) -> dict[str, Any]:
    return {"coding": [coding(name, code)]}


@functools.cache
def shared_concept(name: str, code: str) -> dict[str, Any]:
    """concept() for the codes written again and again (a visit type, a trigger): never to be changed."""
    from assess.interchange.fhir.common import shared

    return shared(concept(name, code))


def code_system(name: str) -> dict[str, Any]:
    """One assess CodeSystem as a FHIR R4 resource."""
    title, concepts = vocabularies()[name]
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem", "id": f"assess-{name}", "url": system(name), "version": VERSION,
        "name": "Assess" + "".join(part.capitalize() for part in name.split("-")), "title": title,
        "status": "active", "experimental": False, "publisher": "assess", "caseSensitive": True,
        "content": "complete", "count": len(concepts),
        "concept": [{"code": c, "display": d, **({"definition": text} if text else {})} for c, d, text in concepts],
    }
    return resource


def code_systems_bundle() -> dict[str, Any]:
    """Every assess CodeSystem, plus the clinic-code system (content not present), as one collection Bundle."""
    resources = [code_system(name) for name in vocabularies()]
    resources.append({"resourceType": "CodeSystem", "id": "assess-clinic-code", "url": CLINIC_CODE,
                      "version": VERSION, "name": "AssessClinicCode", "title": "A clinic's own codes (x-...)",
                      "status": "active", "experimental": False, "publisher": "assess", "caseSensitive": True,
                      "content": "not-present"})
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": r["url"], "resource": r} for r in resources]}
