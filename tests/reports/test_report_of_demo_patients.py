"""Reports of demo patients of every kind, read back from the PDF as the doctor's PDF viewer would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from assess.cli.main import main
from assess.demo.patients import demo_patients
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import PatientRecord, PumpEvent, Sdr, ToxinSession
from assess.reports.content import Clinic
from assess.reports.pdf import report_bytes
from assess.services.clinic import set_clinic_letterhead
from assess.services.interchange import import_records
from assess.services.report import patient_report
from assess.storage.db import Database, open_database

TODAY = dt.date(2026, 11, 1)


def _kinds(records: list[PatientRecord]) -> dict[str, PatientRecord]:
    """One demo patient of each kind the report must serve."""
    def has(record: PatientRecord, kind: type) -> bool:
        return any(isinstance(t, kind) for t in record.treatments)

    return {
        "child with toxin cycles": next(r for r in records if r.diagnosis == "cerebral_palsy" and has(r, ToxinSession)),
        "pump patient": next(r for r in records if has(r, PumpEvent)),
        "SDR patient": next(r for r in records if has(r, Sdr)),
        "adult with drugs only": next(r for r in records if r.treatments and all(
            t.kind == "oral_medication" for t in r.treatments) and r.visits),
    }


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, dict[str, PatientRecord]]:
    records = list(demo_patients(400, seed=3, today=TODAY))
    chosen = _kinds(records)
    one_visit = PatientRecord("ONE-1", "Núñez", "José", dt.date(1980, 5, 5), "male", "stroke",
                              visits=(records[0].visits[0].__class__(dt.date(2026, 10, 1), "initial", "Dr A. Rao"),))
    chosen["one visit, no treatment"] = one_visit
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('reports') / 'a.db'}")
    with db.transaction() as session:
        import_records(session, read_document(write_document(chosen.values()), today=TODAY))
        set_clinic_letterhead(session, Clinic("Riverside Spasticity Clinic", phone="555-0142"))
    return db, chosen


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


# The appendix's headings, as printed.
HEADINGS = ("Examination of", "Trends", "Response to botulinum toxin (latest sessions)", "Visit scores", "Goals",
            "Treatments given", "Triggers found", "Open alerts", "About the scales",
            "Addenda (corrections after signing)")


def _lines(page: Any) -> list[tuple[float, str]]:
    """A page's lines of text between its header and its footer, top to bottom, with their height on the page."""
    found: list[tuple[float, str]] = []

    def seen(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and 60 < y < float(page.mediabox.height) - 80 and not text.startswith("DRAFT"):
            found.append((y, text.strip()))

    page.extract_text(visitor_text=seen)
    return sorted(found, key=lambda line: -line[0])


def _report(db: Database, mrn: str, paper: str) -> bytes:
    with db.transaction() as session:
        content = patient_report(session, mrn, TODAY)
    return report_bytes(dataclasses.replace(content, clinic=dataclasses.replace(content.clinic, paper=paper)))


@pytest.mark.parametrize("kind", ["child with toxin cycles", "pump patient", "SDR patient", "adult with drugs only",
                                  "one visit, no treatment"])
def test_every_kind_of_patient_gets_a_readable_report(clinic: tuple[Database, dict[str, PatientRecord]],
                                                      kind: str) -> None:
    db, chosen = clinic
    record = chosen[kind]
    with db.transaction() as session:
        content = patient_report(session, record.mrn, TODAY)
    pages = _text(report_bytes(content))
    whole = "\n".join(pages)
    assert all(record.mrn in page for page in pages)  # who, on every page
    assert all(f"of {len(pages)}" in page for page in pages)
    assert "Findings" in pages[0] and "Next visits" in pages[0] and "What to do" in pages[0]
    assert "What to do" not in whole.split("Page 1 of")[1]  # the letter fits page one
    assert content.summary[0].split(":")[0] in whole.replace("\n", " ")
    if kind == "pump patient":
        assert "check the pump first" in whole.replace("\n", " ")
    if kind == "child with toxin cycles":
        assert "botulinum toxin" in whole.lower() and "U/kg" in whole
    if kind == "SDR patient":
        assert "Modified Ashworth Scale (MAS)" in whole.replace("\n", " ")
    if kind == "one visit, no treatment":
        assert "José Núñez" in whole and "First examination" in whole


def test_the_command_refuses_without_the_clinic_name_and_phone(tmp_path: Path, sqlite_url: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_url
    assert main(["--db", url, "demo", "--patients", "1"]) == 0
    out = tmp_path / "r.pdf"
    assert main(["--db", url, "report", "DEMO-000001", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert "the clinic's name and phone are not set" in error and "assess clinic --name NAME --phone PHONE" in error
    assert not out.exists()
    assert main(["--db", url, "clinic", "--name", "Elm Clinic"]) == 0
    assert "Reports need the clinic's phone: assess clinic --phone ..." in capsys.readouterr().out
    assert main(["--db", url, "clinic", "--phone", "555-0100", "--paper", "a4"]) == 0
    shown = capsys.readouterr().out
    assert "Name:    Elm Clinic" in shown and "Phone:   555-0100" in shown and "Paper:   a4" in shown
    assert main(["--db", url, "report", "DEMO-000001", "--out", str(out)]) == 0
    page = PdfReader(str(out)).pages[0]
    assert "Elm Clinic" in page.extract_text() and round(float(page.mediabox.width)) == 595


def test_the_command_writes_the_report(clinic: tuple[Database, dict[str, PatientRecord]], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db, chosen = clinic
    record = chosen["child with toxin cycles"]
    out = tmp_path / "report.pdf"
    assert main(["--db", db.url, "report", record.mrn, "--out", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["--db", db.url, "report", record.mrn, "--out", str(tmp_path / "no" / "r.pdf")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("kind", ["child with toxin cycles", "pump patient", "adult with drugs only"])
def test_a_typical_patient_s_report_is_at_most_three_pages(clinic: tuple[Database, dict[str, PatientRecord]],
                                                          kind: str, paper: str) -> None:
    """The issue's aim: 2-3 pages for a typical patient, the letter on page one and the appendix after it."""
    db, chosen = clinic
    pages = _text(_report(db, chosen[kind].mrn, paper))
    assert 2 <= len(pages) <= 3
    assert "What to do" in pages[0] and all("What to do" not in page for page in pages[1:])
    assert "Examination of" in pages[1]


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("kind", ["child with toxin cycles", "pump patient", "SDR patient", "adult with drugs only",
                                  "one visit, no treatment"])
def test_no_heading_ends_a_page_and_the_signature_never_stands_alone(
        clinic: tuple[Database, dict[str, PatientRecord]], kind: str, paper: str) -> None:
    db, chosen = clinic
    reader = PdfReader(io.BytesIO(_report(db, chosen[kind].mrn, paper)))
    for page in reader.pages[1:]:
        lines = _lines(page)
        assert lines, "a page of the appendix with nothing on it"
        assert not lines[-1][1].startswith(HEADINGS), f"'{lines[-1][1]}' is the last line of its page"
        if any(text == "Signature" for _, text in lines):
            # The signature shares its page with what it signs: more than its own two lines.
            assert len([text for _, text in lines if not text.startswith(("Clinician", "·", "Signature", "Date"))]) > 2
