"""The report to the primary care doctor as a PDF: page layout, fonts and the furniture of every page."""

from __future__ import annotations

import importlib.util
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4, LETTER  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate  # type: ignore[import-untyped]

from assess.record.errors import AssessError
from assess.reports import pdf_parts
from assess.reports.content import ReportContent
from assess.reports.pdf_appendix import appendix, signature
from assess.reports.pdf_letter import letter
from assess.reports.pdf_parts import BOLD, DRAFT_RED, FONT, HEADING, MUTED, RULE, Styles

# Where DejaVu is looked for, in order (Debian/Ubuntu, Fedora/Arch, a user's own fonts); matplotlib's copy
# comes after these. A module-level list so that a test can point the search at an empty folder.
FONT_FOLDERS: list[Path] = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
    Path.home() / ".local/share/fonts",
]
FONT_FILES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

PAPER = {"letter": LETTER, "a4": A4}
SIDE_MARGIN = 50.0
TOP_MARGIN = 34.0
BOTTOM_MARGIN = 30.0
FOOTER_HEIGHT = 26.0  # the rule and one line of the footer, above the bottom margin
HEADER_GAP = 14.0  # between the header's rule and the text of the page
DRAFT_MARK = "DRAFT — not signed"
DRAFT_BAND = 20.0
SUBJECT = "Spasticity clinic report for the primary care doctor"


def _matplotlib_fonts() -> Path | None:
    """matplotlib's bundled DejaVu (found without importing matplotlib, which is slow to import)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def font_path(file_name: str) -> Path:
    """The first copy of a DejaVu font file in FONT_FOLDERS, then in matplotlib's data."""
    folders = list(FONT_FOLDERS)
    if (bundled := _matplotlib_fonts()) is not None:
        folders.append(bundled)
    for folder in folders:
        if (folder / file_name).is_file():
            return folder / file_name
    raise AssessError(
        f"Cannot write the PDF report: the font file {file_name} was not found "
        f"(looked in {', '.join(str(f) for f in folders)}). Install the DejaVu fonts: "
        "on Debian or Ubuntu `apt-get install fonts-dejavu-core`, on Fedora `dnf install dejavu-sans-fonts`."
    )


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) as embedded TrueType fonts, so that any name prints."""
    paths = {name: font_path(file) for name, file in FONT_FILES.items()}  # checked on every report
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, path in paths.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@dataclass(frozen=True)
class _Furniture:
    """What every page carries around its text: header, footer, and the draft marks."""

    content: ReportContent
    letterhead: Any
    running: Any
    letterhead_height: float
    running_height: float
    page_width: float
    page_height: float

    @property
    def band(self) -> float:
        return DRAFT_BAND + 6 if self.content.draft else 0.0

    def frame_top(self, first: bool) -> float:
        header = self.letterhead_height if first else self.running_height
        return self.page_height - TOP_MARGIN - self.band - header - HEADER_GAP

    def draw_header(self, canvas: Any, doc: Any, first: bool) -> None:
        canvas.saveState()
        top = self.page_height - TOP_MARGIN
        width = self.page_width - 2 * SIDE_MARGIN
        if self.content.draft:
            canvas.setFillColor(DRAFT_RED)
            canvas.rect(SIDE_MARGIN, top - DRAFT_BAND, width, DRAFT_BAND, stroke=0, fill=1)
            canvas.setFillColorRGB(1, 1, 1)
            canvas.setFont(BOLD, 11.5)
            canvas.drawCentredString(self.page_width / 2, top - DRAFT_BAND + 6, DRAFT_MARK)
            top -= self.band
        header, height = (self.letterhead, self.letterhead_height) if first else (self.running, self.running_height)
        header.drawOn(canvas, SIDE_MARGIN, top - height)
        canvas.setStrokeColor(HEADING if first else RULE)
        canvas.setLineWidth(1.2 if first else 0.6)
        rule = top - height - 5
        canvas.line(SIDE_MARGIN, rule, self.page_width - SIDE_MARGIN, rule)
        # The footer's left half; "Page X of Y" is written at the end, when the total is known.
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(SIDE_MARGIN, BOTTOM_MARGIN + 14, self.page_width - SIDE_MARGIN, BOTTOM_MARGIN + 14)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 9)
        canvas.drawString(SIDE_MARGIN, BOTTOM_MARGIN, f"Report date {self.content.report_date.isoformat()}")
        canvas.restoreState()

    def draw_watermark(self, canvas: Any, doc: Any) -> None:
        """A light diagonal mark over the page's text, so that no page of a draft passes for signed."""
        if not self.content.draft:
            return
        canvas.saveState()
        canvas.setFillColor(DRAFT_RED)
        canvas.setFillAlpha(0.09)
        diagonal = (self.page_width**2 + self.page_height**2) ** 0.5
        size = 0.62 * diagonal / pdfmetrics.stringWidth(DRAFT_MARK, BOLD, 1)
        canvas.setFont(BOLD, size)
        canvas.translate(self.page_width / 2, self.page_height / 2)
        canvas.rotate(math.degrees(math.atan2(self.page_height, self.page_width)))
        canvas.drawCentredString(0, -size / 3, DRAFT_MARK)
        canvas.restoreState()

    def draw_page_number(self, canvas: Any, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 9)
        canvas.drawRightString(self.page_width - SIDE_MARGIN, BOTTOM_MARGIN, f"Page {page} of {total}")
        canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds every page back until the end, then writes "Page X of Y" on each (reportlab's canvasmaker pattern)."""

    def __init__(self, *args: Any, page_number: Callable[[Any, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        self._page_number = page_number

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        held = self._held
        for state in held:
            self.__dict__.update(state)
            self._page_number(self, self._pageNumber, len(held))
            super().showPage()
        super().save()


def _furniture(content: ReportContent, st: Styles, pagesize: tuple[float, float]) -> _Furniture:
    page_width, page_height = pagesize
    width = page_width - 2 * SIDE_MARGIN
    letterhead = pdf_parts.letterhead(content, st, width)
    running = pdf_parts.running_header(content, st, width)
    return _Furniture(content, letterhead, running, letterhead.wrap(width, page_height)[1],
                      running.wrap(width, page_height)[1], page_width, page_height)


def write_report(content: ReportContent, out: Path | BinaryIO) -> None:
    """Write the report as a PDF to a file path or a binary stream."""
    register_fonts()
    paper = content.clinic.paper.strip().lower() or "letter"
    if paper not in PAPER:
        raise AssessError(f"Unknown paper size {content.clinic.paper!r} in the clinic settings: use letter or a4.")
    pagesize = PAPER[paper]
    st = pdf_parts.make_styles()
    page = _furniture(content, st, pagesize)
    width = page.page_width - 2 * SIDE_MARGIN
    bottom = BOTTOM_MARGIN + FOOTER_HEIGHT

    def template(name: str, first: bool) -> Any:
        frame = Frame(SIDE_MARGIN, bottom, width, page.frame_top(first) - bottom, id=name,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        return PageTemplate(id=name, frames=[frame], onPage=partial(page.draw_header, first=first),
                            onPageEnd=page.draw_watermark, autoNextPageTemplate="later" if first else None)

    doc = BaseDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=pagesize,
        leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN, topMargin=TOP_MARGIN, bottomMargin=bottom,
        title=f"{content.title} — {content.patient_name}",
        author=content.clinic.name,
        subject=SUBJECT,
        creator="assess",
        initialFontName=FONT,  # else the canvas starts each page in Helvetica, a font that is not embedded
        initialFontSize=10,
        pageTemplates=[template("first", True), template("later", False)],
    )
    rest = appendix(content, st, width)
    # A report with nothing to append is the letter alone, signed at its foot rather than alone on page two.
    closing = [] if rest else signature(content, st, width)
    story = letter(content, width, page.frame_top(True) - bottom, closing) + rest
    doc.build(story, canvasmaker=partial(_NumberedCanvas, page_number=page.draw_page_number))


def report_bytes(content: ReportContent) -> bytes:
    """The report as PDF bytes (for a preview, an attachment or a test)."""
    buffer = io.BytesIO()
    write_report(content, buffer)
    return buffer.getvalue()
