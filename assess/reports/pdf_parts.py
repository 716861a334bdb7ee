"""The report's styles, page headers and the table and heading helpers that the letter and the appendix share."""

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
    CondPageBreak,
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

from assess.record.palette import WORSE
from assess.reports.content import ReportContent

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
    caption: Any  # over a picture, and the keys
    note: Any  # the scales explained, at the end
    letterhead_name: Any
    header: Any
    header_right: Any
    header_name_right: Any
    patient: Any  # the patient lines under the title
    running: Any  # the one-line header of later pages
    running_right: Any


def make_styles() -> Styles:
    def style(name: str, size: float, leading: float, font: str = FONT, **extra: Any) -> Any:
        # No widows: a paragraph's last line never starts a page alone (orphans are refused by default).
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                              **{"textColor": INK, "bulletFontName": FONT, "allowWidows": 0, **extra})

    return Styles(
        title=style("title", 19, 23, BOLD, textColor=HEADING, spaceAfter=6),
        # The appendix is reference: set smaller than the letter, so that it takes two pages, not five.
        heading=style("heading", 11.5, 14, BOLD, textColor=HEADING, spaceBefore=6, spaceAfter=2),
        lead=style("lead", 10.5, 14, spaceAfter=3),
        bullet=style("bullet", 10.5, 14, leftIndent=16, bulletIndent=3, bulletFontName=BOLD, spaceAfter=3),
        warning=style("warning", 10.5, 14, BOLD),
        body=style("body", 9, 11.5, spaceAfter=2.5),
        detail_bullet=style("detail_bullet", 9, 11.5, leftIndent=11, bulletIndent=1, spaceAfter=1),
        cell=style("cell", 8.5, 10.2),
        cell_head=style("cell_head", 8.5, 10.2, BOLD),
        small=style("small", 8, 10, textColor=MUTED),
        caption=style("caption", 8, 9.8),
        note=style("note", 7.5, 9.2, textColor=MUTED, spaceAfter=1),
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


def _height(flowable: Any, width: float) -> float:
    """The least height a flowable takes on a page (a FitOrMove drawn as small as it allows)."""
    least = flowable.least if isinstance(flowable, FitOrMove) else 1.0
    return float(flowable.wrap(width, 10_000)[1] * least + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def keep_start(heading: Any, block: Any, width: float, rows: int = 3) -> Any:
    """A page break before `heading` unless it fits with the start of `block`: a table's header and first `rows`
    rows (all of a shorter table), or the whole of anything else (a list: all of its flowables). A KeepTogether
    would move a long table whole to the next page, leaving this one half empty."""
    needed = _height(heading, width)
    if isinstance(block, list):
        return CondPageBreak(needed + sum(_height(item, width) for item in block) + 2)
    if not isinstance(block, Table):
        return CondPageBreak(needed + _height(block, width) + 2)
    block.wrap(width, 10_000)
    header = block.repeatRows if isinstance(block.repeatRows, int) else len(block.repeatRows)
    return CondPageBreak(needed + sum(block._rowHeights[:header + rows]) + 2)


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
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]))
    return table


def fit_widths(columns: Sequence[Sequence[str]], width: float, size: float = 8.5, padding: float = 6.0) -> list[float]:
    """Column widths from the text of each column (header first, in bold): each as wide as its longest line
    when they all fit, else the widest ones cut to one width (never below a column's longest word), so that
    short columns stay on one line and only long text wraps; spare room is shared in proportion."""
    def wide(value: str, font: str) -> float:
        return max((float(pdfmetrics.stringWidth(line, font, size)) for line in value.split("\n")), default=0.0)

    natural = [max([wide(c[0], BOLD), *(wide(v, FONT) for v in c[1:])]) + padding for c in columns]
    least = [max(wide(word, BOLD if n == 0 else FONT) for n, v in enumerate(c) for word in v.split() or [""])
             + padding for c in columns]
    return share_width(natural, least, width)


def share_width(natural: Sequence[float], least: Sequence[float], width: float) -> list[float]:
    """Widths that fill `width`: the natural ones grown in proportion when they fit, else the widest cut to one
    width, none below its least."""
    if sum(natural) <= width:
        return [n * width / sum(natural) for n in natural]
    low, high = 0.0, max(natural)
    for _ in range(40):  # the one cut that fills the width, by bisection
        cut = (low + high) / 2
        if sum(max(min(n, cut), m) for n, m in zip(natural, least, strict=True)) > width:
            high = cut
        else:
            low = cut
    return [max(min(n, low), m) for n, m in zip(natural, least, strict=True)]

class FitOrMove(Flowable):  # type: ignore[misc]
    """A block never split (a row of pictures): drawn at its size where it fits, a little smaller, down to
    `least`, rather than leave the rest of the page empty, else moved whole to the next page."""

    def __init__(self, content: Any, least: float = 0.88) -> None:
        super().__init__()
        self.content, self.least, self.scale, self.indent = content, least, 1.0, 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width, height = self.content.wrap(available_width, available_height)
        fits = height <= available_height or height * self.least > available_height
        self.scale = 1.0 if fits else available_height / height
        self.indent = (width - width * self.scale) / 2  # a smaller block stays centred under the full ones
        self.width, self.height = width, height * self.scale
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Any]:
        return []  # whole or not at all

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(self.indent, 0)
        self.canv.scale(self.scale, self.scale)
        self.content.drawOn(self.canv, 0, 0)
        self.canv.restoreState()
