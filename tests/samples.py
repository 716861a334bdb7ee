"""Hand-made assess-record/1 documents for the tests: one child with toxin cycles, one pump patient."""

from __future__ import annotations

import copy
from typing import Any

_CHILD: dict[str, Any] = {
    "mrn": "LB-100234",
    "family_name": "Müller",
    "given_name": "Zoë",
    "birth_date": "2017-03-02",
    "sex": "female",
    "diagnosis": "cerebral_palsy",
    "diagnosis_note": "spastic diplegia",
    "gmfcs": "III",
    "primary_care": {"name": "Dr A. Rao", "practice": "Elm Street Practice", "phone": "555-0100",
                     "fax": "555-0101"},
    "goals": [
        {"id": "walk", "text": "Walks 10 m with a walker", "set_on": "2025-03-02", "importance": 2,
         "difficulty": 2, "baseline": -1},
        {"id": "shoes", "text": "Puts on shoes with help", "set_on": "2025-03-02", "baseline": -2},
    ],
    "visits": [
        {"date": "2025-03-02", "type": "initial", "clinician": "Dr K. Osei", "status": "signed",
         "signed_at": "2025-03-02T11:30:00Z", "weight_kg": 22.6,
         "findings": [
             {"muscle_group": "hip_adductors", "side": "left", "mas": "1+"},
             {"muscle_group": "hip_adductors", "side": "right", "mas": "2"},
             {"muscle_group": "plantarflexors_knee_extended", "side": "left", "mas": "3",
              "tardieu": {"x": 2, "r1": -15, "r2": 5}, "prom": 5},
             {"muscle_group": "plantarflexors_knee_extended", "side": "right", "mas": "2",
              "tardieu": {"x": 2, "r1": -5, "r2": 10}},
         ],
         "scores": {"penn_frequency": 2, "penn_severity": 1, "pain_nrs": 3},
         "symptoms": ["stiffness", "leg_crossing"],
         "goal_scores": [{"goal": "walk", "score": -1}, {"goal": "shoes", "score": -2}]},
        {"date": "2025-06-09", "type": "post_injection_review", "clinician": "Dr K. Osei", "weight_kg": 23.1,
         "findings": [
             {"muscle_group": "plantarflexors_knee_extended", "side": "left", "mas": "1+",
              "tardieu": {"x": 1, "r1": 0, "r2": 10.5}},
             {"muscle_group": "plantarflexors_knee_extended", "side": "right", "mas": "1"},
         ],
         "scores": {"penn_frequency": 1, "penn_severity": 1, "pain_nrs": 1,
                    "das": {"hygiene": 1, "dressing": 2, "limb_position": 1, "pain": 0}},
         "goal_scores": [{"goal": "walk", "score": 0}, {"goal": "shoes", "score": -1}],
         "notes": "Good response to injections."},
    ],
    "treatments": [
        {"kind": "oral_medication", "drug": "baclofen", "dose_mg_per_day": 15, "start": "2024-09-01",
         "stop": "2025-03-01"},
        {"kind": "oral_medication", "drug": "baclofen", "dose_mg_per_day": 20, "start": "2025-03-01"},
        {"kind": "botulinum_toxin", "date": "2025-03-10", "product": "onabotulinumtoxinA",
         "dilution_units_per_ml": 50, "lot": "C1234", "guidance": "ultrasound",
         "injections": [
             {"muscle": "gastrocnemius_medial", "side": "left", "units": 40, "sites": 2},
             {"muscle": "gastrocnemius_lateral", "side": "left", "units": 30, "sites": 1},
             {"muscle": "gastrocnemius_medial", "side": "right", "units": 30, "sites": 2},
         ]},
        {"kind": "orthosis", "orthosis": "serial_casting", "body_region": "ankle", "side": "left",
         "start": "2025-03-17", "end": "2025-04-14"},
        {"kind": "therapy", "therapy": "physical", "start": "2025-03-17", "sessions_per_week": 2},
    ],
}

_PUMP: dict[str, Any] = {
    "mrn": "ITB-7",
    "family_name": "Núñez",
    "given_name": "José",
    "birth_date": "1979-11-20",
    "sex": "male",
    "diagnosis": "spinal_cord_injury",
    "visits": [
        {"date": "2024-01-15", "type": "itb_refill", "clinician": "Dr L. Chen",
         "findings": [{"muscle_group": "knee_extensors", "side": "left", "mas": "2", "clonus_beats": 4,
                       "clonus_sustained": False, "reflex": "3+", "mrc": "4-"}],
         "scores": {"penn_frequency": 0, "scats": {"clonus": 1, "flexor_spasm": 0, "extensor_spasm": 2}},
         "triggers": ["constipation", "x-new_wheelchair"]},
    ],
    "treatments": [
        {"kind": "itb_pump", "event": "implant", "date": "2023-05-02", "pump_model": "SynchroMed II",
         "reservoir_ml": 20, "volume_ml": 20, "concentration_mcg_per_ml": 500, "dose_mcg_per_day": 150},
        {"kind": "itb_pump", "event": "refill", "date": "2024-01-15", "volume_ml": 19.5,
         "concentration_mcg_per_ml": 500, "dose_mcg_per_day": 180},
        {"kind": "sdr", "date": "1990-01-01", "levels": "L2-S1", "rootlets_cut_percent": 50},
        {"kind": "surgery", "date": "2022-02-02", "procedure": "Achilles tendon lengthening", "side": "both"},
    ],
}


def document(*patients: dict[str, Any]) -> dict[str, Any]:
    return {"format": "assess-record/1", "patients": [copy.deepcopy(p) for p in patients]}


def child() -> dict[str, Any]:
    return copy.deepcopy(_CHILD)


def pump_patient() -> dict[str, Any]:
    return copy.deepcopy(_PUMP)


def sample_document() -> dict[str, Any]:
    return document(_CHILD, _PUMP)
