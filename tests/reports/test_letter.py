"""Page one, the letter to the primary care doctor, read back from the real PDF for four kinds of patient."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from samples import child, document, pump_patient

from assess.interchange.read import read_document
from assess.reports.content import Clinic
from assess.reports.pdf import report_bytes
from assess.services.clinic import set_clinic_letterhead
from assess.services.interchange import import_records
from assess.services.patients import patient_details, update_patient
from assess.services.report import patient_report
from assess.storage.db import Database

TODAY = dt.date(2026, 12, 1)
PHONE = "555-0199"


def _adult(with_doctor: bool) -> dict[str, Any]:
    """An adult on three oral drugs, tizanidine over its 36 mg/day maximum; the tizanidine stops after the visit."""
    patient: dict[str, Any] = {
        "mrn": "MS-88" if with_doctor else "MS-89", "family_name": "Hale", "given_name": "Robert",
        "birth_date": "1961-11-20", "sex": "male", "diagnosis": "multiple_sclerosis",
        "visits": [{"date": "2025-05-02", "type": "follow_up", "clinician": "Dr L. Brandt", "weight_kg": 81,
                    "findings": [{"muscle_group": "knee_extensors", "side": "left", "mas": "2"},
                                 {"muscle_group": "knee_extensors", "side": "right", "mas": "1+"}]}],
        "treatments": [
            {"kind": "oral_medication", "drug": "tizanidine", "dose_mg_per_day": 48, "start": "2025-01-10",
             "stop": "2025-09-01"},
            {"kind": "oral_medication", "drug": "baclofen", "dose_mg_per_day": 30, "start": "2024-06-01"},
            {"kind": "oral_medication", "drug": "gabapentin", "dose_mg_per_day": 900, "start": "2024-06-01"},
        ],
    }
    if with_doctor:
        patient["primary_care"] = {"name": "Dr C. Brontë", "practice": "Köln-Süd Practice"}
    return patient


def _child_with_exact_values() -> dict[str, Any]:
    patient = child()
    session = patient["treatments"][2]
    session.update(lot="S1087", dilution_units_per_ml=200, notes="Diluted in NaCl 0.9 %; EMLA cream first")
    return patient


@pytest.fixture
def clinic(database: Database) -> Database:
    with database.transaction() as session:
        import_records(session, read_document(document(_child_with_exact_values(), pump_patient(), _adult(True),
                                                       _adult(False)), today=TODAY))
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", "1 Elm Street", PHONE))
    return database


def _pages(database: Database, mrn: str, **options: Any) -> list[str]:
    with database.transaction() as session:
        content = patient_report(session, mrn, TODAY, **options)
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(report_bytes(content))).pages]


def _fits_one_page(pages: list[str]) -> None:
    """The whole letter is on page one, down to its last line; the appendix starts on page two."""
    first = pages[0]
    assert "Page 1 of" in first and "Next visits" in first and f"Elm Spasticity Clinic, {PHONE}" in first
    assert all("Next visits" not in page and "What to do" not in page for page in pages[1:])
    assert "Examination of" in pages[1] and "Examination of" not in first


def test_the_letter_for_a_child_with_toxin(clinic: Database) -> None:
    pages = _pages(clinic, "LB-100234")
    first = pages[0]
    _fits_one_page(pages)
    assert "To: Dr A. Rao, Elm Street Practice" in first
    assert "Seen on 2025-06-09 (post-injection review) for spasticity due to cerebral palsy (spastic diplegia)" in first
    assert ("2025-03-10: Botulinum toxin, onabotulinumtoxinA (Botox), 100 U (4.4 U/kg at 22.6 kg) — left: "
            "gastrocnemius, medial head 40 U (2 sites), gastrocnemius, lateral head 30 U (1 site); right: "
            "gastrocnemius, medial head 30 U (2 sites).") in first
    assert "Baclofen 20 mg/day by mouth (since 2025-03-01)" in first
    assert "Do not stop baclofen abruptly: hallucinations and seizures" in first
    assert (f"Call emergency services or go to the emergency department now, then call the clinic on {PHONE}."
            in first)
    for sign in ("trouble swallowing (dysphagia) or breathing", "double vision (diplopia)",
                 "drooping eyelids (ptosis)", "slurred speech (dysarthria)"):
        assert sign in first
    assert "Data up to the visit of 2025-06-09" in first
    everything = " ".join(pages)
    # Exact values: lot, dilution and free text as recorded (a recall names the lot).
    assert "Dilution 200 U/mL; Lot S1087; Guided by ultrasound" in everything
    assert "Diluted in NaCl 0.9 %; EMLA cream first" in everything
    assert "u/ml" not in everything and "s1087" not in everything
    assert "Onabotulinumtoxina" not in everything


def test_the_letter_for_a_pump_patient(clinic: Database) -> None:
    pages = _pages(clinic, "ITB-7")
    first = pages[0]
    _fits_one_page(pages)
    assert "Intrathecal baclofen pump (implanted 2023-05-02, SynchroMed II): 180 µg/day, concentration 500 µg/mL." \
        in first
    # (19.5 mL − the 2 mL alarm volume) × 500 µg/mL ÷ 180 µg/day = 48.6 days after the refill of 2024-01-15.
    assert "Next refill due by 2024-03-03; the low-reservoir alarm is expected from 2024-03-04" in first
    assert "alarm volume used is unverified" in first
    assert "Worse spasticity in a pump patient: check the pump first" in first
    assert "high fever, altered mental status, exaggerated rebound spasticity and muscle rigidity" in first
    assert "rostral progression of hypotonia), loss of consciousness progressing to coma" in first
    assert "Call emergency services or go to the emergency department now" in first
    assert "Treat the triggers of spasticity found at this visit: constipation, new wheelchair." in first


def test_the_letter_for_an_adult_on_oral_drugs_over_a_maximum(clinic: Database) -> None:
    pages = _pages(clinic, "MS-88")
    first = pages[0]
    _fits_one_page(pages)
    assert "To: Dr C. Brontë, Köln-Süd Practice" in first
    assert "Tizanidine 48 mg/day by mouth (since 2025-01-10) ⚠ over the maximum daily dose of 36 mg/day" in first
    assert "Tizanidine 48 mg/day is over the maximum daily dose of 36 mg/day at 63 years: please review it" in first
    assert "Continue tizanidine" not in first
    assert "Baclofen 30 mg/day by mouth" in first and "Gabapentin 900 mg/day by mouth" in first
    assert "Never give tizanidine with ciprofloxacin or fluvoxamine" in first
    assert "decrease it slowly, by 2 to 4 mg per day" in first
    assert "aminotransferases (liver tests) at baseline and 1 month after the maximum dose" in first
    assert "reduce or stop it gradually over at least 1 week" in first
    assert "Emergencies" not in first  # no pump, no toxin: nothing to send to the emergency department


def test_the_letter_without_a_primary_care_doctor_says_so(clinic: Database) -> None:
    pages = _pages(clinic, "MS-89")
    _fits_one_page(pages)
    assert "To: the patient's primary care doctor (no primary care doctor is recorded for this patient)" in pages[0]


def test_the_letter_is_judged_as_of_the_visit_unless_today_is_asked(clinic: Database) -> None:
    at_visit = _pages(clinic, "MS-88")[0]
    assert "medicines, alerts and dates as of the same day" in at_visit and "Tizanidine 48 mg/day" in at_visit
    today = _pages(clinic, "MS-88", today_alerts=True)[0]
    assert f"medicines, alerts and dates as of {TODAY.isoformat()}" in today
    assert "Tizanidine 48 mg/day by mouth" not in today  # stopped on 2025-09-01, after the visit


@pytest.mark.parametrize(("paper", "size"), [("letter", (8.5, 11)), ("a4", (210 / 25.4, 297 / 25.4))])
def test_every_page_renders_on_both_papers(clinic: Database, tmp_path: Path, paper: str,
                                          size: tuple[float, float]) -> None:
    """pdftoppm (poppler) draws every page at the paper's size; the PNGs were also looked at by eye."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not found (apt-get install poppler-utils)")
    with clinic.transaction() as session:
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", phone=PHONE, paper=paper))
        content = patient_report(session, "LB-100234", TODAY)
    out = tmp_path / "report.pdf"
    out.write_bytes(report_bytes(content))
    pages = len(PdfReader(str(out)).pages)
    assert 2 <= pages <= 5
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(out), str(tmp_path / "page")], check=True,
                   capture_output=True, timeout=120)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages
    for png in pngs:
        data = png.read_bytes()
        width, height = struct.unpack(">II", data[16:24])
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert abs(width - size[0] * 80) <= 1 and abs(height - size[1] * 80) <= 1  # inches at 80 dpi


def test_the_letter_puts_a_contraindicated_pair_first_in_what_to_do(clinic: Database) -> None:
    """Tizanidine label (Zanaflex, section 4 Contraindications): not with ciprofloxacin or fluvoxamine. A pair found
    among the patient's other medicines is the first thing the doctor is asked to act on."""
    with clinic.transaction() as session:
        details, version = patient_details(session, "MS-88")
        update_patient(session, "MS-88", dataclasses.replace(details, other_medicines="Ciprofloxacin 500 mg bd"),
                       version)
    first = _pages(clinic, "MS-88")[0]
    what_to_do = first.split("What to do", 1)[1]
    assert what_to_do.lstrip(" •").startswith("Tizanidine is taken with Ciprofloxacin 500 mg bd (ciprofloxacin): "
                                          "contraindicated.")
    _fits_one_page(_pages(clinic, "MS-88"))
