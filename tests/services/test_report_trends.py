"""The report's pictures: which trend charts a referring doctor gets and why, the body map, the responses;
read back from the real PDF."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from samples import sample_document

from assess.interchange.read import read_document
from assess.reports.content import Clinic
from assess.reports.pdf import report_bytes
from assess.services.clinic import set_clinic_letterhead
from assess.services.interchange import import_records
from assess.services.report import patient_report
from assess.storage.db import Database

TODAY = dt.date(2025, 7, 1)


def _report(database: Database, mrn: str, visit_date: dt.date | None = None):  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        import_records(session, read_document(sample_document(), today=TODAY))
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", phone="555-0199"))
        return patient_report(session, mrn, TODAY, visit_date)


def test_the_injected_group_is_charted_with_the_reason_and_its_response(database: Database) -> None:
    report = _report(database, "LB-100234")
    trends = report.trends
    assert trends is not None
    assert [(c.group, c.chart, c.caption) for c in trends.charts] == [
        ("plantarflexors_knee_extended", "mas", "Ankle plantarflexors (knee extended): Modified Ashworth Scale over "
                                                "time; injected with botulinum toxin on 2025-03-10."),
        (None, "penn_frequency", "Penn spasm frequency over time.")]  # Penn recorded at both visits
    assert ("plantarflexors_knee_extended", "left", "1+") in trends.body_map
    assert [r[3] for r in trends.responses] == ["yes (MAS 3 → 1+)", "yes (MAS 2 → 1)"]
    assert "10° or more" in trends.response_note


def test_a_report_of_an_earlier_visit_shows_nothing_that_came_after_it(database: Database) -> None:
    report = _report(database, "LB-100234", dt.date(2025, 3, 2))
    assert report.trends is None  # the first visit: no trend yet, no session before it


def test_the_pdf_holds_the_body_map_the_chart_and_the_response_table(database: Database, tmp_path: Path) -> None:
    report = _report(database, "LB-100234")
    pdf = PdfReader(io.BytesIO(report_bytes(report)))
    pages = [p.extract_text() for p in pdf.pages]
    trends_page = next(n for n, t in enumerate(pages) if "Trends" in t and "Body map" in t)
    text = " ".join(" ".join(pages[trends_page:]).split())  # lines joined as a reader reads them
    assert "injected with botulinum toxin on 2025-03-10" in text
    assert "Response to botulinum toxin" in text and "yes (MAS 3 → 1+)" in text
    images = [image for page in pdf.pages[trends_page:] for image in page.images]
    assert len(images) >= 2  # the body map and one chart
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not found (apt-get install poppler-utils)")
    (tmp_path / "r.pdf").write_bytes(report_bytes(report))
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(trends_page + 1), "-l", str(trends_page + 1),
                    "-singlefile", str(tmp_path / "r.pdf"), str(tmp_path / "page")], check=True, timeout=60)
    assert (tmp_path / "page.png").stat().st_size > 5000  # a page with pictures, not blank
