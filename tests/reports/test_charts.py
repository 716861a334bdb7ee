"""Trend charts: the artists a reader relies on are there (lines per side, grades, effect windows)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from assess.record.domain import (
    Finding,
    Injection,
    OralMedication,
    PatientRecord,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Visit,
)
from assess.reports.charts import plot_dynamic_component, plot_scale, plot_treatments
from assess.reports.content import TrendChart, Trends
from assess.scoring.response import Point

D = dt.date
LEFT = [Point(D(2025, 1, 1), 3.0, "3"), Point(D(2025, 4, 1), 1.5, "1+")]
RIGHT = [Point(D(2025, 1, 1), 2.0, "2")]


def test_mas_chart_has_both_sides_and_the_grade_labels() -> None:
    figure = Figure()
    ax = figure.subplots()
    plot_scale(ax, "mas", LEFT, RIGHT, "Ankle plantarflexors (knee extended)")
    assert [line.get_label() for line in ax.get_lines()] == ["Left", "Right"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1", "1+", "2", "3", "4"]
    assert list(ax.get_lines()[0].get_ydata()) == [3.0, 1.5]
    assert ax.get_lines()[0].get_linestyle() != ax.get_lines()[1].get_linestyle()  # not colour alone
    assert ax.get_title(loc="left") == "Ankle plantarflexors (knee extended)"
    figure.savefig(io.BytesIO(), format="png")  # draws without error


def test_dynamic_component_is_shaded_between_r1_and_r2() -> None:
    figure = Figure()
    ax = figure.subplots()
    plot_dynamic_component(ax, [Point(D(2025, 1, 1), -20.0, "-20°")], [Point(D(2025, 1, 1), 5.0, "5°")], "left")
    assert len(ax.collections) == 1  # the fill between R1 and R2


def test_treatment_lane_marks_sessions_windows_drugs_pump_and_sdr() -> None:
    figure = Figure()
    ax = figure.subplots()
    hit = ToxinSession(D(2025, 3, 10), "onabotulinumtoxinA", (Injection("soleus", "left", 40.0),))
    other = ToxinSession(D(2025, 7, 10), "onabotulinumtoxinA", (Injection("biceps_brachii", "left", 40.0),))
    plot_treatments(ax, [hit, other, OralMedication("baclofen", 15.0, D(2025, 1, 1), D(2025, 6, 1)),
                         PumpEvent("implant", D(2025, 2, 1), dose_mcg_per_day=100.0),
                         PumpEvent("refill", D(2025, 5, 1), dose_mcg_per_day=120.0), Sdr(D(2024, 6, 1))],
                    "plantarflexors_knee_flexed")
    windows = {c.get_alpha(): len(c.get_paths()) for c in ax.collections if len(c.get_facecolor())
               and to_hex(c.get_facecolor()[0], keep_alpha=False) == "#009e73"}
    assert windows == {0.35: 1, 0.08: 1}  # emphasised: the session that reached the charted group
    assert any(t.get_text().startswith("baclofen 15") for t in ax.texts)
    assert any(t.get_text() == "SDR" for t in ax.texts)


def test_two_drugs_at_once_get_rows_of_their_own_and_labels_do_not_pile_up() -> None:
    figure = Figure()
    ax = figure.subplots()
    steps = [OralMedication("gabapentin", dose, D(2025, 1, 1) + dt.timedelta(days=7 * n),
                            D(2025, 1, 1) + dt.timedelta(days=7 * n + 7)) for n, dose in enumerate((300, 600, 900))]
    plot_treatments(ax, [OralMedication("baclofen", 15.0, D(2024, 1, 1), D(2026, 1, 1)), *steps])
    rows = {round(float(c.get_segments()[0][0][1]), 2) for c in ax.collections if hasattr(c, "get_segments")}
    assert len(rows) == 2
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["baclofen 15 mg", "gabapentin 300 mg"]  # weekly steps: only the first is labelled


def test_dose_labels_along_a_drug_never_overlap() -> None:
    """Monthly dose changes over two years: the name once, then doses where they fit, boxes apart on the page."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=(7, 1.5), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    steps = [OralMedication("gabapentin", 300.0 * (n + 1), D(2024, 1, 1) + dt.timedelta(days=60 * n),
                            D(2024, 1, 1) + dt.timedelta(days=60 * n + 60)) for n in range(12)]
    plot_treatments(ax, steps)
    ax.set_xlim(D(2024, 1, 1), D(2026, 1, 1))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if "mg" in t.get_text()]
    assert ax.texts[0].get_text() == "gabapentin 300 mg" and len(boxes) >= 3
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def _busy_record(years: int) -> PatientRecord:
    """A history with every kind of treatment lane: toxin every 12 weeks, two oral drugs changing dose every two
    months, a pump with monthly refills and rising doses, SDR and a surgery with a long name, therapy."""
    start = D(2026, 6, 1) - dt.timedelta(days=365 * years)
    visits = tuple(Visit(start + dt.timedelta(days=90 * n), "follow_up", "Dr A", findings=(
        Finding("hip_adductors", "left", mas=("1", "1+", "2", "3")[n % 4]),
        Finding("hip_adductors", "right", mas=("2", "1+")[n % 2]))) for n in range(4 * years))
    treatments: list[Any] = [ToxinSession(start + dt.timedelta(days=84 * n), "onabotulinumtoxinA",
                                          (Injection("adductor_longus", "left", 50.0),)) for n in range(4 * years)]
    treatments += [OralMedication(drug, dose * (1 + n % 3), start + dt.timedelta(days=60 * n),
                                  start + dt.timedelta(days=60 * n + 60))
                   for drug, dose in (("baclofen", 10.0), ("tizanidine", 4.0)) for n in range(6 * years)]
    treatments += [PumpEvent("implant", start, dose_mcg_per_day=100.0)]
    treatments += [PumpEvent("refill", start + dt.timedelta(days=30 * n), dose_mcg_per_day=100.0 + 5 * n)
                   for n in range(1, 12 * years)]
    treatments += [Sdr(start + dt.timedelta(days=100 * years)),
                   Surgery(start + dt.timedelta(days=200 * years), "Adductor tenotomy and obturator neurectomy"),
                   Therapy("physiotherapy", start, start + dt.timedelta(days=300))]
    return PatientRecord("C-1", "Doe", "Jo", D(2015, 1, 1), "female", "cerebral_palsy", visits=visits,
                         treatments=tuple(treatments))


@pytest.mark.parametrize("years", [1, 10])
@pytest.mark.parametrize("width", [241.0, 249.0])  # half an A4 and half a US Letter page, in points
def test_at_the_report_s_size_no_label_of_a_chart_overlaps_another_or_leaves_the_picture(years: int,
                                                                                       width: float) -> None:
    from assess.reports.pdf_charts import ChartPainter

    record = _busy_record(years)
    trends = Trends(record, (), (TrendChart("hip_adductors", "mas", ""), TrendChart(None, "penn_frequency", "")),
                    "", ())
    painter = ChartPainter(width)
    for chart in trends.charts:
        painter.paint(trends, chart)
        chart_ax, lane_ax = painter.axes
        painter.figure.canvas.draw()  # again at the figure's own resolution, in which its box is measured
        renderer = painter.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        page = painter.figure.bbox
        labels = [t for t in lane_ax.texts if t.get_text()]
        # Every drug is named where there is room for it (before any dose or the pump's label, which give way).
        assert labels and (years == 1 or {"baclofen", "tizanidine"} <= {t.get_text().split()[0] for t in labels})
        boxes = [t.get_window_extent(renderer) for t in labels]
        rows = [t.get_window_extent(renderer) for t in lane_ax.get_yticklabels()]
        for n, box in enumerate(boxes):
            assert page.x0 <= box.x0 and box.x1 <= page.x1 + 0.5, labels[n].get_text()
            assert not any(box.overlaps(other) for other in boxes[n + 1:]), labels[n].get_text()
        assert not any(a.overlaps(b) for i, a in enumerate(rows) for b in rows[i + 1:])  # Toxin, Drugs, Pump, Other
        legend = chart_ax.get_legend()
        if legend is not None:  # above the plot, inside the picture
            assert all(t.get_window_extent(renderer).y1 <= page.y1 for t in legend.get_texts())
