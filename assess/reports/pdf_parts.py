"""The flowables of the report to the primary care doctor: page one, the detail, and the page headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    ActionFlowable,
    CondPageBreak,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from assess.record.palette import BETTER, MAS_COLOURS, WORSE
from assess.reports.content import ExamRow, ReportContent
from assess.scoring.arrows import ANGLE_NOTE, LEGEND

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

INK = colors.HexColor("#1a1a1a")
HEADING = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#4a4a4a")
RULE = colors.HexColor("#9aa8b8")
HEADER_FILL = colors.HexColor("#e3eaf3")
STRIPE = colors.HexColor("#f4f6f9")
WARNING_FILL = colors.HexColor("#fff1dc")
WARNING_EDGE = colors.HexColor(WORSE)
DRAFT_RED = colors.HexColor("#b00020")

TABLE_START = 130.0  # points: a heading, the header row and about three rows

# The service may hand the change as a bare word or with its mark already; both print as word + shape.
CHANGE_MARKS: dict[str, str] = {}  # the content's change says word and arrow already (assess.scoring.arrows)


@dataclass(frozen=True)
class Styles:
    title: Any
    heading: Any
    lead: Any  # page one: what the doctor reads
    bullet: Any
    warning: Any
    body: Any
    detail_bullet: Any
    cell: Any
    cell_head: Any
    small: Any
    letterhead_name: Any
    header: Any
    header_right: Any
    header_name_right: Any
    patient: Any  # the patient lines under the title
    running: Any  # the one-line header of later pages
    running_right: Any


def make_styles() -> Styles:
    def style(name: str, size: float, leading: float, font: str = FONT, **extra: Any) -> Any:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                              **{"textColor": INK, "bulletFontName": FONT, **extra})

    return Styles(
        title=style("title", 19, 23, BOLD, textColor=HEADING, spaceAfter=6),
        heading=style("heading", 14.5, 18, BOLD, textColor=HEADING, spaceBefore=10, spaceAfter=3),
        lead=style("lead", 10.5, 14, spaceAfter=3),
        bullet=style("bullet", 10.5, 14, leftIndent=16, bulletIndent=3, bulletFontName=BOLD, spaceAfter=3),
        warning=style("warning", 10.5, 14, BOLD),
        body=style("body", 10, 13.5, spaceAfter=4),
        detail_bullet=style("detail_bullet", 10, 13.5, leftIndent=16, bulletIndent=3, spaceAfter=2),
        cell=style("cell", 10, 12.5),
        cell_head=style("cell_head", 10, 12.5, BOLD),
        small=style("small", 10, 13, textColor=MUTED),
        patient=style("patient", 10, 13.5, spaceAfter=3),
        letterhead_name=style("letterhead_name", 15, 19, BOLD, textColor=HEADING),
        header=style("header", 10, 13),
        header_right=style("header_right", 10, 13, alignment=TA_RIGHT),
        header_name_right=style("header_name_right", 12.5, 16, BOLD, alignment=TA_RIGHT),
        running=style("running", 9, 12),
        running_right=style("running_right", 9, 12, alignment=TA_RIGHT),
    )


def table_style(commands: list[tuple[Any, ...]]) -> Any:
    """A table style whose plain-text cells, if any, use the embedded font too (reportlab's default is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def text(value: str) -> str:
    """Plain text made safe for a Paragraph (its markup is XML-like); line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _bullets(lines: Sequence[str], style: Any) -> list[Any]:
    return [Paragraph(text(line), style, bulletText="•") for line in lines]


def _section(title: str, body: Sequence[Any], st: Styles) -> list[Any]:
    """A heading kept on the same page as the first thing under it. A list in `body` is a block kept together
    (not a KeepTogether: one nested in another always moves to the next page)."""
    if not body:
        return []
    blocks = [item if isinstance(item, list) else [item] for item in body]
    rest = [KeepTogether(block) if len(block) > 1 else block[0] for block in blocks[1:]]
    return [KeepTogether([Paragraph(text(title), st.heading), *blocks[0]]), *rest]


def _table_section(title: str, table: Any, after: Sequence[Any], st: Styles) -> list[Any]:
    """A heading over a table that may run over pages: it starts where it is when its header and a few rows
    fit (a KeepTogether would move a long table whole to the next page), else on the next page."""
    return [CondPageBreak(TABLE_START), Paragraph(text(title), st.heading), table, *after]


# --- the page headers (drawn by the page callbacks, measured first to place the frames) -------------------


NBSP = "\u00a0"  # keeps "MRN" with its number when a header line wraps


def _unit(label: str, value: str) -> str:
    return text(f"{label} {value}").replace(" ", NBSP)


def _contacts(content: ReportContent) -> str:
    clinic = content.clinic
    parts = [_unit("Phone", clinic.phone) if clinic.phone else "", _unit("Fax", clinic.fax) if clinic.fax else ""]
    return " · ".join(p for p in parts if p)


def _natural(parts: Sequence[tuple[str, str, float]]) -> float:
    """The width of a line of plain text set in one piece, from its (text, font, size) runs."""
    return sum(float(pdfmetrics.stringWidth(t, font, size)) for t, font, size in parts)


def _header_table(left: Any, right: Any, width: float, left_needs: float, right_needs: float) -> Any:
    """Two columns: the right one as wide as its text needs when both fit, within limits when not."""
    gap, slack = 10.0, 6.0
    if left_needs + right_needs + gap + 2 * slack <= width:
        right_width = right_needs + slack
    else:
        right_width = min(max(right_needs + slack, width * 0.3), width * 0.55)
    table = Table([[left, right]], colWidths=[width - right_width, right_width])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), gap),
    ]))
    return table


def letterhead(content: ReportContent, st: Styles, width: float) -> Any:
    """Page one: the clinic's full letterhead on the left, who the patient is on the right."""
    clinic = [Paragraph(text(content.clinic.name), st.letterhead_name)]
    if content.clinic.address:
        clinic.append(Paragraph(text(content.clinic.address), st.header))
    if contacts := _contacts(content):
        clinic.append(Paragraph(contacts, st.header))
    born = f"Date of birth {content.birth_date.isoformat()}"
    mrn = f"MRN {content.mrn}"
    patient = [Paragraph(text(content.patient_name), st.header_name_right),
               Paragraph(_unit("Date of birth", content.birth_date.isoformat()), st.header_right),
               Paragraph(_unit("MRN", content.mrn), st.header_right)]
    needed = max(_natural([(content.patient_name, BOLD, 12.5)]), _natural([(born, FONT, 10)]),
                 _natural([(mrn, FONT, 10)]))
    clinic_lines = [(content.clinic.name, BOLD, 15.0), (_contacts(content).replace(NBSP, " "), FONT, 10.0),
                    *((line, FONT, 10.0) for line in content.clinic.address.split("\n"))]
    return _header_table(clinic, patient, width, max(_natural([line]) for line in clinic_lines), needed)


def running_header(content: ReportContent, st: Styles, width: float) -> Any:
    """Later pages: the clinic and the patient on one line (two only when the names are very long)."""
    identity = f"born {content.birth_date.isoformat()} · MRN {content.mrn}"
    patient = (f"<b>{text(content.patient_name)}</b> · {_unit('born', content.birth_date.isoformat())}"
               f" · {_unit('MRN', content.mrn)}")
    needed = _natural([(content.patient_name, BOLD, 9), (" · " + identity, FONT, 9)])
    clinic = Paragraph(f"<b>{text(content.clinic.name)}</b>", st.running)
    return _header_table(clinic, Paragraph(patient, st.running_right), width,
                         _natural([(content.clinic.name, BOLD, 9)]), needed)


# --- the detail, for later --------------------------------------------------------------------------------


def grid_table(rows: list[list[Any]], widths: Sequence[float], extra: Sequence[tuple[Any, ...]] = (),
               stripes: bool = True) -> Any:
    """A table that repeats its header row and breaks between rows, never inside one."""
    table = Table(rows, colWidths=list(widths), repeatRows=1, splitByRow=1)
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE] if stripes else [colors.white]),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, HEADING),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ]))
    return table


def _change(row: ExamRow) -> str:
    return CHANGE_MARKS.get(row.change.strip(), row.change)


def exam_table(exam: Sequence[ExamRow], st: Styles, width: float) -> Any:
    """One row per muscle group and scale, left and right side by side (latest, before, change)."""
    head = ["Muscle group", "Scale", "Left", "before", "change", "Right", "before", "change"]
    rows: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in head]]
    extra: list[tuple[Any, ...]] = []
    cells: dict[tuple[str, str], dict[str, ExamRow]] = {}
    for found in exam:  # the catalogue order of the service, each group's scales in their order
        cells.setdefault((found.muscle_group, found.scale), {})[found.side] = found
    previous_group = ""
    for i, ((group, scale), sides) in enumerate(cells.items(), start=1):
        line: list[Any] = [Paragraph(text(group) if group != previous_group else "", st.cell),
                           Paragraph(text(scale), st.cell)]
        if group != previous_group and i > 1:
            extra.append(("LINEABOVE", (0, i), (-1, i), 0.6, HEADING))
        previous_group = group
        for n, side in enumerate(("left", "right")):
            if side not in sides:
                line += [Paragraph("—", st.cell), "", ""]
                continue
            row = sides[side]
            change = _change(row)
            colour = BETTER if change.startswith("better") else WORSE if change.startswith("worse") else None
            shown = f'<font color="{colour}"><b>{text(change)}</b></font>' if colour else text(change)
            line += [Paragraph(f"<b>{text(row.latest)}</b>", st.cell), Paragraph(text(row.previous), st.cell),
                     Paragraph(shown, st.cell)]
            # The MAS grade on the clinic's colour scale, as in the window; the grade is always printed too.
            if row.scale == "MAS" and row.latest in MAS_COLOURS:
                extra.append(("BACKGROUND", (2 + 3 * n, i), (2 + 3 * n, i), colors.HexColor(MAS_COLOURS[row.latest])))
        rows.append(line)
    fractions = (0.27, 0.12, 0.08, 0.1, 0.115, 0.08, 0.1, 0.115)
    extra.append(("LINEBEFORE", (2, 0), (2, -1), 0.6, RULE))
    extra.append(("LINEBEFORE", (5, 0), (5, -1), 0.6, RULE))
    return grid_table(rows, [width * f for f in fractions], extra, stripes=False)


def _goals(content: ReportContent, st: Styles, width: float) -> list[Any]:
    score = [Paragraph(f"<b>GAS T-score:</b> {text(content.gas_t_score)}", st.body)] if content.gas_t_score else []
    if not content.goals:
        return _section("Goals", score, st)
    rows: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in ("Goal", "At the start", "Latest")]]
    rows += [[Paragraph(text(g.text), st.cell), Paragraph(text(g.baseline), st.cell),
              Paragraph(text(g.latest), st.cell)] for g in content.goals]
    table = grid_table(rows, [width * 0.5, width * 0.22, width * 0.28])
    return _table_section("Goals", table, [Spacer(1, 6), *score], st)


def _treatments(content: ReportContent, st: Styles) -> list[list[Any]]:
    blocks = []
    for t in content.treatments:
        lines = [Paragraph(f"<b>{t.date.isoformat()}</b> — <b>{text(t.title)}</b>", st.body)]
        lines += _bullets(t.details, st.detail_bullet)
        blocks.append([*lines, Spacer(1, 4)])
    return blocks


def _signature(content: ReportContent, st: Styles, width: float) -> list[Any]:
    rows = [["", "", ""], [Paragraph("Signature", st.small), "", Paragraph("Date", st.small)]]
    sign = Table(rows, colWidths=[width * 0.55, width * 0.08, width * 0.25], rowHeights=[26, None], hAlign="LEFT")
    sign.setStyle(table_style([
        ("LINEBELOW", (0, 0), (0, 0), 0.8, INK),
        ("LINEBELOW", (2, 0), (2, 0), 0.8, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 2),
    ]))
    block = [Paragraph(f"<b>Clinician: {text(content.clinician)}</b> · {text(content.signed)}", st.body), sign]
    return [KeepTogether([Spacer(1, 8), *block])]


class _DetailBreak(ActionFlowable):  # type: ignore[misc]
    """The detail starts on a new page after page one, but straight on when page one's part ran over."""

    def apply(self, doc: Any) -> None:
        if doc.page == 1:
            doc.handle_pageBreak()


def detail(content: ReportContent, st: Styles, width: float) -> list[Any]:
    story: list[Any] = [_DetailBreak()]
    if content.exam:
        key = Paragraph(f"{LEGEND} ({ANGLE_NOTE}); “before” is the previous value recorded for that group and "
                        "side.", st.small)
        title = f"Examination of {content.exam_date.isoformat()}" if content.exam_date else "Examination"
        story += _table_section(title, exam_table(content.exam, st, width), [Spacer(1, 3), key], st)
    if content.trends is not None:
        from assess.reports.pdf_charts import trends_section  # matplotlib loads only for a report with pictures

        story += trends_section(content.trends, st, width)
    story += _section("Visit scores", _bullets(content.visit_scores, st.detail_bullet), st)
    story += _goals(content, st, width)
    story += _section("Treatments given", _treatments(content, st), st)
    story += _section("Triggers found", _bullets(content.triggers, st.detail_bullet), st)
    story += _section("Open alerts", _bullets(content.alerts, st.detail_bullet), st)
    # Reference last: the pictures follow the table they illustrate.
    story += _section("About the scales", [Paragraph(text(n), st.small) for n in content.scale_notes], st)
    story += _signature(content, st, width)
    story += _section("Addenda (corrections after signing)", _bullets(content.addenda, st.detail_bullet), st)
    return story
