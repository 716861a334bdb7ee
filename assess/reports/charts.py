"""Trend charts drawn on a given matplotlib Axes from plain series: one function serves window and PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from assess.record import palette
from assess.record.domain import (
    OralMedication,
    Orthosis,
    PatientRecord,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Treatment,
    treatment_date,
)
from assess.record.labels import words
from assess.scoring.muscles import group_name
from assess.scoring.response import VISIT_SCORES, Point, effect_window, injected_sites, series, visit_score_series
from assess.scoring.scales import FINDING_SCALES

# Left and right in two styles that differ in colour (Okabe-Ito blue and vermillion, colour-blind safe),
# line style and marker, so they read apart in greyscale print too.
SIDE_STYLE = {"left": {"color": "#0072B2", "linestyle": "-", "marker": "o"},
              "right": {"color": "#D55E00", "linestyle": "--", "marker": "s"}}
TITLE_GID = "trend-title"  # the Axes' own title: changed in place by a new group, never removed
TITLES = {"mas": "Modified Ashworth Scale", "tardieu_x": "Tardieu X (quality of reaction)",
          "tardieu_r1": "Tardieu R1 (angle of catch), degrees", "tardieu_r2": "Tardieu R2 (full range), degrees",
          "prom": "Passive range of motion, degrees", "mrc": "MRC strength", "asas": "ASAS"}


def plot_scale(ax: Any, scale: str, left: Sequence[Point], right: Sequence[Point], title: str = "") -> None:
    """One scale of one muscle group, left and right together, over time (MAS on its ordinal axis)."""
    _scale_frame(ax, scale)
    _scale_lines(ax, left, right, title)


def _scale_frame(ax: Any, scale: str) -> None:
    """What a scale's chart shows whatever the group: grades on the y axis, the MAS colour bands, the label."""
    if scale in FINDING_SCALES:
        grades = FINDING_SCALES[scale].grades
        ax.set_yticks([g.value for g in grades], [g.label for g in grades])
        ax.set_ylim(min(g.value for g in grades) - 0.3, max(g.value for g in grades) + 0.3)
        if scale == "mas":  # the clinic's MAS colours as faint bands behind the grades, as one artist
            from matplotlib.collections import PolyCollection

            bands = [[(0, g.value - 0.25), (1, g.value - 0.25), (1, g.value + 0.25), (0, g.value + 0.25)]
                     for g in grades]
            ax.add_collection(PolyCollection(
                bands, facecolors=[palette.MAS_COLOURS[g.label] for g in grades], alpha=0.35, linewidths=0,
                zorder=0, transform=ax.get_yaxis_transform()), autolim=False)
    ax.set_ylabel(TITLES.get(scale, scale))
    ax.grid(True, axis="y", alpha=0.3)


def _scale_lines(ax: Any, left: Sequence[Point], right: Sequence[Point], title: str,
                 legend: bool = True) -> list[Any]:
    """The group's own part: its two lines, the legend and the title; returned, for a window to redraw alone."""
    artists: list[Any] = []
    for side, points in (("left", left), ("right", right)):
        if points:
            artists += ax.plot([p.date for p in points], [p.value for p in points], label=side.capitalize(),
                               linewidth=1.6, markersize=5, **SIDE_STYLE[side])
    if title:
        heading = ax.set_title(title, fontsize=10, loc="left", y=1.0, pad=5)  # a set y: no layout pass
        heading.set_gid(TITLE_GID)
        artists.append(heading)
    if legend and (left or right):
        # Above the plot, right of the title: never over the points of the first years.
        artists.append(ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8, frameon=False,
                                 borderaxespad=0.1))
    return artists


def plot_dynamic_component(ax: Any, r1: Sequence[Point], r2: Sequence[Point], side: str) -> None:
    """Tardieu R1 and R2 of one side with the gap between them (R2 − R1, the dynamic component) shaded."""
    style = SIDE_STYLE[side]
    ax.plot([p.date for p in r1], [p.value for p in r1], color=style["color"], linestyle="-", marker="v",
            label=f"R1 {side}")
    ax.plot([p.date for p in r2], [p.value for p in r2], color=style["color"], linestyle=":", marker="^",
            label=f"R2 {side}")
    both = sorted({p.date for p in r1} & {p.date for p in r2})
    one, two = {p.date: p.value for p in r1}, {p.date: p.value for p in r2}
    if both:
        ax.fill_between(both, [one[d] for d in both], [two[d] for d in both], color=style["color"], alpha=0.15,
                        label="dynamic component (R2 − R1)")


DRUG_COLOURS = ("#E69F00", "#CC79A7", "#F0E442", "#999999")  # Okabe-Ito orange, reddish purple, yellow, grey


LANES = {"toxin": 3.0, "drug": 2.0, "pump": 1.0, "other": 0.0}


def _bands(ax: Any, spans: Sequence[tuple[dt.date, dt.date]], low: float, high: float, **style: Any) -> list[Any]:
    """Time spans as one collection (one artist however many spans: a long history redraws fast)."""
    if not spans:
        return []
    from matplotlib.collections import PolyCollection
    from matplotlib.dates import date2num

    starts = date2num([a for a, _ in spans])  # type: ignore[no-untyped-call]
    ends = date2num([b for _, b in spans])  # type: ignore[no-untyped-call]
    boxes = [[(x0, low), (x0, high), (x1, high), (x1, low)] for x0, x1 in zip(starts, ends, strict=True)]
    return [ax.add_collection(PolyCollection(boxes, linewidths=0, **style), autolim=False)]


def _marks(ax: Any, days: Sequence[dt.date], y: float, **style: Any) -> list[Any]:
    return list(ax.plot(list(days), [y] * len(days), linestyle="none", **style)) if days else []


def plot_treatments(ax: Any, treatments: Sequence[Treatment], muscle_group: str | None = None) -> None:
    """The treatment lane under a chart, on the same time axis: toxin sessions with their effect window
    (emphasised when they reached the charted group), drugs and pump dose as step lines, SDR and
    surgery as vertical lines, therapy and orthoses as bands. Each kind is drawn as one artist."""
    plot_toxin_sessions(ax, treatments, muscle_group)
    _other_treatments(ax, treatments)


def plot_toxin_sessions(ax: Any, treatments: Sequence[Treatment], muscle_group: str | None) -> list[Any]:
    """Toxin sessions (▼) and their effect windows in the lane, dark where they reached the charted group;
    the artists are returned (they are the lane's only part that changes with the group)."""
    ax.xaxis_date()
    sessions = [t for t in treatments if isinstance(t, ToxinSession)]
    hit = [s for s in sessions if muscle_group is None or any(g == muscle_group for g, _ in injected_sites(s))]
    missed = [s for s in sessions if s not in hit]
    return [*_bands(ax, [effect_window(s) for s in missed], 2.55, 3.5, facecolor="#009E73", alpha=0.08),
            *_bands(ax, [effect_window(s) for s in hit], 2.55, 3.5, facecolor="#009E73", alpha=0.35),
            *_marks(ax, [s.date for s in missed], LANES["toxin"], marker="v", color="#9a9a9a", markersize=7),
            *_marks(ax, [s.date for s in hit], LANES["toxin"], marker="v", color="#009E73", markersize=7)]


DRUG_LABEL_SIZE = 6.5
LABEL_EM = 0.62  # DejaVu Sans: a label's width is about this many font sizes per character (digits 0.64)
ROOM_ABOVE_BAR = 14.0  # points between two rows of the lane: a label above a drug's bar clears the toxin row
Span = tuple[dt.date, dt.date]


def _points_per_row(ax: Any) -> float:
    """The height of one row of the treatment lane, in points (the lane's limits: -0.6 to 3.6)."""
    return float(ax.get_position().height * ax.figure.get_figheight() * 72) / 4.2


class _Room:
    """Where the lane's labels already are, as spans of days: a label goes where it overlaps none of them (on
    its own row on a large chart; anywhere on the lane's rows of drugs and pump on a small one)."""

    def __init__(self, ax: Any, span: Span) -> None:
        width = ax.get_position().width * ax.figure.get_figwidth() * 72
        self.per_day = float(width) / max(1, (span[1] - span[0]).days)
        self.start, self.end = span
        self.taken: dict[object, list[Span]] = {}

    def place(self, row: object, day: dt.date, label: str, size: float, prefer: str = "left") -> str | None:
        """The alignment ("left": the label starts at `day`; "right": it ends there) of a label that fits on the
        chart and overlaps no other label of its row, now taken; `prefer`red first. None when neither fits."""
        wide = dt.timedelta(days=(LABEL_EM * size * len(label) + 6) / self.per_day)
        taken = self.taken.setdefault(row, [])
        for ha in (prefer, "right" if prefer == "left" else "left"):
            extent = (day, day + wide) if ha == "left" else (day - wide, day)
            if extent[0] >= self.start and extent[1] <= self.end and not any(
                    extent[0] < b and a < extent[1] for a, b in taken):
                taken.append(extent)
                return ha
        return None


def _other_treatments(ax: Any, treatments: Sequence[Treatment], span: Span | None = None) -> None:
    """The lane's other rows: drugs, the pump, SDR and surgery, therapy and orthoses. `span` is the time axis's
    extent (draw_trend's: 30 days before the first date, 45 after the last), for labels that keep apart."""
    ax.xaxis_date()
    today = dt.date.today()
    # Without draw_trend's axis: the treatments' own days, periods to their end, as matplotlib would scale it.
    days = [d for t in treatments for d in (treatment_date(t), getattr(t, "stop", None), getattr(t, "end", None))
            if d is not None] or [today]
    room = _Room(ax, span or (min(days) - dt.timedelta(days=30), max(days) + dt.timedelta(days=45)))
    # A small chart (the PDF's) has no room between a drug's bar and the toxin row for a label: the labels sit
    # on the bars, boxed, and never side by side, even on the two drugs' rows or over the pump's.
    on_bar = _points_per_row(ax) < ROOM_ABOVE_BAR
    for t in treatments:
        if isinstance(t, (Sdr, Surgery)):
            ax.axvline(t.date, color="#333333", linewidth=1.2, linestyle="-" if isinstance(t, Sdr) else "-.")
            name = "SDR" if isinstance(t, Sdr) else t.procedure
            name = name if len(name) <= 16 else name[:15] + "…"
            ha = room.place("other", t.date, name, 6.5)
            if ha is not None:
                ax.annotate(name, (t.date, LANES["other"] + 0.5), xytext=(3 if ha == "left" else -3, 0),
                            textcoords="offset points", fontsize=6.5, va="center", ha=ha)
    _bands(ax, [(t.start, t.end or today) for t in treatments if isinstance(t, (Therapy, Orthosis))],
           -0.5, 0.25, facecolor="#CC79A7", alpha=0.25)
    rows = _drug_bars(ax, treatments, today)
    named: dict[str, OralMedication] = {}  # each drug's change labelled with its name
    _drug_labels(ax, rows, room, on_bar, named, naming=True)  # every drug named first, before any dose
    doses = [(t.date, t.dose_mcg_per_day) for t in treatments
             if isinstance(t, PumpEvent) and t.dose_mcg_per_day is not None]
    if doses:
        top = max(d for _, d in doses) or 1.0
        ax.step([d for d, _ in doses], [LANES["pump"] - 0.4 + 0.8 * v / top for _, v in doses], where="post",
                color="#56B4E9", linewidth=1.5)
        pump = f"ITB {doses[-1][1]:g} µg/day"
        ha = room.place("drugs" if on_bar else "pump", doses[-1][0], pump, 7, prefer="right")
        if ha is not None:
            ax.annotate(pump, (doses[-1][0], LANES["pump"] + 0.45), fontsize=7, ha=ha, color="#2a6f97")
        _marks(ax, [t.date for t in treatments if isinstance(t, PumpEvent) and t.event == "refill"],
               LANES["pump"] - 0.45, marker="|", color="#56B4E9", markersize=8)
    _drug_labels(ax, rows, room, on_bar, named, naming=False)
    ax.set_yticks(list(LANES.values()), ["Toxin", "Drugs", "Pump", "Surgery,\ntherapy"], fontsize=7)
    ax.set_ylim(-0.6, 3.6)
    ax.grid(False)


DrugRow = tuple[str, float, bool, list[OralMedication]]  # drug, row height, labels under the bar, dose changes


def _drug_bars(ax: Any, treatments: Sequence[Treatment], today: dt.date) -> list[DrugRow]:
    """Each drug on its own row of the lane (two drugs at once must not hide each other), as bars."""
    drugs: dict[str, list[OralMedication]] = {}
    for t in treatments:
        if isinstance(t, OralMedication):
            drugs.setdefault(t.drug, []).append(t)
    rows = []
    for n, (drug, periods) in enumerate(drugs.items()):
        periods.sort(key=lambda p: p.start)
        y = LANES["drug"] + 0.28 - 0.56 * (n % 2 if len(drugs) > 1 else 0.5)
        ax.hlines([y] * len(periods), [p.start for p in periods], [p.stop or today for p in periods],
                  color=DRUG_COLOURS[n % len(DRUG_COLOURS)], linewidth=3.5)
        changes = [p for k, p in enumerate(periods) if k == 0 or p.dose_mg_per_day != periods[k - 1].dose_mg_per_day]
        # The lower row's labels hang under it (on a large chart), so that the two rows' labels never meet.
        rows.append((drug, y, len(drugs) > 1 and n % 2 == 1, changes))
    return rows


def _drug_labels(ax: Any, rows: list[DrugRow], room: _Room, on_bar: bool, named: dict[str, OralMedication],
                 naming: bool) -> None:
    """The drugs' names (`naming`: one label each, with the first dose that has room), or their doses where they
    change and where a label has room."""
    for drug, y, lower, changes in rows:
        for p in changes:
            if naming == (drug in named) or named.get(drug) is p:
                continue
            label = f"{p.dose_mg_per_day:g} mg" if drug in named else f"{words(drug)} {p.dose_mg_per_day:g} mg"
            ha = room.place("drugs" if on_bar else drug, p.start, label, DRUG_LABEL_SIZE)
            if ha is None:
                continue
            named.setdefault(drug, p)
            if on_bar:  # on the bar, boxed: clear of the rows above and below
                ax.annotate(label, (p.start, y), xytext=(2 if ha == "left" else -2, 0), textcoords="offset points",
                            fontsize=DRUG_LABEL_SIZE - 0.5, va="center", ha=ha,
                            bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                  "alpha": 0.85})
            else:
                ax.annotate(label, (p.start, y), xytext=(0, -3 if lower else 3), textcoords="offset points",
                            fontsize=DRUG_LABEL_SIZE, va="top" if lower else "bottom", ha=ha)
            if naming:
                break


# What a muscle group's chart can show: each scale, and Tardieu R1 with R2 together (the dynamic component).
GROUP_CHARTS: dict[str, str] = {
    "mas": "Modified Ashworth Scale",
    "tardieu": "Tardieu R1 and R2 (dynamic component)",
    "tardieu_x": "Tardieu X (quality of reaction)",
    "prom": "Passive range of motion",
    "mrc": "MRC strength",
}


def trend_axes(figure: Any) -> tuple[Any, Any]:
    """The chart over its treatment lane, sharing one time axis; the same layout in the window and the PDF."""
    from matplotlib.transforms import ScaledTranslation

    chart, lane = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.35], "hspace": 0.06})
    # Axis labels at fixed places (the y label 40 points left of the axis): matplotlib otherwise measures
    # every tick label of both axes at each draw to place them, a third of a redraw.
    left = chart.transAxes + ScaledTranslation(-40 / 72, 0, figure.dpi_scale_trans)
    chart.yaxis.set_label_coords(0, 0.5, transform=left)
    for ax in (chart, lane):
        ax.xaxis.set_label_coords(0.5, -0.2)
    lane.yaxis.set_label_coords(0, 0.5, transform=left)
    return chart, lane


# Short names for the title line, which shares its row with the legend; the y axis names the scale in full.
SHORT_NAMES = {"mas": "MAS", "tardieu": "Tardieu R1/R2", "tardieu_x": "Tardieu X", "prom": "PROM", "mrc": "MRC"}


def chart_title(group: str | None, chart: str) -> str:
    if group is None:
        return VISIT_SCORES[chart][0]
    return f"{group_name(group)} — {SHORT_NAMES[chart]}"


def _date_ticks(ax: Any, first: dt.date, last: dt.date) -> None:
    """Years on a long history, months on a short one, as fixed ticks: matplotlib's date locators run
    dateutil rules on every draw, which cost more than the rest of the axis when a chart is redrawn."""
    from matplotlib.dates import date2num

    span = (last - first).days
    if span > 3 * 365:
        step = max(1, span // (365 * 10) + 1)
        ticks = [dt.date(year, 1, 1) for year in range(first.year, last.year + 2, step)]
        labels = [str(t.year) for t in ticks]
    else:
        step = max(1, span // (30 * 8) + 1)
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month + 1, step)
        ticks = [dt.date(m // 12, m % 12 + 1, 1) for m in months]
        labels = [f"{t:%b}\n{t.year}" for t in ticks]
    inside = [(t, label) for t, label in zip(ticks, labels, strict=True) if first <= t <= last]
    ax.set_xticks([float(date2num(t)) for t, _ in inside], [label for _, label in inside])  # type: ignore[no-untyped-call]


# Charts whose frame (grades on the y axis, MAS bands) is the same for every muscle group: a window that
# switches groups redraws only the group's own artists over the saved frame (swap_group).
FIXED_FRAME_CHARTS = frozenset({"mas", "tardieu_x", "mrc"})


def draw_trend(chart_ax: Any, lane_ax: Any, record: PatientRecord, group: str | None, chart: str,
               legend: bool = True) -> bool:
    """A muscle group's chart (group, one of GROUP_CHARTS) or a visit score's (group None, one of
    VISIT_SCORES) over its treatment lane; False when nothing of it was ever recorded (the chart says so).
    Without `legend`, the caller says which line is which (the window does, under the chart)."""
    return draw_trend_parts(chart_ax, lane_ax, record, group, chart, legend)[0]


def draw_trend_parts(chart_ax: Any, lane_ax: Any, record: PatientRecord, group: str | None, chart: str,
                     legend: bool = True) -> tuple[bool, list[Any]]:
    """draw_trend, also returning the artists that belong to the muscle group alone (for swap_group):
    empty when the chart's frame itself depends on the group (angles are scaled to their values)."""
    from matplotlib.ticker import AutoLocator, ScalarFormatter

    # Emptied rather than cleared: Axes.clear() rebuilds every tick, the costliest part of a redraw.
    for ax in (chart_ax, lane_ax):
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.set_title("", loc="left")
    chart_ax.yaxis.set_major_locator(AutoLocator())
    chart_ax.yaxis.set_major_formatter(ScalarFormatter())
    chart_ax.set_autoscaley_on(True)
    drawn, group_artists = False, list[Any]()
    if group is None:
        points = visit_score_series(record.visits, record.goals, chart)
        label, low, high = VISIT_SCORES[chart]
        if points:
            chart_ax.plot([p.date for p in points], [p.value for p in points], color="#333333", marker="o",
                          linewidth=1.6, markersize=5, label=label)
            drawn = True
        chart_ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
        if chart == "gas_t":
            chart_ax.axhline(50, color="#777777", linewidth=0.8, linestyle=":")
        chart_ax.set_ylabel(label.split(" (")[0], fontsize=8)
        chart_ax.set_title(label, fontsize=10, loc="left", y=1.0, pad=5)
        chart_ax.grid(True, axis="y", alpha=0.3)
    elif chart == "tardieu":
        angles: list[float] = []
        for side in ("left", "right"):
            r1, r2 = (series(record.visits, group, side, s) for s in ("tardieu_r1", "tardieu_r2"))
            if r1 or r2:
                plot_dynamic_component(chart_ax, r1, r2, side)
                angles += [p.value for p in (*r1, *r2)]
                drawn = True
        if angles:  # the limits from the values themselves (autoscaling walks every artist again)
            low, high = min(angles), max(angles)
            margin = max(5.0, (high - low) * 0.08)
            chart_ax.set_ylim(low - margin, high + margin)
        chart_ax.set_ylabel("Tardieu angle, degrees", fontsize=8)
        chart_ax.set_title(chart_title(group, chart), fontsize=10, loc="left", y=1.0, pad=5)
        chart_ax.grid(True, axis="y", alpha=0.3)
        if drawn and legend:
            from matplotlib.lines import Line2D

            # One row: sides by colour, R1 and R2 by marker and line; the shading is the dynamic component.
            handles = [Line2D([], [], color=SIDE_STYLE[s]["color"], linewidth=2, label=s.capitalize())
                       for s in ("left", "right")]
            handles += [Line2D([], [], color="#444444", marker="v", linestyle="-", label="R1 catch"),
                        Line2D([], [], color="#444444", marker="^", linestyle=":", label="R2 full range")]
            chart_ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=6.5,
                            frameon=False, ncol=4, borderaxespad=0.1, handlelength=1.5, columnspacing=0.8)
    elif chart in FIXED_FRAME_CHARTS:
        _scale_frame(chart_ax, chart)
        chart_ax.set_ylabel(TITLES.get(chart, chart).split(" (")[0].split(",")[0], fontsize=8)
        drawn, group_artists = _group_part(chart_ax, lane_ax, record, group, chart, legend)
    else:
        left, right = (series(record.visits, group, side, chart) for side in ("left", "right"))
        _scale_frame(chart_ax, chart)
        _scale_lines(chart_ax, left, right, chart_title(group, chart), legend)
        chart_ax.set_ylabel(TITLES.get(chart, chart).split(" (")[0].split(",")[0], fontsize=8)
        drawn = bool(left or right)
    if not drawn and not group_artists:
        chart_ax.set_yticks([])
        chart_ax.text(0.5, 0.5, NOT_RECORDED, transform=chart_ax.transAxes, ha="center", va="center",
                      color="#555555")
    days = [v.date for v in record.visits] + [treatment_date(t) for t in record.treatments]
    first, last = (min(days), max(days)) if days else (dt.date.today() - dt.timedelta(days=365), dt.date.today())
    span = (first - dt.timedelta(days=30), last + dt.timedelta(days=45))
    if not group_artists:
        plot_toxin_sessions(lane_ax, record.treatments, group)
    _other_treatments(lane_ax, record.treatments, span)
    chart_ax.set_xlim(*span)
    _date_ticks(lane_ax, *span)
    chart_ax.tick_params(labelbottom=False)
    return drawn, group_artists


NOT_RECORDED = "Not recorded at any visit yet"


def _group_part(chart_ax: Any, lane_ax: Any, record: PatientRecord, group: str, chart: str,
                legend: bool) -> tuple[bool, list[Any]]:
    left, right = (series(record.visits, group, side, chart) for side in ("left", "right"))
    artists = _scale_lines(chart_ax, left, right, chart_title(group, chart), legend)
    drawn = bool(left or right)
    if not drawn:
        artists.append(chart_ax.text(0.5, 0.5, NOT_RECORDED, transform=chart_ax.transAxes, ha="center",
                                     va="center", color="#555555"))
    return drawn, artists + plot_toxin_sessions(lane_ax, record.treatments, group)


def swap_group(chart_ax: Any, lane_ax: Any, record: PatientRecord, group: str, chart: str,
               previous: Sequence[Any], legend: bool = True) -> tuple[bool, list[Any]]:
    """Another muscle group on a chart drawn by draw_trend_parts with the same record and chart (one of
    FIXED_FRAME_CHARTS): only `previous`, the group artists it returned, are replaced."""
    for artist in previous:
        if artist.get_gid() != TITLE_GID:
            artist.remove()
    return _group_part(chart_ax, lane_ax, record, group, chart, legend)
