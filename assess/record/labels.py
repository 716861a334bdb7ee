"""Words for the format's codes, as a clinician reads them (shared by window, command line, report)."""

from __future__ import annotations

_WORDS: dict[str, str] = {
    # diagnoses
    "cerebral_palsy": "cerebral palsy", "brain_injury": "brain injury", "stroke": "stroke",
    "spinal_cord_injury": "spinal cord injury", "multiple_sclerosis": "multiple sclerosis", "other": "other",
    # visit types
    "initial": "initial visit", "follow_up": "follow-up", "post_injection_review": "post-injection review",
    "post_op_3_months": "3 months after surgery", "post_op_6_months": "6 months after surgery",
    "post_op_12_months": "12 months after surgery", "itb_refill": "pump refill visit", "dosing": "dosing visit",
    # treatments
    "therapy": "therapy", "orthosis": "orthosis", "oral_medication": "oral medication",
    "botulinum_toxin": "botulinum toxin", "itb_pump": "intrathecal baclofen pump",
    "sdr": "selective dorsal rhizotomy", "surgery": "surgery",
    "onabotulinumtoxinA": "onabotulinumtoxinA (Botox)", "abobotulinumtoxinA": "abobotulinumtoxinA (Dysport)",
    "incobotulinumtoxinA": "incobotulinumtoxinA (Xeomin)", "rimabotulinumtoxinB": "rimabotulinumtoxinB (Myobloc)",
    "screening": "screening", "implant": "implant", "dose_change": "dose change", "refill": "refill",
    "explant": "explant", "physical": "physiotherapy", "occupational": "occupational therapy",
    "cast": "cast", "serial_casting": "serial casting", "brace": "brace", "splint": "splint",
    "ultrasound": "ultrasound", "emg": "EMG", "electrical_stimulation": "electrical stimulation",
    "palpation": "palpation",
    # triggers and symptoms
    "uti": "urinary tract infection", "urinary_retention": "urinary retention", "constipation": "constipation",
    "pressure_sore": "pressure sore", "ingrown_toenail": "ingrown toenail", "infection": "infection",
    "fever": "fever", "pain": "pain", "tight_clothing_or_orthosis": "tight clothing or orthosis",
    "fracture": "fracture", "ms_relapse": "MS relapse", "menstruation": "menstruation", "fatigue": "fatigue",
    "stress": "stress", "cold": "cold", "itb_pump_problem": "pump or catheter problem",
    "leg_crossing": "leg crossing (scissoring)", "joint_deformity": "joint deformity", "stiffness": "stiffness",
    "spasms": "spasms", "muscle_fatigue": "muscle fatigue", "joint_pain": "joint pain",
    "frozen_joint": "frozen joint",
    "left": "left", "right": "right", "both": "both sides",
    "draft": "draft", "signed": "signed",
}


def words(code: str) -> str:
    """'post_op_3_months' -> '3 months after surgery'; a clinic's x- code is shown as its words."""
    if code in _WORDS:
        return _WORDS[code]
    return code.removeprefix("x-").replace("_", " ")


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 patient', '3 patients'."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
