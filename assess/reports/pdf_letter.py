"""Page one of the report: the letter to the primary care doctor, laid out to fit one page whatever it holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.platypus import KeepInFrame, Paragraph, Spacer, Table  # type: ignore[import-untyped]

from assess.reports.content import ReportContent
from assess.reports.pdf_parts import (
    BOLD,
    DRAFT_RED,
    FONT,
    HEADING,
    INK,
    MUTED,
    WARNING_EDGE,
    WARNING_FILL,
    table_style,
    text,
)

ALERT_RED = "#b00020"  # the draft band's red: a flag must not be missed


def _style(name: str, size: float, leading: float, font: str = FONT, **extra: Any) -> Any:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                          **{"textColor": INK, "bulletFontName": FONT, **extra})


BODY = _style("letter_body", 9.5, 12.2, spaceAfter=1.5)
BULLET = _style("letter_bullet", 9.5, 12.2, leftIndent=11, bulletIndent=1, spaceAfter=1.5)
HEAD = _style("letter_head", 10.5, 13, BOLD, textColor=HEADING, spaceBefore=5, spaceAfter=1.5)
TITLE = _style("letter_title", 14, 17, BOLD, textColor=HEADING, spaceAfter=4)
SMALL = _style("letter_small", 8.5, 10.5, textColor=MUTED)
RIGHT = _style("letter_right", 9.5, 12.2, alignment=TA_RIGHT)
ALARM = _style("letter_alarm", 9.5, 12.2, BOLD, textColor=DRAFT_RED)


def _section(title: str, lines: Sequence[str], style: Any = BULLET) -> list[Any]:
    if not lines:
        return []
    return [Paragraph(text(title), HEAD), *(Paragraph(text(line), style, bulletText="•" if style is BULLET else None)
                                             for line in lines)]


def _medicines(content: ReportContent) -> list[Any]:
    rows = []
    for medicine in content.medicines:
        line = text(medicine.text)
        if medicine.flag:
            line += f' <font color="{ALERT_RED}"><b>⚠ {text(medicine.flag)}</b></font>'
        rows.append(Paragraph(line, BULLET, bulletText="•"))
    if not rows:
        rows = [Paragraph("No oral medicine for spasticity is recorded as taken on this day.", BODY)]
    return [Paragraph("Current medicines", HEAD), *rows]


def _emergencies(content: ReportContent, width: float) -> list[Any]:
    if not content.warnings:
        return []
    cells = [Paragraph(f"<b>Emergencies.</b> {text(content.emergency)}", ALARM),
             *(Paragraph(text(w), BULLET, bulletText="•") for w in content.warnings)]
    box = Table([[cells]], colWidths=[width])
    box.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, -1), WARNING_FILL),
        ("LINEBEFORE", (0, 0), (0, -1), 4, WARNING_EDGE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return [Spacer(1, 6), box]


def _addressee(content: ReportContent, width: float) -> Any:
    to = (f"<b>To:</b> {text(content.primary_care)}" if content.primary_care
          else "<b>To:</b> the patient's primary care doctor (no primary care doctor is recorded for this patient)")
    who = (f"<b>Re:</b> {text(content.patient_name)}, born {content.birth_date.isoformat()}, MRN {text(content.mrn)}"
           + "".join(f"; {text(line)}" for line in content.patient_lines))
    table = Table([[Paragraph(to, BODY), Paragraph(f"<b>Date:</b> {content.report_date.isoformat()}", RIGHT)],
                   [Paragraph(who, BODY), ""]], colWidths=[width * 0.78, width * 0.22])
    table.setStyle(table_style([("SPAN", (0, 1), (1, 1)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def letter(content: ReportContent, width: float, height: float, closing: Sequence[Any] = ()) -> list[Any]:
    """The letter as one block that always fits the first page's frame (shrunk, never split, when long), with
    `closing` (the signature, when nothing follows the letter) at its foot."""
    story: list[Any] = [Paragraph(text(content.title), TITLE), _addressee(content, width)]
    if content.data_through:
        story.append(Paragraph(text(content.data_through), SMALL))
    story += _section("Reason for the visit", [content.reason] if content.reason else [], BODY)
    story += _section("Findings", content.summary, BODY)
    story += _section("Treatment given", content.done)
    story += _medicines(content)
    story += _section("Intrathecal baclofen pump", content.pump)
    story += _section("What to do", content.actions)
    story += _emergencies(content, width)
    story += _section("Next visits", content.next_visits)
    sign = content.signed if not content.draft else f"{content.clinician} — not signed yet (draft)"
    phone = f", {content.clinic.phone}" if content.clinic.phone else ""
    # The sign-off line, or the full signature when nothing follows the letter (it names the clinician too).
    story += [Spacer(1, 5), *(closing or [Paragraph(f"{text(sign)} · {text(content.clinic.name)}{text(phone)}",
                                                    SMALL)])]
    return [KeepInFrame(width, height, story, mode="shrink", name="letter")]
