"""The body map: one region per muscle group and side, where a clinician looks for it, coloured by the latest MAS."""

from __future__ import annotations

import datetime as dt
import io
from itertools import combinations

import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent, PickEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from assess.record import palette
from assess.record.domain import Finding, Visit
from assess.reports.body_map import (
    NOT_EXAMINED_FILL,
    NOT_EXAMINED_HATCH,
    Ellipse,
    default_path,
    draw_body_map,
    drawing,
    parse,
)
from assess.scoring.muscles import MUSCLE_GROUPS, SIDES
from assess.scoring.response import latest_mas

Point = tuple[float, float]
ALL_SITES = {(g.code, side) for g in MUSCLE_GROUPS for side in SIDES}


def _inside(point: Point, polygon: tuple[Point, ...]) -> bool:
    """Ray casting: is the point strictly inside the polygon (even-odd rule)?"""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _edges_cross(p: tuple[Point, Point], q: tuple[Point, Point]) -> bool:
    d1, d2 = _cross(q[0], q[1], p[0]), _cross(q[0], q[1], p[1])
    d3, d4 = _cross(p[0], p[1], q[0]), _cross(p[0], p[1], q[1])
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0) and 0 not in (d1, d2, d3, d4)


def _edges(polygon: tuple[Point, ...]) -> list[tuple[Point, Point]]:
    return list(zip(polygon, polygon[1:] + polygon[:1], strict=True))


def _overlap(a: tuple[Point, ...], b: tuple[Point, ...]) -> bool:
    """Two simple polygons overlap when an edge of one crosses an edge of the other or one holds the other's corner."""
    return (any(_edges_cross(e, f) for e in _edges(a) for f in _edges(b))
            or any(_inside(p, b) for p in a) or any(_inside(p, a) for p in b))


def _view_centre(view: str) -> float:
    """The midline of a view: the centre of its head."""
    heads = sorted(s.centre[0] for s in drawing().outline if isinstance(s, Ellipse))
    return heads[0] if view == "front" else heads[1]


def _silhouette(view: str) -> tuple[Point, ...]:
    centre = _view_centre(view)
    (body,) = [s for s in drawing().outline if not isinstance(s, Ellipse) and min(x for x, _ in s) < centre
               < max(x for x, _ in s)]
    return body


def test_every_muscle_group_has_exactly_one_region_per_side() -> None:
    text = default_path().read_text(encoding="utf-8")
    for code, side in ALL_SITES:
        assert text.count(f'id="region:{code}:{side}"') == 1, (code, side)
    assert set(parse(text).regions) == ALL_SITES


def test_regions_lie_inside_the_body_on_the_patients_own_side() -> None:
    body = drawing()
    for (code, side), points in body.regions.items():
        view = body.views[(code, side)]
        assert view in ("front", "back")
        assert all(_inside(p, _silhouette(view)) for p in points), (code, side)
        # The patient's left is on the viewer's right in the front view and on the viewer's left from behind.
        on_viewers_right = all(x > _view_centre(view) for x, _ in points)
        on_viewers_left = all(x < _view_centre(view) for x, _ in points)
        assert (on_viewers_right if (side == "left") == (view == "front") else on_viewers_left), (code, side)


def test_muscles_are_drawn_in_the_view_that_shows_them() -> None:
    views = drawing().views
    front = {"shoulder_adductors", "elbow_flexors", "wrist_flexors", "finger_flexors", "hip_flexors",
             "hip_adductors", "knee_extensors", "great_toe_extensor"}
    back = {"elbow_extensors", "knee_flexors", "plantarflexors_knee_extended", "plantarflexors_knee_flexed"}
    for code in front:
        assert views[(code, "left")] == views[(code, "right")] == "front", code
    for code in back:
        assert views[(code, "left")] == views[(code, "right")] == "back", code
    regions = drawing().regions
    top = {code: min(y for _, y in regions[(code, "left")]) for code, _ in ALL_SITES}
    # head to toe: the gastrocnemius (knee extended) sits above the soleus (knee flexed) on the calf
    assert top["elbow_flexors"] < top["wrist_flexors"] < top["hip_adductors"] < top["ankle_invertors"]
    assert top["plantarflexors_knee_extended"] < top["plantarflexors_knee_flexed"] < top["toe_flexors"]


def test_no_two_regions_overlap() -> None:
    body = drawing()
    for a, b in combinations(sorted(body.regions), 2):
        if body.views[a] == body.views[b]:
            assert not _overlap(body.regions[a], body.regions[b]), (a, b)


def test_the_overlap_check_itself_sees_overlaps() -> None:
    square = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    assert _overlap(square, ((5.0, 5.0), (15.0, 5.0), (15.0, 15.0), (5.0, 15.0)))
    assert _overlap(square, ((-5.0, 4.0), (15.0, 4.0), (15.0, 6.0), (-5.0, 6.0)))  # a bar across, no corner in
    assert not _overlap(square, ((11.0, 0.0), (20.0, 0.0), (20.0, 10.0), (11.0, 10.0)))


def _drawn(grades: dict[tuple[str, str], str | None], highlight: tuple[str, str] | None = None,
           ) -> tuple[Figure, dict[tuple[str, str], Polygon]]:
    figure = Figure(figsize=(4, 6))
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.0, 0.15, 1.0, 0.85))
    patches = draw_body_map(ax, grades, highlight)
    by_site = {}
    for artist, site in patches.items():
        assert isinstance(artist, Polygon)
        by_site[site] = artist
    return figure, by_site


def test_regions_are_filled_with_the_mas_colour_and_unexamined_ones_hatched() -> None:
    grades: dict[tuple[str, str], str | None] = {
        ("plantarflexors_knee_extended", "left"): "3", ("plantarflexors_knee_extended", "right"): "1+",
        ("hip_adductors", "left"): "0", ("hip_adductors", "right"): None}
    figure, patches = _drawn(grades)
    assert patches[("plantarflexors_knee_extended", "left")].get_facecolor() == to_rgba(palette.MAS_COLOURS["3"])
    assert patches[("plantarflexors_knee_extended", "right")].get_facecolor() == to_rgba(palette.MAS_COLOURS["1+"])
    mas_zero = patches[("hip_adductors", "left")]
    assert mas_zero.get_facecolor() == to_rgba(palette.MAS_COLOURS["0"]) and not mas_zero.get_hatch()
    assert mas_zero.get_edgecolor() != mas_zero.get_facecolor()  # a near-white region still shows its shape
    for site in (("hip_adductors", "right"), ("elbow_flexors", "left")):  # graded None, and never graded
        assert patches[site].get_hatch() == NOT_EXAMINED_HATCH
        assert patches[site].get_facecolor() == to_rgba(NOT_EXAMINED_FILL)
    figure.savefig(io.BytesIO(), format="png")  # draws without error


def test_legend_prints_every_grade_and_not_examined() -> None:
    figure, _ = _drawn({})
    legend = figure.axes[0].get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["0", "1", "1+", "2", "3", "4", "not examined"]
    labels = {t.get_text() for t in figure.axes[0].texts}
    assert {"Front", "Back", "Left", "Right"} <= labels


def test_highlighted_region_is_outlined_more_strongly() -> None:
    _, patches = _drawn({}, highlight=("knee_flexors", "right"))
    assert patches[("knee_flexors", "right")].get_linewidth() > 2 * patches[("knee_flexors", "left")].get_linewidth()


def test_every_region_is_pickable_and_a_click_names_its_group_and_side() -> None:
    figure, patches = _drawn({("knee_flexors", "left"): "2"})
    assert set(patches) == ALL_SITES and all(p.get_picker() for p in patches.values())
    picked: list[tuple[str, str]] = []
    site_of = {id(patch): site for site, patch in patches.items()}

    def on_pick(event: PickEvent) -> None:
        picked.append(site_of[id(event.artist)])

    figure.canvas.mpl_connect("pick_event", on_pick)
    figure.canvas.draw()
    ax = figure.axes[0]
    for site in (("knee_flexors", "left"), ("elbow_flexors", "right")):
        points = drawing().regions[site]
        centre = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
        x, y = ax.transData.transform(centre)
        figure.canvas.callbacks.process("button_press_event",
                                        MouseEvent("button_press_event", figure.canvas, x, y, button=MouseButton.LEFT))
    assert picked == [("knee_flexors", "left"), ("elbow_flexors", "right")]


def test_grades_are_printed_on_the_regions_when_there_is_room() -> None:
    figure, _ = _drawn({("knee_flexors", "left"): "1+", ("knee_flexors", "right"): None})
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts.count("1+") == 1  # on the examined region only; never on a not-examined one


def test_small_print_size_draws() -> None:
    figure = Figure(figsize=(2, 3), dpi=150)  # about 5 cm wide in the report
    FigureCanvasAgg(figure)
    draw_body_map(figure.add_axes((0.0, 0.2, 1.0, 0.8)), {("knee_flexors", "left"): "4"})
    figure.savefig(io.BytesIO(), format="png")
    assert all(float(t.get_fontsize()) >= 5 for t in figure.axes[0].texts)  # too small a grade is left out


def _visit(day: dt.date, *findings: Finding) -> Visit:
    return Visit(date=day, type="follow_up", clinician="Dr K. Osei", findings=findings)


def test_latest_mas_takes_the_newest_grade_of_each_side_over_visits_that_skipped_it() -> None:
    visits = [
        _visit(dt.date(2025, 6, 9),  # newest: only the left calf graded, the right one only by Tardieu
               Finding("plantarflexors_knee_extended", "left", mas="1+"),
               Finding("plantarflexors_knee_extended", "right", tardieu_r1=-5.0)),
        _visit(dt.date(2025, 3, 2),
               Finding("plantarflexors_knee_extended", "left", mas="3"),
               Finding("plantarflexors_knee_extended", "right", mas="2"),
               Finding("hip_adductors", "right", mas="1")),
        _visit(dt.date(2024, 11, 20), Finding("hip_adductors", "right", mas="4")),
    ]
    assert latest_mas(visits) == {
        ("plantarflexors_knee_extended", "left"): "1+",
        ("plantarflexors_knee_extended", "right"): "2",
        ("hip_adductors", "right"): "1",
    }
    assert latest_mas([]) == {}


def test_a_path_with_curves_is_refused() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g id="view:front">'
           '<path class="outline" d="M 0 0 C 1 1 2 2 3 3 Z"/></g></svg>')
    with pytest.raises(ValueError, match="M, L, Z"):
        parse(svg)
