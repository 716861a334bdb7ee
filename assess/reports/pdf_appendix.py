"""The appendix of the report (page two on): the examination, the pictures, scores, goals, treatments, signature."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import ActionFlowable, KeepTogether, Paragraph, Spacer, Table  # type: ignore[import-untyped]

from assess.reports.content import ReportContent
from assess.reports.pdf_exam import EXAM_KEY, exam_tables
from assess.reports.pdf_parts import INK, Styles, fit_widths, grid_table, keep_start, table_style, text


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


def _table_section(title: str, table: Any, after: Sequence[Any], st: Styles, width: float) -> list[Any]:
    """A heading over a table that may run over pages, kept with the table's first rows."""
    heading = Paragraph(text(title), st.heading)
    return [keep_start(heading, table, width), heading, table, *after]


def _goals(content: ReportContent, st: Styles, width: float) -> list[Any]:
    score = [Paragraph(f"<b>GAS T-score:</b> {text(content.gas_t_score)}", st.body)] if content.gas_t_score else []
    if not content.goals:
        return _section("Goals", score, st)
    rows: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in ("Goal", "At the start", "Latest")]]
    rows += [[Paragraph(text(g.text), st.cell), Paragraph(text(g.baseline), st.cell),
              Paragraph(text(g.latest), st.cell)] for g in content.goals]
    columns = [["Goal", *(g.text for g in content.goals)], ["At the start", *(g.baseline for g in content.goals)],
               ["Latest", *(g.latest for g in content.goals)]]
    table = grid_table(rows, fit_widths(columns, width))
    return _table_section("Goals", table, [Spacer(1, 3), *score], st, width)


def _treatments(content: ReportContent, st: Styles) -> list[list[Any]]:
    blocks = []
    for t in content.treatments:
        lines = [Paragraph(f"<b>{t.date.isoformat()}</b> — <b>{text(t.title)}</b>", st.body)]
        # The details (each injection, the dilution and lot, the notes) run on as one paragraph: a session's
        # dozen muscles would otherwise take a dozen lines.
        if t.details:
            lines.append(Paragraph(" · ".join(text(d) for d in t.details), st.detail_bullet, bulletText="•"))
        blocks.append([*lines, Spacer(1, 2)])
    return blocks


def signature(content: ReportContent, st: Styles, width: float) -> list[Any]:
    """Who examined, whether and when signed, and lines to sign and date the printed report by hand."""
    rows = [["", "", ""], [Paragraph("Signature", st.small), "", Paragraph("Date", st.small)]]
    sign = Table(rows, colWidths=[width * 0.55, width * 0.08, width * 0.25], rowHeights=[18, None], hAlign="LEFT")
    sign.setStyle(table_style([
        ("LINEBELOW", (0, 0), (0, 0), 0.8, INK),
        ("LINEBELOW", (2, 0), (2, 0), 0.8, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 2),
    ]))
    return [Spacer(1, 4), Paragraph(f"<b>Clinician: {text(content.clinician)}</b> · {text(content.signed)}", st.body),
            sign]


def _with_last(story: list[Any], block: list[Any]) -> list[Any]:
    """`block` kept on the page of the story's last paragraph, so that it never stands alone on a page."""
    if not story or not isinstance(story[-1], (KeepTogether, Paragraph)):
        return [*story, KeepTogether(block)]
    last = story[-1]
    content = list(last._content) if isinstance(last, KeepTogether) else [last]
    return [*story[:-1], KeepTogether([*content, *block])]


class _DetailBreak(ActionFlowable):  # type: ignore[misc]
    """The detail starts on a new page after page one, but straight on when page one's part ran over."""

    def apply(self, doc: Any) -> None:
        if doc.page == 1:
            doc.handle_pageBreak()


def appendix(content: ReportContent, st: Styles, width: float) -> list[Any]:
    """Everything after the letter, in order, sections without content left out; empty when nothing is left."""
    story: list[Any] = [_DetailBreak()]
    if content.exam:
        title = f"Examination of {content.exam_date.isoformat()}" if content.exam_date else "Examination"
        first, *more = exam_tables(content.exam, width)
        story += _table_section(title, first, [item for table in more for item in (Spacer(1, 4), table)]
                                + [Spacer(1, 2), Paragraph(text(EXAM_KEY), st.small)], st, width)
    if content.trends is not None:
        from assess.reports.pdf_charts import trends_section  # matplotlib loads only for a report with pictures

        story += trends_section(content.trends, st, width)
    story += _section("Visit scores", _bullets(content.visit_scores, st.detail_bullet), st)
    story += _goals(content, st, width)
    story += _section("Treatments given", _treatments(content, st), st)
    story += _section("Triggers found", _bullets(content.triggers, st.detail_bullet), st)
    story += _section("Open alerts", _bullets(content.alerts, st.detail_bullet), st)
    # Reference last, before the signature, which stays on the page of the text above it.
    story += _section("About the scales", [Paragraph(text(n), st.note) for n in content.scale_notes], st)
    addenda = _section("Addenda (corrections after signing)", _bullets(content.addenda, st.detail_bullet), st)
    if len(story) == 1 and not addenda:
        return []  # nothing to append: the letter is the report, and takes the signature (pdf.py)
    return _with_last(story, signature(content, st, width)) + addenda
