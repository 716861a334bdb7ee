"""Records as a FHIR R4 collection Bundle for the referring EHR: who the patient is, their goals, visits,
treatments and the latest letter (docs/fhir.md has the mapping)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from assess.interchange.fhir.codes import (
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    GAS_ANSWERS,
    GOAL_ID_SYSTEM,
    LOINC,
    LOINC_CONSULT_NOTE,
    LOINC_GAS_BASELINE,
    MRN_SYSTEM,
    SCT_CEREBRAL_PALSY,
    SNOMED,
    V2_0203,
    concept,
    extension,
)
from assess.interchange.fhir.common import (
    Context,
    Entry,
    Resource,
    encode,
    encode_entry,
    entry,
    moment,
    note,
    put,
    shared_url,
)
from assess.interchange.fhir.write_care import CareWriter
from assess.interchange.fhir.write_exam import SURVEY, VisitWriter, gas_answer, local
from assess.record.domain import Contact, Goal, PatientRecord
from assess.record.labels import words
from assess.scoring.order import canonical_record

assert set(GAS_ANSWERS) == {-2, -1, 0, 1, 2}


@dataclass(frozen=True)
class Sender:
    """The clinic that writes the Bundle (its letterhead) and how it names its patients' MRNs."""

    name: str
    address: str = ""
    phone: str = ""
    fax: str = ""
    mrn_system: str = MRN_SYSTEM


@dataclass(frozen=True)
class Letter:
    """The letter to the primary care doctor as a PDF, about one visit."""

    pdf: bytes
    visit_date: dt.date
    visit_type: str
    title: str
    created: dt.datetime
    final: bool = True


@dataclass
class _Patient:
    record: PatientRecord
    sender: Sender
    clinic: dict[str, str]
    today: dt.date
    letter: Letter | None = None
    ctx: Context = field(init=False)

    def __post_init__(self) -> None:
        self.ctx = Context(self.record.mrn)


def _telecom(phone: str | None, fax: str | None, email: str | None) -> list[dict[str, str]] | None:
    telecom = [{"system": kind, "value": value} for kind, value in (("phone", phone), ("fax", fax), ("email", email))
               if value]
    return telecom or None


def clinic_entry(sender: Sender) -> Entry:
    resource: Resource = {"resourceType": "Organization", "name": sender.name}
    put(resource, "telecom", _telecom(sender.phone, sender.fax, None))
    put(resource, "address", [{"text": sender.address}] if sender.address else None)
    return entry(shared_url("clinic", sender.name), resource)


def _primary_care(p: _Patient, contact: Contact) -> tuple[list[dict[str, str]], list[Entry]]:
    url = p.ctx.url("primary-care")
    doctor: Resource = {"resourceType": "Practitioner", "name": [{"text": contact.name}]}
    put(doctor, "telecom", _telecom(contact.phone, contact.fax, contact.email))
    put(doctor, "address", [{"text": contact.address}] if contact.address else None)
    refs, out = [{"reference": url}], [entry(url, doctor)]
    if contact.practice:
        practice_url = p.ctx.url("primary-care", "practice")
        refs.append({"reference": practice_url})
        out.append(entry(practice_url, {"resourceType": "Organization", "name": contact.practice}))
    return refs, out


def _who(p: _Patient) -> list[Entry]:
    r = p.record
    patient: Resource = {
        "resourceType": "Patient",
        "identifier": [{"use": "usual", "type": {"coding": [{"system": V2_0203, "code": "MR",
                                                             "display": "Medical record number"}]},
                        "system": p.sender.mrn_system, "value": r.mrn}],
        "name": [{"use": "official", "family": r.family_name, "given": [r.given_name]}],
        "gender": r.sex, "birthDate": r.birth_date.isoformat(), "managingOrganization": p.clinic}
    out = [entry(p.ctx.patient_url, patient)]
    if r.primary_care is not None:
        patient["generalPractitioner"], doctors = _primary_care(p, r.primary_care)
        out += doctors
    diagnosis = concept("diagnosis", r.diagnosis)
    if r.diagnosis == "cerebral_palsy":
        diagnosis["coding"].append({"system": SNOMED, "code": SCT_CEREBRAL_PALSY, "display": "Cerebral palsy"})
    diagnosis["text"] = words(r.diagnosis)
    condition: Resource = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "code": diagnosis, "subject": p.ctx.patient}
    put(condition, "note", note(r.diagnosis_note))
    out.append(entry(p.ctx.url("diagnosis"), condition))
    if r.gmfcs:
        out.append(entry(p.ctx.url("gmfcs"), {
            "resourceType": "Observation", "status": "final", "category": SURVEY, "code": local("gmfcs"),
            "subject": p.ctx.patient, "valueCodeableConcept": concept("gmfcs-level", r.gmfcs)}))
    return out


def _goal(p: _Patient, goal: Goal, focus: list[dict[str, str]]) -> list[Entry]:
    url = focus[0]["reference"]
    resource: Resource = {"resourceType": "Goal", "identifier": [{"system": GOAL_ID_SYSTEM, "value": goal.id}],
                          "lifecycleStatus": "active", "description": {"text": goal.text},
                          "subject": p.ctx.patient, "startDate": goal.set_on.isoformat()}
    weights = [{"url": extension(f"goal-{name}"), "valueInteger": value}
               for name, value in (("importance", goal.importance), ("difficulty", goal.difficulty))
               if value is not None]
    if weights:
        resource["extension"] = weights
    baseline = {"resourceType": "Observation", "status": "final", "category": SURVEY,
                "code": {"coding": [{"system": LOINC, "code": LOINC_GAS_BASELINE[0],
                                     "display": LOINC_GAS_BASELINE[1]}]},
                "subject": p.ctx.patient, "focus": focus,
                "effectiveDateTime": goal.set_on.isoformat(), "valueCodeableConcept": gas_answer(goal.baseline)}
    return [entry(url, resource), entry(p.ctx.url("goal", goal.id, "baseline"), baseline)]


def _letter(p: _Patient, letter: Letter) -> Entry:
    encounter = p.ctx.url("visit", letter.visit_date.isoformat(), letter.visit_type)
    return entry(p.ctx.url("letter", letter.visit_date.isoformat(), letter.visit_type), {
        "resourceType": "DocumentReference", "status": "current",
        "docStatus": "final" if letter.final else "preliminary",
        "type": {"coding": [{"system": LOINC, "code": LOINC_CONSULT_NOTE[0], "display": LOINC_CONSULT_NOTE[1]}]},
        "subject": p.ctx.patient, "date": moment(letter.created), "author": [p.clinic],
        "description": letter.title,
        "content": [{"attachment": {"contentType": "application/pdf", "language": "en",
                                    "data": base64.b64encode(letter.pdf).decode("ascii"),
                                    "title": f"{letter.title}.pdf", "creation": moment(letter.created)}}],
        "context": {"encounter": [{"reference": encounter}]}})


def patient_entries(record: PatientRecord, sender: Sender, today: dt.date, letter: Letter | None = None) -> list[Entry]:
    """Every resource of one patient, in the order of the record: who, goals, visits, treatments, letter."""
    return _patient(record, sender, today, letter)[0]


def _patient(record: PatientRecord, sender: Sender, today: dt.date, letter: Letter | None) -> tuple[list[Entry],
                                                                                                      Context]:
    p = _Patient(canonical_record(record), sender, {"reference": shared_url("clinic", sender.name)}, today, letter)
    p.clinic = p.ctx.share(p.clinic)
    out = _who(p)
    focus = {g.id: p.ctx.share([{"reference": p.ctx.url("goal", g.id)}]) for g in p.record.goals}
    for goal in p.record.goals:
        out += _goal(p, goal, focus[goal.id])
    for visit in p.record.visits:
        out += VisitWriter(p.ctx, visit, p.clinic, focus).entries(p.record.goals)
    care = CareWriter(p.ctx, today)
    for treatment in p.record.treatments:
        out += care.entries(treatment)
    if letter is not None:
        out.append(_letter(p, letter))
    return out, p.ctx


def _header(sender: Sender, timestamp: dt.datetime) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "timestamp": moment(timestamp)}


def write_bundle(records: Iterable[PatientRecord], sender: Sender, timestamp: dt.datetime,
                 letters: dict[str, Letter] | None = None) -> dict[str, Any]:
    """The Bundle as one dict (for a patient or a few; bundle_chunks streams a whole clinic)."""
    letters = letters or {}
    bundle = _header(sender, timestamp)
    bundle["entry"] = [clinic_entry(sender)]
    for record in records:
        bundle["entry"] += patient_entries(record, sender, timestamp.date(), letters.get(record.mrn))
    return bundle


def bundle_chunks(records: Iterable[PatientRecord], sender: Sender, timestamp: dt.datetime,
                  letters: dict[str, Letter] | None = None) -> Iterator[bytes]:
    """The Bundle as compact UTF-8 JSON in pieces, a patient at a time: a clinic's export is never held
    whole as objects (a thousand patients make about 300,000 resources)."""
    letters = letters or {}
    header = encode(_header(sender, timestamp))
    yield (header[:-1] + ',"entry":[' + encode_entry(clinic_entry(sender))).encode("utf-8")
    for record in records:
        entries, ctx = _patient(record, sender, timestamp.date(), letters.get(record.mrn))
        yield ("," + ",".join([encode_entry(e, ctx.known) for e in entries])).encode("utf-8")
    yield b"]}\n"
