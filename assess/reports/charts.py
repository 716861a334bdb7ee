"""Trend charts drawn on a given matplotlib Axes from plain series: one function serves window and PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from assess import palette
from assess.domain import (
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
from assess.labels import words
from assess.scoring.muscles import group_name
from assess.scoring.response import VISIT_SCORES, Point, effect_window, injected_sites, series, visit_score_series
from assess.scoring.scales import FINDING_SCALES

# Left and right in two styles that differ in colour (Okabe-Ito blue and vermillion, colour-blind safe),
# line style and marker, so they read apart in greyscale print too.
SIDE_STYLE = {"left": {"color": "#0072B2", "linestyle": "-", "marker": "o"},
              "right": {"color": "#D55E00", "linestyle": "--", "marker": "s"}}
TITLES = {"mas": "Modified Ashworth Scale", "tardieu_x": "Tardieu X (quality of reaction)",
          "tardieu_r1": "Tardieu R1 (angle of catch), degrees", "tardieu_r2": "Tardieu R2 (full range), degrees",
          "prom": "Passive range of motion, degrees", "mrc": "MRC strength", "asas": "ASAS"}


def plot_scale(ax: Any, scale: str, left: Sequence[Point], right: Sequence[Point], title: str = "") -> None:
    """One scale of one muscle group, left and right together, over time (MAS on its ordinal axis)."""
    for side, points in (("left", left), ("right", right)):
        if points:
            ax.plot([p.date for p in points], [p.value for p in points], label=side.capitalize(),
                    linewidth=1.6, markersize=5, **SIDE_STYLE[side])
    if scale in FINDING_SCALES:
        grades = FINDING_SCALES[scale].grades
        ax.set_yticks([g.value for g in grades], [g.label for g in grades])
        ax.set_ylim(min(g.value for g in grades) - 0.3, max(g.value for g in grades) + 0.3)
        if scale == "mas":  # the clinic's MAS colours as faint bands behind the grades
            for grade in grades:
                ax.axhspan(grade.value - 0.25, grade.value + 0.25, color=palette.MAS_COLOURS[grade.label],
                           alpha=0.35, linewidth=0, zorder=0)
    ax.set_ylabel(TITLES.get(scale, scale))
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    ax.grid(True, axis="y", alpha=0.3)
    if left or right:
        # Above the plot, right of the title: never over the points of the first years.
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8, frameon=False,
                  borderaxespad=0.1)


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


def _bands(ax: Any, spans: Sequence[tuple[dt.date, dt.date]], low: float, high: float, **style: Any) -> None:
    """Time spans as one collection (one artist however many spans: a long history redraws fast)."""
    if not spans:
        return
    from matplotlib.collections import PolyCollection
    from matplotlib.dates import date2num

    boxes = [[(x0, low), (x0, high), (x1, high), (x1, low)]
             for x0, x1 in ((date2num(a), date2num(b)) for a, b in spans)]  # type: ignore[no-untyped-call]
    ax.add_collection(PolyCollection(boxes, linewidths=0, **style), autolim=False)


def _marks(ax: Any, days: Sequence[dt.date], y: float, **style: Any) -> None:
    if days:
        ax.plot(list(days), [y] * len(days), linestyle="none", **style)


def plot_treatments(ax: Any, treatments: Sequence[Treatment], muscle_group: str | None = None) -> None:
    """The treatment lane under a chart, on the same time axis: toxin sessions with their effect window
    (emphasised when they reached the charted group), drugs and pump dose as step lines, SDR and
    surgery as vertical lines, therapy and orthoses as bands. Each kind is drawn as one artist."""
    lanes = {"toxin": 3.0, "drug": 2.0, "pump": 1.0, "other": 0.0}
    ax.xaxis_date()
    today = dt.date.today()
    sessions = [t for t in treatments if isinstance(t, ToxinSession)]
    hit = [s for s in sessions if muscle_group is None or any(g == muscle_group for g, _ in injected_sites(s))]
    missed = [s for s in sessions if s not in hit]
    _bands(ax, [effect_window(s) for s in missed], 2.55, 3.5, facecolor="#009E73", alpha=0.08)
    _bands(ax, [effect_window(s) for s in hit], 2.55, 3.5, facecolor="#009E73", alpha=0.35)
    _marks(ax, [s.date for s in missed], lanes["toxin"], marker="v", color="#9a9a9a", markersize=7)
    _marks(ax, [s.date for s in hit], lanes["toxin"], marker="v", color="#009E73", markersize=7)
    for t in treatments:
        if isinstance(t, (Sdr, Surgery)):
            ax.axvline(t.date, color="#333333", linewidth=1.2, linestyle="-" if isinstance(t, Sdr) else "-.")
            name = "SDR" if isinstance(t, Sdr) else t.procedure
            ax.annotate(name if len(name) <= 16 else name[:15] + "…", (t.date, lanes["other"] + 0.5),
                        xytext=(3, 0), textcoords="offset points", fontsize=6.5, va="center")
    _bands(ax, [(t.start, t.end or today) for t in treatments if isinstance(t, (Therapy, Orthosis))],
           -0.5, 0.25, facecolor="#CC79A7", alpha=0.25)
    drugs: dict[str, list[OralMedication]] = {}
    for t in treatments:
        if isinstance(t, OralMedication):
            drugs.setdefault(t.drug, []).append(t)
    days = [treatment_date(t) for t in treatments]
    min_gap = max(30, (max(days) - min(days)).days // 10) if days else 30  # labels closer than this would collide
    for n, (drug, periods) in enumerate(drugs.items()):
        periods.sort(key=lambda p: p.start)
        # Each drug on its own row of the lane (two drugs at once must not hide each other).
        y = lanes["drug"] + 0.28 - 0.56 * (n % 2 if len(drugs) > 1 else 0.5)
        ax.hlines([y] * len(periods), [p.start for p in periods], [p.stop or today for p in periods],
                  color=DRUG_COLOURS[n % len(DRUG_COLOURS)], linewidth=3.5)
        previous, last_label = None, None
        for p in periods:  # the dose where it changes, not at every refill, and not over the previous label
            if p.dose_mg_per_day != previous and (last_label is None or (p.start - last_label).days >= min_gap):
                ax.annotate(f"{words(drug)} {p.dose_mg_per_day:g} mg", (p.start, y), xytext=(0, 3),
                            textcoords="offset points", fontsize=6.5, va="bottom")
                last_label = p.start
            previous = p.dose_mg_per_day
    doses = [(t.date, t.dose_mcg_per_day) for t in treatments
             if isinstance(t, PumpEvent) and t.dose_mcg_per_day is not None]
    if doses:
        top = max(d for _, d in doses) or 1.0
        ax.step([d for d, _ in doses], [lanes["pump"] - 0.4 + 0.8 * v / top for _, v in doses], where="post",
                color="#56B4E9", linewidth=1.5)
        ax.annotate(f"ITB {doses[-1][1]:g} µg/day", (doses[-1][0], lanes["pump"] + 0.45), fontsize=7,
                    ha="right", color="#2a6f97")
        _marks(ax, [t.date for t in treatments if isinstance(t, PumpEvent) and t.event == "refill"],
               lanes["pump"] - 0.45, marker="|", color="#56B4E9", markersize=8)
    ax.set_yticks(list(lanes.values()), ["Toxin", "Drugs", "Pump", "Surgery,\ntherapy"], fontsize=7)
    ax.set_ylim(-0.6, 3.6)
    ax.grid(False)


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
    chart, lane = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.35], "hspace": 0.06})
    return chart, lane


# Short names for the title line, which shares its row with the legend; the y axis names the scale in full.
SHORT_NAMES = {"mas": "MAS", "tardieu": "Tardieu R1/R2", "tardieu_x": "Tardieu X", "prom": "PROM", "mrc": "MRC"}


def chart_title(group: str | None, chart: str) -> str:
    if group is None:
        return VISIT_SCORES[chart][0]
    return f"{group_name(group)} — {SHORT_NAMES[chart]}"


def _date_ticks(ax: Any, span_days: int) -> None:
    """Years on a long history, months on a short one. Fixed-step locators: the automatic date locator
    (dateutil rules) costs more than the rest of an axis when a chart is redrawn."""
    import matplotlib.dates as mdates

    if span_days > 3 * 365:
        step = max(1, span_days // (365 * 10) + 1)
        locator: Any = mdates.YearLocator(step)  # type: ignore[no-untyped-call]
        formatter: Any = mdates.DateFormatter("%Y")  # type: ignore[no-untyped-call]
    else:
        locator = mdates.MonthLocator(interval=max(1, span_days // (30 * 8) + 1))  # type: ignore[no-untyped-call]
        formatter = mdates.DateFormatter("%b\n%Y")  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)


def draw_trend(chart_ax: Any, lane_ax: Any, record: PatientRecord, group: str | None, chart: str) -> bool:
    """A muscle group's chart (group, one of GROUP_CHARTS) or a visit score's (group None, one of
    VISIT_SCORES) over its treatment lane; False when nothing of it was ever recorded (the chart says so)."""
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
    drawn = False
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
        chart_ax.set_title(label, fontsize=10, loc="left")
        chart_ax.grid(True, axis="y", alpha=0.3)
    elif chart == "tardieu":
        for side in ("left", "right"):
            r1, r2 = (series(record.visits, group, side, s) for s in ("tardieu_r1", "tardieu_r2"))
            if r1 or r2:
                plot_dynamic_component(chart_ax, r1, r2, side)
                drawn = True
        chart_ax.relim()
        chart_ax.autoscale_view(scalex=False)
        chart_ax.set_ylabel("Tardieu angle, degrees", fontsize=8)
        chart_ax.set_title(chart_title(group, chart), fontsize=10, loc="left")
        chart_ax.grid(True, axis="y", alpha=0.3)
        if drawn:
            from matplotlib.lines import Line2D

            # One row: sides by colour, R1 and R2 by marker and line; the shading is the dynamic component.
            handles = [Line2D([], [], color=SIDE_STYLE[s]["color"], linewidth=2, label=s.capitalize())
                       for s in ("left", "right")]
            handles += [Line2D([], [], color="#444444", marker="v", linestyle="-", label="R1 catch"),
                        Line2D([], [], color="#444444", marker="^", linestyle=":", label="R2 full range")]
            chart_ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=6.5,
                            frameon=False, ncol=4, borderaxespad=0.1, handlelength=1.5, columnspacing=0.8)
    else:
        left, right = (series(record.visits, group, side, chart) for side in ("left", "right"))
        plot_scale(chart_ax, chart, left, right, chart_title(group, chart))
        chart_ax.set_ylabel(TITLES.get(chart, chart).split(" (")[0].split(",")[0], fontsize=8)
        drawn = bool(left or right)
    if not drawn:
        chart_ax.set_yticks([])
        chart_ax.text(0.5, 0.5, "Not recorded at any visit yet", transform=chart_ax.transAxes, ha="center",
                      va="center", color="#555555")
    plot_treatments(lane_ax, record.treatments, group)
    days = [v.date for v in record.visits] + [treatment_date(t) for t in record.treatments]
    first, last = (min(days), max(days)) if days else (dt.date.today() - dt.timedelta(days=365), dt.date.today())
    chart_ax.set_xlim(first - dt.timedelta(days=30), last + dt.timedelta(days=45))
    _date_ticks(lane_ax, (last - first).days)
    chart_ax.tick_params(labelbottom=False)
    return drawn
