"""The FHIR R4 export, checked by an independent R4 model library (fhirclient, strict) and by what an EHR reads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fhir_kinds import as_json, kinds
from fhirclient.models.bundle import Bundle

from assess.interchange.fhir.codes import BASE, CLINIC_CODE, LATERALITY_EXTENSION, SNOMED, code_systems_bundle
from assess.interchange.fhir.write import Letter, Sender, bundle_chunks, write_bundle
from assess.record.domain import PatientRecord, ToxinSession

STAMP = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
CLINIC = Sender("Riverside Spasticity Clinic", "1 River Road", "555-0199", "555-0198")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "fhir"


def _bundle(*records: PatientRecord, **letters: Letter) -> dict[str, Any]:
    return as_json(write_bundle(records, CLINIC, STAMP, letters))


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _coded(concept: dict[str, Any], system: str) -> str | None:
    return next((c["code"] for c in concept.get("coding", []) if c["system"] == system), None)


@pytest.mark.parametrize("kind", list(kinds()))
def test_every_kind_of_patient_is_a_valid_r4_bundle(kind: str) -> None:
    record = kinds()[kind]
    bundle = _bundle(record)
    parsed = Bundle(bundle, strict=True)  # raises on a wrong type, a missing required element, an unknown key
    assert parsed.type == "collection"
    assert len(parsed.entry) == len(bundle["entry"])
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])


@pytest.mark.parametrize("kind", list(kinds()))
def test_one_mas_observation_per_mas_finding_with_its_grade_group_and_side(kind: str) -> None:
    record = kinds()[kind]
    observations = [o for o in _resources(_bundle(record), "Observation") if _coded(o["code"], SNOMED) == "765771006"]
    findings = [(v.date.isoformat(), f.muscle_group, f.side, f.mas) for v in record.visits for f in v.findings
                if f.mas is not None]
    assert len(observations) == len(findings)
    sides = {"7771000": "left", "24028007": "right"}
    written = []
    for o in observations:
        site = o["bodySite"]
        lateral = next(x for x in site["extension"] if x["url"] == LATERALITY_EXTENSION)
        group = site["coding"][0]["code"]
        written.append((o["effectiveDateTime"], group, sides[lateral["valueCodeableConcept"]["coding"][0]["code"]],
                        o["valueCodeableConcept"]["coding"][0]["code"]))
    assert sorted(written) == sorted(findings)


def test_mas_1_plus_is_its_own_code_never_1_5() -> None:
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    values = [o["valueCodeableConcept"]["coding"][0] for o in _resources(_bundle(child), "Observation")
              if _coded(o["code"], SNOMED) == "765771006"]
    assert {"system": f"{BASE}/CodeSystem/mas-grade", "code": "1+", "display": "1+"} in values
    assert all(isinstance(v["code"], str) and v["code"] in ("0", "1", "1+", "2", "3", "4") for v in values)


def test_tardieu_angles_and_prom_are_quantities_in_degrees() -> None:
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    observations = _resources(_bundle(child), "Observation")
    tardieu = next(o for o in observations if _coded(o["code"], SNOMED) == "1290510006")
    parts = {p["code"]["coding"][0]["code"]: p for p in tardieu["component"]}
    assert parts["tardieu-x"]["valueInteger"] == 2
    assert parts["tardieu-r1"]["valueQuantity"] == {"value": -15, "unit": "°", "system": "http://unitsofmeasure.org",
                                                    "code": "deg"}
    prom = next(o for o in observations if _coded(o["code"], f"{BASE}/CodeSystem/observation") == "prom")
    assert prom["valueQuantity"]["code"] == "deg"


def test_a_signed_visit_is_final_and_a_draft_preliminary() -> None:
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    bundle = _bundle(child)
    by_day = {o["effectiveDateTime"]: o["status"] for o in _resources(bundle, "Observation")
              if "encounter" in o}
    assert by_day == {"2025-03-02": "final", "2025-06-09": "preliminary"}


def test_a_toxin_session_is_a_procedure_with_one_administration_per_muscle_and_side() -> None:
    child = kinds()["demo child with toxin cycles"]
    bundle = _bundle(child)
    sessions = [t for t in child.treatments if isinstance(t, ToxinSession)]
    procedures = [p for p in _resources(bundle, "Procedure") if _coded(p["code"], SNOMED) == "442695005"]
    administrations = _resources(bundle, "MedicationAdministration")
    assert len(procedures) == len(sessions)
    assert len(administrations) == sum(len(s.injections) for s in sessions)
    first = sessions[0]
    medications = {e["fullUrl"]: e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Medication"}
    medication = medications[procedures[0]["usedReference"][0]["reference"]]
    assert _coded(medication["code"], f"{BASE}/CodeSystem/toxin-product") == first.product
    assert medication["code"]["text"].startswith(first.product)
    if first.lot:
        assert medication["batch"]["lotNumber"] == first.lot
    dose = administrations[0]["dosage"]["dose"]
    assert dose == {"value": first.injections[0].units, "unit": "Units", "code": "[arb'U]"}
    assert administrations[0]["dosage"]["route"]["coding"][0]["code"] == "78421000"


def test_clinic_codes_and_standard_codes_sit_side_by_side() -> None:
    pump = kinds()["sample pump patient (x- codes, clonus, SCATS)"]
    bundle = _bundle(pump)
    triggers = [o["valueCodeableConcept"]["coding"][0] for o in _resources(bundle, "Observation")
                if _coded(o["code"], f"{BASE}/CodeSystem/observation") == "trigger"]
    assert {"system": CLINIC_CODE, "code": "x-new_wheelchair", "display": "new wheelchair"} in triggers
    surgery = next(p for p in _resources(bundle, "Procedure") if p["code"].get("text") == "Achilles tendon lengthening")
    assert surgery["bodySite"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "51440002"
    device = _resources(bundle, "Device")
    assert [d["deviceName"][0]["name"] for d in device] == ["SynchroMed II"]


def test_the_letter_travels_as_a_pdf_document_reference() -> None:
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    letter = Letter(b"%PDF-1.4 letter", dt.date(2025, 6, 9), "post_injection_review", "Clinic letter", STAMP)
    bundle = _bundle(child, **{child.mrn: letter})
    Bundle(bundle, strict=True)
    (document,) = _resources(bundle, "DocumentReference")
    assert document["type"]["coding"][0]["code"] == "11488-4"
    assert document["content"][0]["attachment"]["contentType"] == "application/pdf"
    assert document["content"][0]["attachment"]["data"] == "JVBERi0xLjQgbGV0dGVy"


def test_streamed_chunks_are_the_same_bundle_and_urls_are_stable() -> None:
    records = list(kinds().values())
    whole = _bundle(*records)
    streamed = json.loads(b"".join(bundle_chunks(records, CLINIC, STAMP)))
    assert streamed == whole
    again = _bundle(*records)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in whole["entry"]]


def test_the_published_code_systems_are_what_the_export_uses() -> None:
    published = json.loads((DOCS / "assess-codesystems.json").read_text("utf-8"))
    assert published == as_json(code_systems_bundle()), "regenerate docs/fhir/assess-codesystems.json"
    Bundle(published, strict=True)
    concepts = {(e["resource"]["url"], c["code"]) for e in published["entry"]
                for c in e["resource"].get("concept", [])}
    used: set[tuple[str, str]] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if str(value.get("system", "")).startswith(f"{BASE}/CodeSystem/") and "code" in value:
                used.add((value["system"], value["code"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(_bundle(*kinds().values()))
    local = {u for u in used if u[0] != CLINIC_CODE}
    assert local and local <= concepts, sorted(local - concepts)
    mas = next(e["resource"] for e in published["entry"] if e["resource"]["url"].endswith("/mas-grade"))
    assert [c["code"] for c in mas["concept"]] == ["0", "1", "1+", "2", "3", "4"]


def test_a_stopped_drug_is_completed_and_a_current_one_active() -> None:
    child = kinds()["sample child (signed visit, goals, casting, therapy)"]
    statements = _resources(_bundle(child), "MedicationStatement")
    assert [(s["effectivePeriod"], s["status"], s["dosage"][0]["doseAndRate"][0]["rateQuantity"]["value"])
            for s in statements] == [({"start": "2024-09-01", "end": "2025-03-01"}, "completed", 15),
                                     ({"start": "2025-03-01"}, "active", 20)]
    assert statements[0]["medicationCodeableConcept"]["text"] == "baclofen"
