"""Trend charts drawn on a given matplotlib Axes from plain series: one function serves window and PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from assess import palette
from assess.domain import OralMedication, Orthosis, PumpEvent, Sdr, Surgery, Therapy, ToxinSession, Treatment
from assess.labels import words
from assess.scoring.response import Point, effect_window, injected_sites
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
        ax.legend(loc="upper left", fontsize=8, frameon=False)


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


def plot_treatments(ax: Any, treatments: Sequence[Treatment], muscle_group: str | None = None) -> None:
    """The treatment lane under a chart, on the same time axis: toxin sessions with their effect window
    (emphasised when they reached the charted group), drugs and pump dose as step lines, SDR and
    surgery as vertical lines, therapy and orthoses as bands."""
    lanes = {"toxin": 3.0, "drug": 2.0, "pump": 1.0, "other": 0.0}
    for t in treatments:
        if isinstance(t, ToxinSession):
            start, end = effect_window(t)
            hit = muscle_group is None or any(group == muscle_group for group, _ in injected_sites(t))
            ax.axvspan(start, end, ymin=0.72, ymax=0.98, color="#009E73", alpha=0.35 if hit else 0.08, linewidth=0)
            ax.plot([t.date], [lanes["toxin"]], marker="v", color="#009E73" if hit else "#9a9a9a", markersize=7)
        elif isinstance(t, (Sdr, Surgery)):
            ax.axvline(t.date, color="#333333", linewidth=1.2, linestyle="-" if isinstance(t, Sdr) else "-.")
            ax.annotate("SDR" if isinstance(t, Sdr) else t.procedure[:18], (t.date, lanes["other"] + 0.2),
                        fontsize=7, rotation=90, va="bottom")
        elif isinstance(t, (Therapy, Orthosis)):
            end = t.end or dt.date.today()
            ax.axvspan(t.start, end, ymin=0.02, ymax=0.2, color="#CC79A7", alpha=0.25, linewidth=0)
    drugs: dict[str, list[OralMedication]] = {}
    for t in treatments:
        if isinstance(t, OralMedication):
            drugs.setdefault(t.drug, []).append(t)
    for drug, periods in drugs.items():
        for p in sorted(periods, key=lambda p: p.start):
            ax.hlines(lanes["drug"], p.start, p.stop or dt.date.today(), color="#E69F00", linewidth=4)
            ax.annotate(f"{words(drug)} {p.dose_mg_per_day:g}", (p.start, lanes["drug"] + 0.15), fontsize=7)
    doses = [(t.date, t.dose_mcg_per_day) for t in treatments
             if isinstance(t, PumpEvent) and t.dose_mcg_per_day is not None]
    if doses:
        top = max(d for _, d in doses) or 1.0
        ax.step([d for d, _ in doses], [lanes["pump"] - 0.4 + 0.8 * v / top for _, v in doses], where="post",
                color="#56B4E9", linewidth=1.5)
        for t in treatments:
            if isinstance(t, PumpEvent) and t.event == "refill":
                ax.plot([t.date], [lanes["pump"] - 0.45], marker="|", color="#56B4E9", markersize=8)
    ax.set_yticks(list(lanes.values()), ["Toxin", "Drugs", "Pump", "SDR/surgery,\ntherapy"], fontsize=7)
    ax.set_ylim(-0.6, 3.6)
    ax.grid(False)
