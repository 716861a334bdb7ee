"""The Trends and Toxin response pages of the patient view, on the hand-made child and a long demo history."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from matplotlib.colors import to_hex
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from samples import sample_document

from assess.demo.patients import demo_patients
from assess.interchange.read import read_document
from assess.record.domain import PatientRecord
from assess.ui.patient_view import PatientView
from assess.ui.response_table import ResponseModel

TODAY = dt.date(2025, 7, 1)


def _child() -> PatientRecord:
    return read_document(sample_document(), today=TODAY)[0]


def _view(qtbot: QtBot, record: PatientRecord) -> PatientView:
    view = PatientView()
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show_record(record, TODAY)
    view.show()
    return view


def _toxin_windows(lane) -> list[float]:  # type: ignore[no-untyped-def]
    """The alpha of each toxin effect window drawn (green bands, one collection per emphasis)."""
    return [c.get_alpha() for c in lane.collections if len(c.get_facecolor())
            and to_hex(c.get_facecolor()[0], keep_alpha=False) == "#009e73" for _ in c.get_paths()]


def _title(view: PatientView) -> str:
    assert view.trends.axes is not None
    return str(view.trends.axes[0].get_title(loc="left"))


def test_matplotlib_loads_only_when_the_trends_page_is_first_shown() -> None:
    # A fresh process: this test session has imported matplotlib long ago.
    script = """
import sys, datetime as dt
sys.path.insert(0, "tests")
from PySide6.QtWidgets import QApplication
from samples import sample_document
from assess.interchange.read import read_document
from assess.ui.patient_view import PatientView
app = QApplication([])
view = PatientView()
view.show_record(read_document(sample_document(), today=dt.date(2025, 7, 1))[0])
view.show()
app.processEvents()
print("before", "matplotlib" in sys.modules)
view.pages.setCurrentWidget(view.trends)
app.processEvents()
print("after", "matplotlib" in sys.modules, view.trends.canvas is not None)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[2]).stdout
    assert "before False" in out
    assert "after True True" in out


def test_the_chart_shows_both_sides_of_the_first_examined_group_over_its_treatments(qtbot: QtBot) -> None:
    view = _view(qtbot, _child())
    view.pages.setCurrentWidget(view.trends)
    assert view.trends.canvas is not None
    chart, lane = view.trends.axes  # type: ignore[misc]
    assert _title(view) == "Hip adductors — MAS"
    assert [line.get_label() for line in chart.get_lines()] == ["Left", "Right"]
    assert [t.get_text() for t in chart.get_yticklabels()] == ["0", "1", "1+", "2", "3", "4"]
    # The toxin session of 2025-03-10 injected the calves, not the adductors: its window is drawn faint.
    windows = _toxin_windows(lane)
    assert len(windows) == 1 and windows[0] < 0.2


def test_up_and_down_switch_muscle_groups_and_the_chart_follows(qtbot: QtBot) -> None:
    view = _view(qtbot, _child())
    view.pages.setCurrentWidget(view.trends)
    view.trends.what.setFocus()
    QTest.keyClick(view.trends.what, Qt.Key.Key_Down)
    assert _title(view) == "Knee flexors (hamstrings) — MAS"
    view.trends.show_group("plantarflexors_knee_extended", "tardieu")
    assert _title(view) == "Ankle plantarflexors (knee extended) — Tardieu R1/R2"
    chart, lane = view.trends.axes  # type: ignore[misc]
    assert {line.get_label() for line in chart.get_lines()} == {"R1 left", "R2 left", "R1 right", "R2 right"}
    assert len(chart.collections) == 2  # the dynamic component of each side, shaded
    # Now the injected group: the session's effect window is emphasised.
    assert [alpha > 0.3 for alpha in _toxin_windows(lane)] == [True]


def test_a_group_never_examined_says_so_on_the_chart(qtbot: QtBot) -> None:
    view = _view(qtbot, _child())
    view.show_trend("elbow_flexors")
    assert view.trends.what.currentText() == "Elbow flexors  (not examined)"
    chart = view.trends.axes[0]  # type: ignore[index]
    assert [t.get_text() for t in chart.texts] == ["Not recorded at any visit yet"]


def test_visit_scores_have_charts_of_their_own(qtbot: QtBot) -> None:
    view = _view(qtbot, _child())
    view.pages.setCurrentWidget(view.trends)
    view.trends.what.setCurrentIndex(view.trends.what.findData("visit:penn_frequency"))
    assert not view.trends.chart.isEnabled()  # no side, no per-muscle scale
    chart = view.trends.axes[0]  # type: ignore[index]
    assert _title(view) == "Penn spasm frequency (0-4)"
    assert len(chart.get_lines()) == 1 and len(chart.get_lines()[0].get_xdata()) >= 1


def test_a_chart_exports_as_png_and_svg(qtbot: QtBot, tmp_path: Path) -> None:
    view = _view(qtbot, _child())
    view.show_trend("plantarflexors_knee_extended")
    png = view.trends.export_chart(tmp_path / "calf.png")
    svg = view.trends.export_chart(tmp_path / "calf.svg")
    assert png.read_bytes().startswith(b"\x89PNG")
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert view.trends.export_chart(tmp_path / "calf").suffix == ".png"


def test_the_response_table_judges_each_injected_group_and_side(qtbot: QtBot) -> None:
    view = _view(qtbot, _child())
    model = view.response_model
    rows = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert view.pages.tabText(2) == "Toxin response (2) (Alt+X)"
    assert rows[0][1:] == ["Ankle plantarflexors (knee extended)", "left", "yes (MAS 3 → 1+)",
                           "2025-03-02: MAS 3, R1 -15°", "2025-06-09: MAS 1+, R1 0°", "—"]
    assert rows[0][ResponseModel.SESSION].startswith("2025-03-10")
    assert rows[1][ResponseModel.RESPONDER] == "yes (MAS 2 → 1)"


def test_a_long_demo_history_charts_every_group_and_score(qtbot: QtBot, tmp_path: Path) -> None:
    record = max(demo_patients(30, seed=3, today=dt.date(2026, 11, 30)), key=lambda r: len(r.visits))
    view = _view(qtbot, record)
    view.pages.setCurrentWidget(view.trends)
    for index in range(view.trends.what.count()):
        group = view.trends.what.itemData(index)
        if group is None or group.startswith("visit:"):
            continue  # the separator; visit scores are charted above
        view.trends.what.setCurrentIndex(index)
        examined = "not examined" not in view.trends.what.itemText(index)
        assert view.trends.redraw(now=True) == examined, group


def test_a_click_on_the_body_map_charts_that_group_and_outlines_it(qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint

    from assess.reports.body_map import drawing

    view = _view(qtbot, _child())
    view.pages.setCurrentWidget(view.trends)
    canvas = view.trends.body_canvas
    canvas.draw()
    ax = canvas.figure.axes[0]
    points = drawing().regions[("plantarflexors_knee_extended", "right")]
    centre = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
    x, y = ax.transData.transform(centre)  # figure pixels, from the bottom
    ratio = canvas.devicePixelRatioF()
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(round(x / ratio), round(canvas.height() - y / ratio)))
    assert view.trends.choice() == ("plantarflexors_knee_extended", "mas")
    assert _title(view) == "Ankle plantarflexors (knee extended) — MAS"
    outlined = [view.trends.regions[p] for p in view.trends.regions
                if any(o.get_xy().tolist() == p.get_xy().tolist() for o in view.trends._overlays)]
    assert sorted(outlined) == [("plantarflexors_knee_extended", "left"), ("plantarflexors_knee_extended", "right")]


def test_switching_groups_over_the_saved_frame_shows_what_a_whole_drawing_shows(qtbot: QtBot) -> None:
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from assess.reports.charts import draw_trend, trend_axes

    record = max(demo_patients(30, seed=3, today=dt.date(2026, 11, 30)), key=lambda r: len(r.visits))
    view = _view(qtbot, record)
    view.pages.setCurrentWidget(view.trends)
    trends = view.trends
    examined = [g for g in (trends.what.itemData(i) for i in range(trends.what.count()))
                if g and not g.startswith("visit:")
                and "not examined" not in trends.what.itemText(trends.what.findData(g))]
    trends.show_group(examined[0])
    trends.redraw(now=True)
    trends.show_group(examined[1])  # the fast path: the frame is kept, the group's artists are blitted
    assert trends._chart_background is not None
    shown = np.asarray(trends.canvas.buffer_rgba()).copy()
    # The same chart drawn whole, as the report draws it, on a figure of the same size and margins.
    figure = Figure(figsize=trends.figure.get_size_inches(), dpi=trends.figure.dpi)
    FigureCanvasAgg(figure)
    pars = trends.figure.subplotpars
    figure.subplots_adjust(left=pars.left, right=pars.right, top=pars.top, bottom=pars.bottom)
    draw_trend(*trend_axes(figure), record, examined[1], "mas", legend=False)  # the window keys it below
    figure.canvas.draw()
    whole = np.asarray(figure.canvas.buffer_rgba())
    assert shown.shape == whole.shape
    assert (shown == whole).all()  # pixel for pixel the same picture


def test_a_window_ended_before_the_chart_warm_up_began_never_starts_it(qtbot: QtBot) -> None:
    """The warm-up starts IDLE_MS after the window; a window ended sooner (its wait() called) must not have it
    start later in another event loop, still importing when the window is deleted: Qt aborts the process."""
    from assess.ui.trends import TrendsPanel
    from assess.ui.warm_up import IDLE_MS, ChartWarmUp

    trends = TrendsPanel()
    qtbot.addWidget(trends)
    warm_up = ChartWarmUp(trends)
    warm_up.wait()  # as run_window does once its event loop has ended
    qtbot.wait(IDLE_MS * 3)
    assert not warm_up.imports.isRunning() and not warm_up.imports.isFinished()
