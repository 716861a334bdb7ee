"""The Trends page of the patient view: the body map coloured by the latest MAS (a click charts that
group), and any score of a muscle group (or a visit score) over the years over the treatment lane, drawn
by the same functions as the PDF report (assess.reports.charts, assess.reports.body_map).

matplotlib is slow to import (about half a second), so nothing of it loads until the page is first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import PatientRecord
from assess.reports.charts import GROUP_CHARTS, SIDE_STYLE
from assess.scoring.chart_text import body_map_summary, body_map_table, trend_summary, trend_table
from assess.scoring.muscles import MUSCLE_GROUPS
from assess.scoring.response import VISIT_SCORES
from assess.ui.chart_values import ValuesTable
from assess.ui.file_dialogs import ask_save_file

# Combo data of the visit-level charts, told apart from muscle group codes.
VISIT_PREFIX = "visit:"
EXPORT_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"


LANE_KEY = ("Lane below: ▼ toxin session with its expected effect (3 days to 16 weeks) shaded, darker when it "
            "reached this group; drugs and pump dose as lines; SDR and surgery as vertical lines; therapy and "
            "orthoses as pink bands.")


def chart_key(group: str | None, chart: str) -> str:
    """Which line is which, under the chart (coloured words, as the lines are drawn)."""
    blue, orange = SIDE_STYLE["left"]["color"], SIDE_STYLE["right"]["color"]
    left = f'<span style="color:{blue}">Left ● solid blue</span>'
    right = f'<span style="color:{orange}">right ■ dashed orange</span>'
    if group is None:
        lines = "The visit's score, ● at each visit."
    elif chart == "tardieu":
        lines = (f'<span style="color:{blue}">Left blue</span>, <span style="color:{orange}">right orange</span>; '
                 "R1 (catch) ▼ solid, R2 (full range) ▲ dotted; shaded between: the dynamic component (R2 − R1).")
    else:
        lines = f"{left}, {right}."
    return f"{lines} {LANE_KEY}"


def examined_groups(record: PatientRecord) -> set[str]:
    return {f.muscle_group for v in record.visits for f in v.findings}


class TrendsPanel(QWidget):
    """Chooser of what to chart (Up/Down switch groups at once), the chart with its treatment lane, export."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: PatientRecord | None = None
        self.figure: Any = None
        self.canvas: Any = None
        self.axes: tuple[Any, Any] | None = None
        self.body_canvas: Any = None
        self.regions: dict[Any, tuple[str, str]] = {}  # body map patch -> (group, side)
        self._overlays: list[Any] = []  # the charted group's outline on the body map
        self._body_background: Any = None
        self._dirty = True
        self._body_dirty = True
        self._frame: tuple[int, str] | None = None  # the record and scale whose frame is saved
        self._chart_background: Any = None
        self._group_artists: list[Any] = []  # drawn over the saved frame (animated)
        self.chart_description = self.body_description = ""  # what the drawings say, in words (see _describe)
        self.what = QComboBox()
        self.what.setAccessibleName("What to chart: a muscle group or a visit score")
        self.chart = QComboBox()
        # Sized by a number of characters, not by the longest entry: the page fits a 1280-pixel screen.
        for combo in (self.what, self.chart):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        self.chart.setAccessibleName("Which score of the muscle group")
        for code, title in GROUP_CHARTS.items():
            self.chart.addItem(title, code)
        what_label, chart_label = QLabel("&Chart:"), QLabel("&Score:")
        what_label.setBuddy(self.what)
        chart_label.setBuddy(self.chart)
        self.export_button = QPushButton("Export chart…")
        self.export_button.setAccessibleName("Export the chart as PNG or SVG")
        self.export_button.clicked.connect(self._ask_export)
        controls = QHBoxLayout()
        for widget, stretch in ((what_label, 0), (self.what, 3), (chart_label, 0), (self.chart, 2)):
            controls.addWidget(widget, stretch)
        controls.addWidget(self.export_button)
        self.message = QLabel("The chart appears here.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_area = QVBoxLayout()
        self.chart_area.addWidget(self.message, 1)
        self.legend = QLabel(chart_key(None, "mas"))
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #555;")
        self.body_area = QVBoxLayout()
        body_caption = QLabel("Latest MAS of each muscle group.\nClick a region to chart that group.")
        body_caption.setStyleSheet("color: #555;")
        self.body_area.addWidget(body_caption)
        # The drawing and, on its own page, its values as tables (the text alternative of chart and body map).
        chart_page, values_page = QWidget(), QWidget()
        chart_page.setLayout(self.chart_area)
        self.chart_values = ValuesTable("Values of the chart", "Each examination day's values, as charted")
        self.body_values = ValuesTable("Values of the body map", "The latest MAS grade of each muscle group")
        values = QHBoxLayout(values_page)
        values.addWidget(self.chart_values, 3)
        values.addWidget(self.body_values, 2)
        self.views = QTabWidget()
        self.views.setAccessibleName("Chart, or its values as tables")
        self.views.addTab(chart_page, "Chart")
        self.views.addTab(values_page, "Values (table)")
        right = QVBoxLayout()
        right.addLayout(controls)
        right.addWidget(self.views, 1)
        right.addWidget(self.legend)
        layout = QHBoxLayout(self)
        layout.addLayout(self.body_area)
        layout.addLayout(right, 1)
        self.what.currentIndexChanged.connect(self._choice_changed)
        self.chart.currentIndexChanged.connect(self._choice_changed)

    # -- what is charted ---------------------------------------------------------------------------------

    def set_record(self, record: PatientRecord) -> None:
        """A patient's record (again, after a save): keeps the chosen chart when it still applies."""
        previous = self.what.currentData()
        self.record = record
        self._body_dirty = True
        self._frame = None  # a new record: a new frame (and an id() may be reused by a later record)
        examined = examined_groups(record)
        self.what.blockSignals(True)
        self.what.clear()
        for group in MUSCLE_GROUPS:
            suffix = "" if group.code in examined else "  (not examined)"
            self.what.addItem(group.name + suffix, group.code)
        self.what.insertSeparator(self.what.count())
        for code, (title, _low, _high) in VISIT_SCORES.items():
            self.what.addItem(title, VISIT_PREFIX + code)
        first_examined = next((g.code for g in MUSCLE_GROUPS if g.code in examined), MUSCLE_GROUPS[0].code)
        index = self.what.findData(previous) if previous else -1
        self.what.setCurrentIndex(index if index >= 0 else self.what.findData(first_examined))
        self.what.blockSignals(False)
        self._choice_changed()

    def choice(self) -> tuple[str | None, str]:
        """(muscle group code, chart) or (None, visit score code)."""
        data = str(self.what.currentData() or "")
        if data.startswith(VISIT_PREFIX):
            return None, data.removeprefix(VISIT_PREFIX)
        return data, str(self.chart.currentData())

    def show_group(self, group: str, chart: str = "mas") -> None:
        """Chart one muscle group (a click on the body map, say)."""
        self.chart.blockSignals(True)
        self.chart.setCurrentIndex(max(0, self.chart.findData(chart)))
        self.chart.blockSignals(False)
        index = self.what.findData(group)
        if index == self.what.currentIndex():
            self._choice_changed()
        else:
            self.what.setCurrentIndex(index)

    def _describe(self) -> None:
        """The text alternative: the chart's and the body map's values as tables and as one sentence each."""
        if self.record is None:
            return
        group, chart = self.choice()
        self.chart_values.show_rows(*trend_table(self.record, group, chart))
        self.body_values.show_rows(*body_map_table(self.record.visits))
        self.chart_description = trend_summary(self.record, group, chart)
        self.body_description = body_map_summary(self.record.visits)
        for canvas, text in ((self.canvas, self.chart_description), (self.body_canvas, self.body_description)):
            if canvas is not None:
                canvas.setAccessibleDescription(text)

    def _choice_changed(self) -> None:
        self._describe()
        group, _chart = self.choice()
        self.chart.setEnabled(group is not None)
        self._dirty = True
        if self.isVisible():
            self.redraw()
            self._highlight(group)

    # -- drawing ------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._body_dirty:
            self.redraw_body_map()
        if self._dirty:
            self.redraw()

    def prepare(self) -> None:
        """The chart's canvas built and drawn once, empty, ahead of the first chart (matplotlib's fonts, text and
        renderer loaded): done while the window is idle (ui/warm_up.py), so the first chart costs only itself."""
        if self.canvas is not None:
            return
        self._ensure_canvas()
        canvas: Any = self.canvas
        canvas.draw()  # hidden: Agg renders into its own buffer

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        from assess.reports.charts import trend_axes

        self.figure = Figure(figsize=(8, 5), dpi=100)
        # Fixed margins rather than a layout engine: a redraw stays cheap when the group changes.
        self.figure.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.09)
        self.axes = trend_axes(self.figure)
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        self.canvas.setAccessibleName("Trend chart")
        self.canvas.setAccessibleDescription(self.chart_description)
        self.canvas.setMinimumHeight(260)
        self.canvas.mpl_connect("resize_event", self._keep_margins)
        self.canvas.mpl_connect("draw_event", self._on_chart_drawn)
        self.chart_area.removeWidget(self.message)
        self.message.hide()
        self.chart_area.addWidget(self.canvas, 1)

    def _keep_margins(self, _event: object = None) -> None:
        """Margins in pixels, not fractions: the lane's labels fit whether the window is wide or narrow."""
        width, height = self.canvas.width() or 800, self.canvas.height() or 500
        self.figure.subplots_adjust(left=min(0.3, 80 / width), right=1 - 12 / width, top=1 - 30 / height,
                                    bottom=min(0.3, 28 / height))

    def redraw(self, *, now: bool = False) -> bool:
        """Draws the chosen chart; False when nothing of it was recorded. `now` paints before returning."""
        if self.record is None:
            return False
        from assess.reports.charts import FIXED_FRAME_CHARTS, draw_trend_parts, swap_group

        self._ensure_canvas()
        assert self.axes is not None
        group, chart = self.choice()
        self._dirty = False
        frame = (id(self.record), chart) if group is not None and chart in FIXED_FRAME_CHARTS else None
        if frame is not None and frame == self._frame and self._chart_background is not None:
            # Same record and scale: the frame (axes, grades, MAS bands, the other treatments) is saved;
            # only the group's lines, legend, title and toxin emphasis are drawn over it.
            drawn, self._group_artists = swap_group(*self.axes, self.record, str(group), chart,
                                                    self._group_artists, legend=False)
            self._blit_group()
            return drawn
        for artist in self._group_artists:
            artist.set_animated(False)  # the title stays on the Axes: drawn as usual again
        # The key to the lines is the label under the chart: a matplotlib legend is laid out at every draw.
        drawn, self._group_artists = draw_trend_parts(*self.axes, self.record, group, chart, legend=False)
        self.legend.setText(chart_key(group, chart))
        self._frame, self._chart_background = frame, None
        for artist in self._group_artists:
            artist.set_animated(True)  # left out of the saved frame, drawn over it
        if now:
            self.canvas.draw()
        else:
            self.canvas.draw_idle()
        return drawn

    def _on_chart_drawn(self, _event: object) -> None:
        """After a full draw, the picture without the group's artists is the frame; then they are drawn."""
        self._chart_background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._blit_group(paint=False)  # a full draw is painted next anyway (blitting here would repaint twice)

    def _blit_group(self, paint: bool = True) -> None:
        if self._chart_background is None:
            return
        self.canvas.restore_region(self._chart_background)
        for artist in self._group_artists:
            artist.set_animated(True)
            artist.axes.draw_artist(artist) if artist.axes is not None else self.figure.draw_artist(artist)
        if paint:
            self.canvas.blit(self.figure.bbox)

    def redraw_body_map(self) -> None:
        """The body map of the record's latest MAS grades, the charted group outlined."""
        if self.record is None:
            return
        from assess.reports.body_map import draw_body_map
        from assess.scoring.response import latest_mas

        if self.body_canvas is None:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            from matplotlib.figure import Figure

            figure = Figure(figsize=(3.2, 4.6), dpi=100)
            figure.subplots_adjust(left=0.0, right=1.0, top=1.0, bottom=0.1)  # the legend goes under
            self.body_canvas = FigureCanvasQTAgg(figure)  # type: ignore[no-untyped-call]
            self.body_canvas.setMinimumSize(220, 320)
            self.body_canvas.setMaximumWidth(360)
            self.body_canvas.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            self.body_canvas.mpl_connect("resize_event", self._body_resized)
            self.body_canvas.setAccessibleName("Body map: latest MAS of each muscle group; click to chart it")
            self.body_canvas.setAccessibleDescription(self.body_description)
            self.body_canvas.mpl_connect("pick_event", self._on_region_picked)
            self.body_canvas.mpl_connect("draw_event", self._blit_overlays)
            self.body_area.insertWidget(0, self.body_canvas, 1)
        figure = self.body_canvas.figure
        figure.clear()
        self._overlays, self._body_background = [], None
        ax = figure.add_subplot()
        self.regions = draw_body_map(ax, latest_mas(self.record.visits))
        self._body_dirty = False
        self._highlight(self.choice()[0], draw=False)
        self.body_canvas.draw_idle()

    def _body_resized(self, _event: object) -> None:
        # Text and line sizes follow the drawn size: a new size is a new drawing (it is not on a group switch).
        self._body_dirty = True
        QTimer.singleShot(0, self._redraw_body_if_dirty)

    def _redraw_body_if_dirty(self) -> None:
        if self._body_dirty and self.isVisible():
            self.redraw_body_map()

    def _highlight(self, group: str | None, *, draw: bool = True) -> None:
        """Outlines both sides of the charted group on the body map. The outline is an animated overlay
        blitted over the saved picture: switching groups does not redraw the whole map."""
        from matplotlib.patches import Polygon

        from assess.reports.body_map import HIGHLIGHT_EDGE

        for overlay in self._overlays:
            overlay.remove()
        self._overlays = []
        if not self.regions:
            return
        ax = next(iter(self.regions)).axes
        for patch, (code, _side) in self.regions.items():
            if code == group:
                overlay = Polygon(patch.get_xy(), closed=True, fill=False, edgecolor=HIGHLIGHT_EDGE, linewidth=2.2,
                                  animated=True, zorder=5)
                ax.add_patch(overlay)
                self._overlays.append(overlay)
        if draw:
            self._blit_overlays()

    def _blit_overlays(self, _event: object = None) -> None:
        canvas = self.body_canvas
        if _event is not None:  # a full draw just happened: it is the new background
            self._body_background = canvas.copy_from_bbox(canvas.figure.bbox)
        if self._body_background is None:
            return
        canvas.restore_region(self._body_background)
        for overlay in self._overlays:
            overlay.axes.draw_artist(overlay)
        if _event is None:  # after a full draw, its own paint shows the overlay: no second repaint
            canvas.blit(canvas.figure.bbox)

    def _on_region_picked(self, event: Any) -> None:
        site = self.regions.get(event.artist)
        if site is not None:
            self.show_group(site[0])

    # -- export -------------------------------------------------------------------------------------------

    def export_chart(self, path: Path) -> Path:
        """Saves the chart as shown, as PNG or SVG by the file's suffix (PNG when it has none)."""
        if path.suffix.lower() not in (".png", ".svg"):
            path = path.with_suffix(".png")
        from assess.reports.charts import draw_trend

        self._ensure_canvas()
        assert self.axes is not None and self.record is not None
        for artist in self._group_artists:
            artist.set_animated(False)
        group, chart = self.choice()
        try:  # a file is drawn whole, with its own legend (it leaves the window's key behind)
            draw_trend(*self.axes, self.record, group, chart, legend=True)
            self.figure.savefig(path, dpi=200 if path.suffix.lower() == ".png" else 100, facecolor="white")
        finally:
            self._group_artists, self._frame = [], None
            self.redraw(now=True)  # the window's own drawing again
        return path

    def _ask_export(self) -> None:
        if self.record is None:
            return
        group, chart = self.choice()
        name = f"{self.record.mrn}-{group or 'visit'}-{chart}".replace("/", "-")
        chosen, selected = ask_save_file(self, "Export chart", Path.home() / f"{name}.png", EXPORT_FILTERS)
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".svg" if "svg" in selected.lower() else ".png")
        try:
            saved = self.export_chart(path)
        except OSError as error:
            QMessageBox.warning(self, "Export chart", f"The chart could not be saved to {path}: {error.strerror}")
            return
        QMessageBox.information(self, "Export chart", f"Saved {saved}")
