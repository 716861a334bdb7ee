"""The report's pictures: the body map, trend charts and the toxin response table, drawn by the same
functions as the window (charts.py, body_map.py) into PNG images that reportlab places on the page."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.platypus import Image, Paragraph, Spacer, Table  # type: ignore[import-untyped]

from assess.record.palette import BETTER
from assess.reports.content import TrendChart, Trends
from assess.reports.pdf_parts import FitOrMove, Styles, fit_widths, grid_table, keep_start, text

DPI = 150  # sharp on paper and on screen; 200 dpi took a third longer to build
GAP = 14.0  # points between the two pictures of a row
TICKS = 7.0  # points: the charts' tick labels, at the size of the lane's
# The chart's frame in points, not in fractions of the picture: the y label sits 40 points left of the axis
# (charts.trend_axes) and the legend above it, whatever the picture's width.
LEFT, RIGHT, TOP, BOTTOM = 50.0, 4.0, 14.0, 15.0
# The chart and its lane in points, whatever the picture's width: the MAS grades 1 and 1+ about 6.5 points apart,
# the lane's four rows about 8; two rows of two charts with their captions take under half a page.
MAIN, LANE, AXES_GAP = 62.0, 33.0, 3.0
MAP_HEIGHT = 110.0  # points: the body map, its grades readable; beside it, its legend
LABELS = 5.0  # points: the body map's own words under its figures
MAP_LEGEND = 72.0  # points right of the drawing for the legend ("not examined" at 6.5 points)


def _png(figure: Any) -> io.BytesIO:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    # Least PNG compression: reportlab decodes the picture and compresses it again for the PDF anyway.
    figure.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 1})
    out.seek(0)
    return out


def body_map_image(trends: Trends, height: float) -> Any:
    """The body map `height` points tall, the legend of MAS grades to its right, in one picture."""
    from matplotlib.figure import Figure

    from assess.reports.body_map import draw_body_map, drawing

    body = height * drawing().width / drawing().height
    width = body + MAP_LEGEND
    figure = Figure(figsize=(width / 72, height / 72))
    figure.subplots_adjust(left=0, right=body / width, top=1, bottom=0)
    ax = figure.add_subplot()
    draw_body_map(ax, {(g, s): grade for g, s, grade in trends.body_map})
    labels = {label.text for label in drawing().labels}
    for words in ax.texts:  # "Right", "Left", "Front", "Back": at the window's least size they meet at this one
        if words.get_text() in labels:
            words.set_fontsize(LABELS)
    # The legend in one column beside the drawing rather than the window's four under it: the picture sits
    # beside text, where a wide legend would be cut.
    legend = ax.get_legend()
    assert legend is not None  # draw_body_map always draws one
    ax.legend(handles=legend.legend_handles, labels=[t.get_text() for t in legend.get_texts()],
              title="Latest MAS", loc="center left", bbox_to_anchor=(1.0, 0.5), ncol=1, fontsize=6.5,
              title_fontsize=6.5, frameon=False, handlelength=1.5, handletextpad=0.5, labelspacing=0.35,
              borderaxespad=0.3, alignment="left")
    return Image(_png(figure), width=width, height=height)


class ChartPainter:
    """Draws a report's trend charts, one after another, on one figure: each chart empties the Axes and draws
    again (charts.draw_trend, as the window does), so the ticks are made once per report, not once per chart,
    the costliest part of a chart."""

    def __init__(self, width: float) -> None:
        from matplotlib.figure import Figure

        from assess.reports.charts import trend_axes

        self.width, self.height, self.months = width, TOP + MAIN + LANE + AXES_GAP + BOTTOM, False
        self.figure = Figure(figsize=(width / 72, self.height / 72))
        self.axes = trend_axes(self.figure)
        self.axes[0].get_gridspec().set_height_ratios([MAIN, LANE])
        self._frame(BOTTOM)  # before drawing, which reads it
        for ax in self.axes:  # before any tick is made: each is made at this size
            ax.tick_params(labelsize=TICKS, length=2.5, pad=2)
        self.axes[0].tick_params(axis="y", labelsize=TICKS - 1)  # 1 and 1+ are half a grade apart

    def _frame(self, bottom: float) -> None:
        # Adjusting after the height ratios places the Axes again.
        self.figure.subplots_adjust(left=LEFT / self.width, right=1 - RIGHT / self.width, top=1 - TOP / self.height,
                                    bottom=bottom / self.height, hspace=AXES_GAP / ((MAIN + LANE) / 2))

    def paint(self, trends: Trends, chart: TrendChart) -> Any:
        """A trend chart over its treatment lane; its caption, printed above it, names it (so no title inside)."""
        from assess.reports.charts import LANES, SHORT_NAMES, draw_trend

        chart_ax, lane_ax = self.axes
        draw_trend(chart_ax, lane_ax, trends.history, chart.group, chart.chart)
        if not self.months and any("\n" in label.get_text() for label in lane_ax.get_xticklabels()):
            self.months = True  # months over years, on two lines: the picture grows under the axes
            self.height += TICKS + 1
            self.figure.set_size_inches(self.width / 72, self.height / 72)
            self._frame(BOTTOM + TICKS + 1)
        chart_ax.set_title("", loc="left")  # the caption says it; at half a page it would run into the legend
        # The scale's short name up the y axis: its full name, in the caption, is longer than the axis is high.
        chart_ax.set_ylabel(SHORT_NAMES[chart.chart] if chart.group else Y_LABELS.get(chart.chart, ""),
                            fontsize=TICKS + 0.5)
        # The lane's rows on one line each: "Surgery, therapy" would run into "Pump" (the key says "Other").
        lane_ax.set_yticks(list(LANES.values()), ["Toxin", "Drugs", "Pump", "Other"], fontsize=TICKS - 1)
        return Image(_png(self.figure), width=self.width, height=self.height)


Y_LABELS = {"penn_frequency": "Penn frequency", "penn_severity": "Penn severity", "pain_nrs": "Pain",
            "das_total": "DAS total", "gas_t": "GAS T-score"}
KEY = ("<b>Charts</b>: left ● solid blue, right ■ dashed orange. The lane under each chart shows the treatments "
       "on the same time axis: ▼ botulinum toxin session with its expected effect (3 days to 16 weeks) shaded, "
       "darker when it reached the charted group; oral drugs and the intrathecal pump dose as lines; in the last "
       "row (Other), selective dorsal rhizotomy (SDR) and other surgery as vertical lines, therapy and orthoses as "
       "pink bands.")
BODY_MAP = ("<b>Body map</b>: the latest Modified Ashworth grade of each muscle group examined, on the clinic's "
            "colour scale (grade printed where it fits); hatched grey: not examined.")


def _row(pair: list[Any], half: float) -> Any:
    row = Table([pair + [[]] * (2 - len(pair))], colWidths=[half + GAP, half], hAlign="LEFT")
    row.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                  ("RIGHTPADDING", (0, 0), (0, -1), GAP), ("RIGHTPADDING", (1, 0), (1, -1), 0),
                  ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return FitOrMove(row)


def _beside(picture: Any, picture_width: float, words: Any, width: float) -> Any:
    table = Table([[picture, words]], colWidths=[picture_width + 8, width - picture_width - 8], hAlign="LEFT")
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return FitOrMove(table)


def trends_section(trends: Trends, st: Styles, width: float) -> list[Any]:
    """'Trends': the body map and the key to the charts, then the charts two to a row, each under its caption,
    then the responses. With an odd number of charts the body map takes the free half of a row (the key to the
    charts above the rows); with an even number, a strip of its own beside the key (a row less)."""
    half = (width - GAP) / 2
    painter = ChartPainter(half) if trends.charts else None
    charts = [[Paragraph(text(c.caption), st.caption), Spacer(1, 2), painter.paint(trends, c)]
              for c in trends.charts if painter is not None]
    picture = body_map_image(trends, MAP_HEIGHT)
    heading = Paragraph("Trends", st.heading)
    story: list[Any] = [heading]
    if len(charts) % 2:
        story.append(Paragraph(KEY, st.caption))
        cells = [[picture, Spacer(1, 2), Paragraph(BODY_MAP, st.caption)], *charts]
        rows = [_row(cells[n:n + 2], half) for n in range(0, len(cells), 2)]
    else:
        rows = [_beside(picture, picture.drawWidth, Paragraph(BODY_MAP + " " + KEY, st.caption), width)]
        rows += [_row(charts[n:n + 2], half) for n in range(0, len(charts), 2)]
    story = [keep_start(heading, [*story[1:], rows[0]], width), *story, *rows]
    if trends.responses:
        story += _responses(trends, st, width)
    return story


def _responses(trends: Trends, st: Styles, width: float) -> list[Any]:
    """Each injected group and side a row, each session a column (oldest first, as on the charts' time axis),
    the verdict where they meet; "—" where a session did not inject that group and side."""
    sessions = sorted({row[0] for row in trends.responses})  # each begins with its ISO date
    verdicts: dict[tuple[str, str], dict[str, str]] = {}
    for session, group, side, verdict, *_ in trends.responses:  # head to toe, as the service lists them
        verdicts.setdefault((group, side), {})[session] = verdict
    sites = list(verdicts)
    head = ["Muscle group, side", *(session.replace(" ", "\n", 1) for session in sessions)]
    body = [[f"{group}, {side}", *(verdicts[(group, side)].get(s, "—") for s in sessions)] for group, side in sites]
    rows: list[list[Any]] = [[Paragraph(text(h), st.cell_head) for h in head]]
    extra: list[tuple[Any, ...]] = []
    for n, line in enumerate(body, start=1):
        rows.append([Paragraph(text(cell), st.cell) for cell in line])
        extra += [("TEXTCOLOR", (c, n), (c, n), colors.HexColor(BETTER)) for c, cell in enumerate(line)
                  if c and cell.startswith("yes")]
    columns = [[h, *(line[c] for line in body)] for c, h in enumerate(head)]
    table = grid_table(rows, fit_widths(columns, width), extra)
    heading = Paragraph("Response to botulinum toxin (latest sessions)", st.heading)
    return [keep_start(heading, table, width), heading, table, Spacer(1, 2),
            Paragraph(text(trends.response_note), st.small)]
