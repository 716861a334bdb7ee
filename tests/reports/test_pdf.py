"""The PDF for the primary care doctor, read back as a reader would: text, metadata, fonts, pages, a rendering."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import struct
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from assess.record.errors import AssessError
from assess.reports import pdf
from assess.reports.content import Clinic, ExamRow, GoalLine, ReportContent, TreatmentLine
from assess.reports.pdf import SUBJECT, report_bytes, write_report

CLINIC = Clinic(name="Riverside Children's Spasticity Clinic", address="40 Harbour Road, Suite 3\nPortsmouth PO1 2AB",
                phone="555-0142", fax="555-0143")
HEADINGS = ("Findings", "What to do", "Emergencies", "Next visits", "Examination", "About the scales",
            "Visit scores", "Goals", "Treatments given", "Triggers found", "Open alerts")

MUSCLES = ("Hip adductors", "Hamstrings (medial)", "Knee extensors", "Ankle plantarflexors (knee extended)",
           "Ankle plantarflexors (knee flexed)", "Elbow flexors", "Wrist flexors", "Finger flexors",
           "Shoulder internal rotators", "Forearm pronators")
SCALES = (("MAS", "1+", "2", "better ▼"), ("Tardieu R1", "-5°", "-15°", "better ▲"),
          ("PROM", "10°", "15°", "same"))


def child(draft: bool = True) -> ReportContent:
    """A child after a toxin session: a long examination (ten groups, both sides, three scales), goals, triggers,
    alerts."""
    exam = tuple(ExamRow(muscle, side, scale, latest, before, change)
                 for muscle in MUSCLES for side in ("left", "right") for scale, latest, before, change in SCALES)
    return ReportContent(
        clinic=CLINIC, title="Spasticity clinic report", report_date=dt.date(2025, 6, 10), draft=draft,
        patient_name="Zoë Müller", birth_date=dt.date(2016, 3, 2), mrn="RCH-004211",
        patient_lines=("Diagnosis: cerebral palsy, spastic diplegia (born at 29 weeks)",
                       "Gross Motor Function Classification System (GMFCS) level II: walks without aids, "
                       "with limits on uneven ground, slopes and in crowds",
                       "Age 9 at the visit; female; weight 22.6 kg (2025-06-09)",
                       "Visit: toxin injection visit on 9 June 2025, clinician Dr K. Osei"),
        primary_care="Dr A. Rao, Elm Street Practice",
        summary=("Calf tightness is less than at the last visit: both ankles bend further up.",
                 "Botulinum toxin was injected into both calves and both hamstrings today.",
                 "Her walking goal was met as expected."),
        actions=("Please treat constipation promptly: it makes her spasticity worse.",
                 "No change to her medicines is needed."),
        warnings=("Weakness, trouble swallowing or breathing in the 4 weeks after the injection.",),
        emergency="Call emergency services or go to the emergency department now, then call the clinic on 555-0142.",
        next_visits=("Review with the physiotherapist in 6 weeks (by 2025-07-21).",
                     "Earliest next injection: 2025-09-01 (12 weeks after this one)."),
        exam=exam,
        scale_notes=("MAS (Modified Ashworth Scale): resistance to passive movement, 0 (none) to 4 (rigid); "
                     "1+ lies between 1 and 2.",
                     "Tardieu R1: the angle where a fast stretch catches; a larger angle is a looser muscle."),
        visit_scores=("Pain 2 of 10 (0 none, 10 worst).", "Penn spasm frequency 1: spasms only when touched."),
        goals=(GoalLine("Walk from the classroom to the playground without stopping, at school, within "
                        "3 months", "-1 (less than expected)", "0 (expected level) on 2025-06-09"),
               GoalLine("Put on her ankle-foot orthoses with help from one adult", "-2 (much less than expected)",
                        "not scored at this visit")),
        gas_t_score="50.0 (50 means the goals were met as expected; above 50, better)",
        treatments=(TreatmentLine(dt.date(2025, 6, 9), "Botulinum toxin: onabotulinumtoxinA (Botox), 260 U "
                                  "(11.5 U/kg at 22.6 kg)",
                                  ("Left gastrocnemius, medial head 40 U (2 sites)",
                                   "Right gastrocnemius, medial head 40 U (2 sites)",
                                   "Left medial hamstrings 90 U (3 sites)", "Right medial hamstrings 90 U (3 sites)",
                                   "Dilution 50 U/mL; lot C123; ultrasound guidance")),),
        triggers=("Constipation",),
        alerts=("2025-06-09: calf casting planned, not yet booked",),
        clinician="Dr K. Osei",
        signed="Not signed yet (draft)" if draft else "Signed by Dr K. Osei on 2025-06-09 11:30 UTC",
        exam_date=dt.date(2025, 6, 9),
    )


def adult() -> ReportContent:
    """An adult on an oral drug only: no examination, goals, toxin, triggers or alerts; A4 paper."""
    return ReportContent(
        clinic=Clinic(name="Northgate Rehabilitation Centre", phone="+44 20 7946 0000", paper="a4"),
        title="Spasticity clinic report", report_date=dt.date(2025, 5, 2), draft=False,
        patient_name="Robert Hale", birth_date=dt.date(1961, 11, 20), mrn="NG-77",
        patient_lines=("Diagnosis: multiple sclerosis", "Visit: review on 2 May 2025, clinician Dr L. Brandt"),
        primary_care="",
        summary=("Baclofen was increased to 10 mg three times a day.",),
        actions=("Check his liver tests in 4 weeks.",),
        warnings=("Never stop baclofen suddenly: it can cause fits, fever and confusion.",),
        next_visits=("Review in 3 months (by 2025-08-02).",),
        exam=(), scale_notes=(), visit_scores=(), goals=(), gas_t_score="",
        treatments=(TreatmentLine(dt.date(2025, 5, 2), "Baclofen by mouth: 10 mg three times a day", ()),),
        triggers=(), alerts=(), clinician="Dr L. Brandt",
        signed="Signed by Dr L. Brandt on 2025-05-02 15:04 UTC",
    )


def accented() -> ReportContent:
    """Names beyond ASCII everywhere: patient, clinic, doctor, clinician, and markup-like characters."""
    base = adult()
    return ReportContent(**{
        **base.__dict__,
        "clinic": Clinic(name="Clínica de Espasticidad Señora Ñuñez", address="Calle Mayor 5, Málaga",
                         phone="+34 952 000 000"),
        "patient_name": "José Núñez-Łukasiewicz", "mrn": "ÅÖ-2024-ß1",
        "primary_care": "Dr Chloé Brontë, Praxis Köln-Süd",
        "summary": ("Spasms < 1 per hour & pain 3/10 — better than before.",),
        "clinician": "Dr Søren Ødegård", "signed": "Signed by Dr Søren Ødegård on 2025-05-02 15:04 UTC",
    })


def read(path: Path) -> PdfReader:
    return PdfReader(str(path))


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text with runs of spaces and line breaks as one space (a long name may wrap)."""
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_child_report_spans_pages_with_identity_numbers_and_draft_on_each(tmp_path: Path) -> None:
    out = tmp_path / "child.pdf"
    write_report(child(), out)
    texts = page_texts(read(out))
    n = len(texts)
    assert n == 2  # the letter, then the appendix: ten groups of the examination take ten rows of one table
    for number, text in enumerate(texts, start=1):
        assert "RCH-004211" in text and "Zoë Müller" in text
        assert f"Page {number} of {n}" in text
        assert "DRAFT" in text
        assert "Report date 2025-06-10" in text
    first = texts[0]
    for heading in ("Findings", "What to do", "Emergencies", "Next visits"):
        assert heading in first
    assert "Botulinum toxin was injected into both calves" in first
    assert "trouble swallowing or breathing" in first and "then call the clinic on 555-0142" in first
    assert "Dr A. Rao, Elm Street Practice" in first
    assert "40 Harbour Road" in first and "Fax 555-0143" in first
    everything = "\n".join(texts)
    for heading in HEADINGS:
        assert heading in everything
    assert "Examination" not in first  # the detail starts after page one
    assert "Examination of 2025-06-09" in texts[1]
    # One row per muscle group, left and right side by side; a change shown as before → now, its mark and its
    # word, and an unchanged value alone (PROM 15° → 10° is within the 10° of measuring error: "same").
    assert everything.count("Forearm pronators") == 1
    assert "2 → 1+ ▼ better" in texts[1] and "-15° → -5° ▲ better" in texts[1]  # the arrow follows the number
    assert "same" not in texts[1] and "15° → 10°" not in texts[1]
    assert "50.0 (50 means the goals were met as expected" in everything
    assert "lot C123" in everything and "Not signed yet (draft)" in everything
    assert "Signature" in texts[-1]


def test_signed_report_has_no_draft_mark(tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    write_report(child(draft=False), out)
    texts = page_texts(read(out))
    assert not any("DRAFT" in text for text in texts)
    assert "Signed by Dr K. Osei on 2025-06-09 11:30 UTC" in texts[-1]


def test_adult_with_only_a_drug_leaves_out_the_empty_sections(tmp_path: Path) -> None:
    out = tmp_path / "adult.pdf"
    write_report(adult(), out)
    texts = page_texts(read(out))
    everything = "\n".join(texts)
    assert len(texts) == 2 and "Page 2 of 2" in texts[1]
    assert "Never stop baclofen suddenly" in texts[0] and "Check his liver tests" in texts[0]
    assert "no primary care doctor is recorded" in texts[0]  # said, not silently left out
    for absent in ("Examination", "About the scales", "Goals", "Triggers found", "Open alerts"):
        assert absent not in everything
    assert "Baclofen by mouth: 10 mg three times a day" in texts[1]


def test_names_beyond_ascii_and_markup_characters_print(tmp_path: Path) -> None:
    out = tmp_path / "accented.pdf"
    write_report(accented(), out)
    reader = read(out)
    texts = page_texts(reader)
    for text in texts:
        assert "José Núñez-Łukasiewicz" in text and "ÅÖ-2024-ß1" in text
    assert "Clínica de Espasticidad Señora Ñuñez" in texts[0]
    assert "Dr Chloé Brontë, Praxis Köln-Süd" in texts[0]
    assert "Spasms < 1 per hour & pain 3/10 — better than before." in texts[0]
    assert "Dr Søren Ødegård" in texts[-1]
    assert reader.metadata is not None and reader.metadata.title == "Spasticity clinic report — José Núñez-Łukasiewicz"


def test_metadata(tmp_path: Path) -> None:
    reader = PdfReader(io.BytesIO(report_bytes(child())))
    assert reader.metadata is not None
    assert reader.metadata.title == "Spasticity clinic report — Zoë Müller"
    assert reader.metadata.author == "Riverside Children's Spasticity Clinic"
    assert reader.metadata.subject == SUBJECT == "Spasticity clinic report for the primary care doctor"


def test_every_font_is_embedded_truetype() -> None:
    reader = PdfReader(io.BytesIO(report_bytes(accented())))
    seen = set()
    for page in reader.pages:
        fonts: Any = page["/Resources"].get_object()["/Font"]  # type: ignore[index]
        for ref in fonts.values():
            font = ref.get_object()
            assert font["/Subtype"] in ("/TrueType", "/Type0"), font
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font
            seen.add(str(font["/BaseFont"]).split("+")[-1])
    assert seen == {"DejaVuSans", "DejaVuSans-Bold"}


@pytest.mark.parametrize(("content", "size"), [(child, (612, 792)), (adult, (595, 842))])
def test_paper_size(content: Callable[[], ReportContent], size: tuple[int, int]) -> None:
    reader = PdfReader(io.BytesIO(report_bytes(content())))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_writes_to_a_stream() -> None:
    buffer = io.BytesIO()
    write_report(adult(), buffer)
    assert buffer.getvalue().startswith(b"%PDF-")


def test_unknown_paper_is_a_clear_error() -> None:
    content = ReportContent(**{**adult().__dict__, "clinic": Clinic(name="X", paper="legal")})
    with pytest.raises(AssessError, match="paper size 'legal'"):
        report_bytes(content)


def test_a_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "FONT_FOLDERS", [tmp_path])
    monkeypatch.setattr(pdf, "_matplotlib_fonts", lambda: None)
    with pytest.raises(AssessError, match=r"font file DejaVuSans\.ttf was not found.*fonts-dejavu-core"):
        write_report(adult(), tmp_path / "never.pdf")
    assert not (tmp_path / "never.pdf").exists()


def test_long_history_builds_quickly() -> None:
    report_bytes(child())  # fonts parsed once per process
    start = time.perf_counter()
    report_bytes(child())
    assert time.perf_counter() - start < 1.5


def test_first_page_renders(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm not found (apt-get install poppler-utils)")
        pytest.skip("pdftoppm not found (apt-get install poppler-utils)")
    out = tmp_path / "child.pdf"
    write_report(child(), out)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(out),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=60)
    png = (tmp_path / "page.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (510, 660)  # US Letter, 8.5 × 11 inches at 60 dpi


def test_extreme_content_still_lays_out(tmp_path: Path) -> None:
    """Very long cells, an unbroken token, a treatment with many lines, a huge warning: nothing is refused."""
    long_name = "Ankle plantarflexors " * 12
    token = "X" * 180
    content = ReportContent(**{
        **child().__dict__,
        "exam": (ExamRow(long_name, "left", "MAS", "4", "", ""), ExamRow(token, "right", token, "1+", "1", "worse"))
        + child().exam[:10],
        "treatments": (TreatmentLine(dt.date(2025, 6, 9), token,
                                     tuple(f"Muscle {i} 5 U (1 site)" for i in range(90))),),
        "warnings": (" ".join(["Call the clinic on 555-0142 if anything worries you."] * 30),),
        "goals": (GoalLine(long_name * 2, token, "not scored"),),
        "mrn": "M" * 60, "patient_name": "Maximiliana " * 6 + "Zoë",
    })
    out = tmp_path / "extreme.pdf"
    write_report(content, out)
    texts = page_texts(read(out))
    # A token longer than its column is split over lines, never cut: whole again without the line breaks.
    assert all("M" * 60 in text.replace(" ", "") and f"of {len(texts)}" in text for text in texts)
    assert "Muscle 89 5 U (1 site)" in "\n".join(texts)


def test_every_scale_recorded_is_printed_and_many_scales_take_a_second_table() -> None:
    """All ten scales of two groups: too many column pairs for one table's width, so the examination is two
    tables, each group a row in each; every value is printed, a side not examined as —."""
    values = (("MAS", "2", "3", "better ▼"), ("Tardieu X", "3", "2", "worse ▲"),
              ("Tardieu R1", "-25°", "-10°", "worse ▼"), ("Tardieu R2", "5°", "5°", "same"), ("ASAS", "2", "2", "same"),
              ("PROM", "20°", "", ""), ("MRC", "4-", "3", "better ▲"), ("Reflex", "3+", "2+", "changed ▲"),
              ("Clonus beats", "6", "2", "worse ▲"), ("Sustained clonus", "yes", "no", "worse ▲"))
    exam = tuple(ExamRow(group, "left", scale, latest, before, change) for group in ("Elbow flexors", "Wrist flexors")
                 for scale, latest, before, change in values)
    exam += (ExamRow("Elbow flexors", "right", "MAS", "1", "1", "same"),)
    content = ReportContent(**{**child().__dict__, "exam": exam})
    page = " ".join(PdfReader(io.BytesIO(report_bytes(content))).pages[1].extract_text().split())
    examination = page.split("Examination of 2025-06-09", 1)[1].split("L left, R right", 1)[0]
    assert examination.count("Elbow flexors") == 2 and examination.count("Muscle group") == 2  # two tables
    for scale, latest, before, change in values:
        assert scale in examination
        if change.split(" ")[0] in ("better", "worse", "changed"):
            assert f"{before} → {latest}" in examination
    assert "3 → 2 ▼ better" in examination and "-10° → -25° ▼ worse" in examination  # the arrow follows the number
    assert "2+ → 3+ ▲ changed" in examination and "no → yes ▲ worse" in examination
    assert "—" in examination  # the right side of every scale but MAS was not examined
