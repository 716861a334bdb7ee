"""Reads a FHIR R4 Bundle into records: patients from a referral (Patient resources), and whatever of an assess
export it holds. The Bundle becomes an assess-record/1 document checked by the one import validator; an
error names the FHIR JSON path it came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assess.interchange.fhir.codes import (
    CLINIC_CODE,
    GAS_OF_ANSWER,
    GOAL_ID_SYSTEM,
    MRN_SYSTEM,
    SCT_CEREBRAL_PALSY,
    SNOMED,
    V2_0203,
    extension,
    system,
)
from assess.interchange.fhir.index import BundleIndex, Item
from assess.interchange.fhir.nodes import (
    code_in,
    codes,
    extension_value,
    fail,
    get_date,
    get_int,
    get_obj,
    get_str,
    items,
    join,
    obj,
    texts,
)
from assess.interchange.fhir.origins import Origins
from assess.interchange.fhir.read_care import Care
from assess.interchange.fhir.read_exam import FINDING_KINDS, VISIT_KINDS, Visits, observation_kind
from assess.interchange.read import read_document
from assess.interchange.schema import FORMAT
from assess.record.domain import SEXES, PatientRecord
from assess.record.errors import RecordError

_SNOMED_DIAGNOSES = {SCT_CEREBRAL_PALSY: "cerebral_palsy"}


def _mrn(patient: Item, mrn_system: str) -> tuple[str, str]:
    """The medical record number: the identifier of the clinic's MRN system, else the one identifier typed MR."""
    typed = []
    for identifier, where in items(patient.resource, "identifier", patient.path):
        if identifier.get("system") == mrn_system:
            return get_str(identifier, "value", where, required=True) or "", join(where, "value")
        if any(c[:2] == (V2_0203, "MR") for c in codes(get_obj(identifier, "type", where), join(where, "type"))):
            typed.append((identifier, where))
    if len(typed) == 1:
        identifier, where = typed[0]
        return get_str(identifier, "value", where, required=True) or "", join(where, "value")
    what = "several identifiers of type MR and none" if typed else "no identifier"
    raise fail(join(patient.path, "identifier"), f"{what} of the clinic's system {mrn_system}: assess needs "
               "the patient's medical record number")


def _name(patient: Item) -> tuple[str, str, str]:
    names = items(patient.resource, "name", patient.path)
    if not names:
        raise fail(join(patient.path, "name"), "is missing: assess needs the patient's family and given names")
    name, where = next(((n, w) for n, w in names if n.get("use") == "official"), names[0])
    family = get_str(name, "family", where, required=True)
    given = texts(name, "given", where)
    if not given:
        raise fail(join(where, "given"), "is missing: assess needs the patient's given name")
    return family or "", " ".join(given), where


def _contact(index: BundleIndex, patient: Item) -> dict[str, Any] | None:
    doctor: dict[str, Any] | None = None
    practice = None
    for ref, where in items(patient.resource, "generalPractitioner", patient.path):
        found = index.resolve(ref, where, "Practitioner", "Organization", "PractitionerRole")
        r, path = found.resource, found.path
        if found.type == "Organization":
            practice = practice or get_str(r, "name", path)
            continue
        if found.type != "Practitioner" or doctor is not None:
            continue
        names = items(r, "name", path)
        if not names:
            raise fail(join(path, "name"), "the primary care doctor has no name")
        name, npath = names[0]
        text = get_str(name, "text", npath)
        if text is None:
            parts = [p for p in (*name.get("prefix", []), *name.get("given", []), name.get("family"))
                     if type(p) is str and p]
            text = " ".join(parts)
        if not text:
            raise fail(npath, "the primary care doctor's name has neither text nor parts")
        doctor = {"name": text}
        for telecom, tpath in items(r, "telecom", path):
            kind, value = telecom.get("system"), get_str(telecom, "value", tpath)
            if kind in ("phone", "fax", "email") and value and kind not in doctor:
                doctor[kind] = value
        addresses = items(r, "address", path)
        if addresses:
            address, apath = addresses[0]
            text = get_str(address, "text", apath)
            lines = [] if text else [*texts(address, "line", apath), *(x for x in (
                get_str(address, "city", apath), get_str(address, "postalCode", apath)) if x)]
            if text or lines:
                doctor["address"] = text or ", ".join(lines)
    if doctor is not None and practice:
        doctor["practice"] = practice
    return doctor


class _Reader:
    def __init__(self, bundle: Any, mrn_system: str) -> None:
        self.index = BundleIndex(bundle)
        self.index.group_by_patient()
        self.mrn_system = mrn_system
        self.origins = Origins()

    def patient(self, number: int, patient: Item) -> dict[str, Any]:
        prefix = f"patients[{number}]"
        note = self.origins.note
        note(prefix, patient.path)
        r = patient.resource
        mrn, mrn_path = _mrn(patient, self.mrn_system)
        family, given, name_path = _name(patient)
        sex = r.get("gender", "unknown")
        if sex not in SEXES:
            raise fail(join(patient.path, "gender"), f"{sex!r} is not one of {', '.join(SEXES)}")
        out: dict[str, Any] = {"mrn": mrn, "family_name": family, "given_name": given,
                               "birth_date": get_date(r, "birthDate", patient.path), "sex": sex}
        for key, where in (("mrn", mrn_path), ("family_name", name_path), ("given_name", name_path),
                           ("birth_date", join(patient.path, "birthDate")), ("sex", join(patient.path, "gender"))):
            note(f"{prefix}.{key}", where)
        mine = self.index.of_patient[id(r)]
        self._diagnosis(out, mine.get("Condition", []), prefix)
        contact = _contact(self.index, patient)
        if contact is not None:
            out["primary_care"] = contact
            note(f"{prefix}.primary_care", join(patient.path, "generalPractitioner"))
        goals = self._goals(out, mine.get("Goal", []), prefix)
        visits = Visits(self.index, self.origins, prefix, goals)
        for item in mine.get("Encounter", []):
            visits.encounter(item)
        care = Care(self.index, self.origins, prefix)
        for item in mine.get("Procedure", []):
            care.procedure(item)
        for item in mine.get("MedicationAdministration", []):
            care.administration(item)
        for item in mine.get("MedicationStatement", []):
            care.statement(item)
        for item in mine.get("Observation", []):
            kind = observation_kind(item)
            if kind in FINDING_KINDS or kind in VISIT_KINDS:
                visits.observation(item, kind)
            elif kind == "gmfcs":
                value = join(item.path, "valueCodeableConcept")
                level = code_in(obj(item.resource.get("valueCodeableConcept"), value), value, system("gmfcs-level"))
                if level is None:
                    raise fail(value, "no GMFCS level (I to V)")
                out["gmfcs"] = level[0]
                note(f"{prefix}.gmfcs", level[1])
            elif kind == "pump":
                care.pump_settings(item)
        for item in mine.get("ClinicalImpression", []):
            visits.impression(item)
        if out.get("goals"):
            self._baselines(out, mine.get("Observation", []), goals, prefix)
        if visits.visits:
            out["visits"] = visits.visits
        if care.treatments:
            out["treatments"] = care.treatments
        return out

    def _diagnosis(self, out: dict[str, Any], conditions: list[Item], prefix: str) -> None:
        """The cause of spasticity: an assess diagnosis code, else a SNOMED CT code assess maps, else 'other'
        with the referral's words for it."""
        words = None
        for item in conditions:
            code = get_obj(item.resource, "code", item.path)
            where = join(item.path, "code")
            found = code_in(code, where, system("diagnosis"), CLINIC_CODE)
            mapped = code_in(code, where, SNOMED)
            diagnosis = found[0] if found else _SNOMED_DIAGNOSES.get(mapped[0]) if mapped else None
            if diagnosis is not None:
                out["diagnosis"] = diagnosis
                self.origins.note(f"{prefix}.diagnosis", where)
                notes = [get_str(n, "text", w, required=True) for n, w in items(item.resource, "note", item.path)]
                if notes:
                    out["diagnosis_note"] = "\n\n".join(n for n in notes if n)
                return
            if words is None and code is not None:
                words = get_str(code, "text", where) or next(
                    (c.get("display") for c, _ in items(code, "coding", where) if type(c.get("display")) is str), None)
        out["diagnosis"] = "other"
        if words:
            out["diagnosis_note"] = words

    def _goals(self, out: dict[str, Any], goals: list[Item], prefix: str) -> dict[int, str]:
        ids: dict[int, str] = {}
        for item in goals:
            r, path = item.resource, item.path
            goal_id = next((get_str(i, "value", w, required=True) for i, w in items(r, "identifier", path)
                            if i.get("system") == GOAL_ID_SYSTEM), None)
            if goal_id is None:
                continue  # an EHR's own goal: not a goal attainment scaling goal of assess
            description = get_obj(r, "description", path, required=True)
            assert description is not None
            goal: dict[str, Any] = {"id": goal_id,
                                    "text": get_str(description, "text", join(path, "description"), required=True),
                                    "set_on": get_date(r, "startDate", path)}
            for name in ("importance", "difficulty"):
                found = extension_value(r, extension(f"goal-{name}"), path, "valueInteger")
                if found is not None:
                    goal[name] = get_int({"v": found[0]}, "v", found[1].rsplit(".", 1)[0])
            gpath = f"{prefix}.goals[{len(out.setdefault('goals', []))}]"
            self.origins.note(gpath, path)
            self.origins.note(f"{gpath}.id", path)
            out["goals"].append(goal)
            ids[id(r)] = goal_id
        return ids

    def _baselines(self, out: dict[str, Any], observations: list[Item], goals: dict[int, str], prefix: str) -> None:
        by_id = {g["id"]: (i, g) for i, g in enumerate(out["goals"])}
        for item in observations:
            if observation_kind(item) != "baseline":
                continue
            focus = items(item.resource, "focus", item.path)
            if not focus:
                raise fail(join(item.path, "focus"), "a GAS baseline names its Goal in focus")
            goal = self.index.resolve(focus[0][0], focus[0][1], "Goal")
            if id(goal.resource) not in goals:
                continue
            number, entry = by_id[goals[id(goal.resource)]]
            value = join(item.path, "valueCodeableConcept")
            answer = code_in(obj(item.resource.get("valueCodeableConcept"), value), value, "http://loinc.org")
            if answer is None or answer[0] not in GAS_OF_ANSWER:
                raise fail(value, "not a goal attainment level of LOINC answer list LL6900-6")
            if "baseline" in entry:
                raise fail(item.path, f"goal {entry['id']!r} has a second GAS baseline")
            entry["baseline"] = GAS_OF_ANSWER[answer[0]]
            self.origins.note(f"{prefix}.goals[{number}].baseline", value)
        for entry in out["goals"]:
            if "baseline" not in entry:
                raise fail(self.origins.find(f"{prefix}.goals[{by_id[entry['id']][0]}]") or prefix,
                           f"goal {entry['id']!r} has no GAS baseline (an Observation, LOINC 112296-9, "
                           "whose focus is the Goal)")


def read_bundle(bundle: Any, today: dt.date | None = None, mrn_system: str = MRN_SYSTEM) -> list[PatientRecord]:
    """The patients of a parsed FHIR Bundle, checked as an assess-record/1 import is.

    Raises RecordError naming the FHIR JSON path (entry[12].resource.valueCodeableConcept) of the first problem.
    """
    reader = _Reader(bundle, mrn_system)
    if not reader.index.patients:
        raise fail("entry", "the Bundle has no Patient resource")
    document = {"format": FORMAT, "patients": [reader.patient(i, p) for i, p in enumerate(reader.index.patients)]}
    try:
        records = read_document(document, today=today)
    except RecordError as error:
        where = reader.origins.find(error.path) or "(bundle)"
        raise RecordError(where, f"{error.message} ({error.path} in assess terms)") from None
    return records
