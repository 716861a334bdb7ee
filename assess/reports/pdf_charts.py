"""The report's pictures: the body map, trend charts and the toxin response table, drawn by the same
functions as the window (charts.py, body_map.py) into PNG images that reportlab places on the page."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.platypus import CondPageBreak, Image, KeepTogether, Paragraph, Spacer, Table  # type: ignore[import-untyped]

from assess.record.palette import BETTER
from assess.reports.content import TrendChart, Trends
from assess.reports.pdf_parts import Styles, grid_table, text
from assess.scoring.response import RESPONSE_HEADERS

DPI = 150  # sharp on paper and on screen; 200 dpi took a third longer to build
CHART_HEIGHT = 0.4  # of the width: the time axis keeps its length, four charts take about a page


def _png(figure: Any) -> io.BytesIO:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    # Least PNG compression: reportlab decodes the picture and compresses it again for the PDF anyway.
    figure.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 1})
    out.seek(0)
    return out


def body_map_image(trends: Trends, width: float) -> Any:
    """The body map at `width` points wide, keeping the drawing's proportions (legend underneath)."""
    from matplotlib.figure import Figure

    from assess.reports.body_map import draw_body_map

    height = width * 1.45
    figure = Figure(figsize=(width / 72, height / 72))
    figure.subplots_adjust(left=0, right=1, top=1, bottom=0.12)
    draw_body_map(figure.add_subplot(), {(g, s): grade for g, s, grade in trends.body_map})
    return Image(_png(figure), width=width, height=height)


def chart_image(trends: Trends, chart: TrendChart, width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    from assess.reports.charts import draw_trend, trend_axes

    figure = Figure(figsize=(width / 72, height / 72))
    figure.subplots_adjust(left=0.11, right=0.985, top=0.9, bottom=0.1)
    draw_trend(*trend_axes(figure), trends.history, chart.group, chart.chart)
    return Image(_png(figure), width=width, height=height)


def _heading(title: str, st: Styles) -> Any:
    return Paragraph(text(title), st.heading)


def trends_section(trends: Trends, st: Styles, width: float) -> list[Any]:
    """'Trends': the body map beside how to read it, then each chart with its caption, then the responses."""
    story: list[Any] = []
    key = [Paragraph("<b>Body map</b>: the latest Modified Ashworth grade of each muscle group examined, "
                     "on the clinic's colour scale (grade printed where it fits); hatched grey: not examined.",
                     st.body),
           Spacer(1, 4),
           Paragraph("<b>Charts</b>: left ● solid blue, right ■ dashed orange. The lane below each chart shows "
                     "treatments on the same time axis: ▼ botulinum toxin session with its expected effect "
                     "(3 days to 16 weeks) shaded, darker when it reached the charted group; oral drugs and "
                     "the intrathecal pump dose as lines; selective dorsal rhizotomy (SDR) and other surgery "
                     "as vertical lines; therapy and orthoses as pink bands.", st.body)]
    side = Table([[body_map_image(trends, width * 0.22), key]], colWidths=[width * 0.24, width * 0.76])
    side.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story.append(KeepTogether([_heading("Trends", st), side]))
    for chart in trends.charts:
        story.append(KeepTogether([Spacer(1, 6), Paragraph(text(chart.caption), st.body),
                                   chart_image(trends, chart, width, CHART_HEIGHT * width)]))
    if trends.responses:
        story += _responses(trends, st, width)
    return story


def _responses(trends: Trends, st: Styles, width: float) -> list[Any]:
    headers = trends.response_headers or RESPONSE_HEADERS
    table_rows: list[list[Any]] = [[Paragraph(text(h), st.cell_head) for h in headers]]
    extra = []
    verdict = headers.index("Responder") if "Responder" in headers else 3
    for n, row in enumerate(trends.responses, start=1):
        table_rows.append([Paragraph(text(cell), st.cell) for cell in row])
        if row[verdict].startswith("yes"):
            extra.append(("TEXTCOLOR", (verdict, n), (verdict, n), colors.HexColor(BETTER)))
    share = width / sum(WIDTHS.get(h, 1.0) for h in headers)
    table = grid_table(table_rows, [share * WIDTHS.get(h, 1.0) for h in headers], extra)
    return [CondPageBreak(120), _heading("Response to botulinum toxin (latest sessions)", st), table,
            Spacer(1, 3), Paragraph(text(trends.response_note), st.small)]


# Relative column widths of the response table, by title.
WIDTHS = {"Session": 1.5, "Muscle group": 1.6, "Side": 0.55, "Responder": 1.2}
