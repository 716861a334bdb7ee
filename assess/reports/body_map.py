"""The body map: front and back outline with each muscle group's region coloured by its latest MAS per side.

The drawing is data (assess/resources/body_map.svg, drawn for assess); this module reads it once and draws it on a
matplotlib Axes, so the patient view and the PDF show the same picture. Clicking a region is left to the
caller: draw_body_map returns which patch is which (group, side), for a pick_event handler.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from assess.record import palette
from assess.resources import resource
from assess.scoring.scales import MAS

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

Point = tuple[float, float]
Site = tuple[str, str]  # (muscle group code, side)

MAS_GRADES: tuple[str, ...] = tuple(g.label for g in MAS.grades)
# Not examined must not pass for MAS 0 (near-white): a mid-light grey, hatched, so it differs in texture too.
NOT_EXAMINED_FILL = "#d9d9d9"
NOT_EXAMINED_HATCH = "////"
NOT_EXAMINED_HATCH_COLOUR = "#8c8c8c"  # quieter than the edges: an unexamined region should not draw the eye
REGION_EDGE = "#4d4d4d"  # dark enough that the near-white MAS 0 region still shows its shape
OUTLINE_EDGE = "#555555"
HIGHLIGHT_EDGE = "#000000"
MIN_GRADE_SIZE = 5.0  # points; below this (a small print) the regions are too small to hold their grade

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Ellipse:
    centre: Point
    width: float
    height: float


@dataclass(frozen=True)
class Label:
    position: Point
    text: str


@dataclass(frozen=True)
class Drawing:
    """The parsed SVG: the outline shapes, the lines that help to recognise a view, labels, and the regions."""

    width: float
    height: float
    outline: tuple[tuple[Point, ...] | Ellipse, ...]
    details: tuple[tuple[Point, ...], ...]
    labels: tuple[Label, ...]
    regions: dict[Site, tuple[Point, ...]]
    views: dict[Site, str]  # which view ("front"/"back") each region is drawn in


def default_path() -> Traversable:
    """assess/resources/body_map.svg, inside the installed package (like the limits, scoring/limits.py)."""
    return resource("body_map.svg")


def _pairs(numbers: Sequence[float]) -> tuple[Point, ...]:
    return tuple((numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2))


def _path_points(d: str) -> tuple[Point, ...]:
    """The points of an absolute M/L/Z path, the only path commands the drawing uses."""
    commands = set(re.findall(r"[A-Za-z]", d))
    if not commands <= {"M", "L", "Z"}:
        raise ValueError(f"body map path uses commands other than absolute M, L, Z: {sorted(commands)}")
    return _pairs([float(n) for n in _NUMBER.findall(d)])


def parse(text: str) -> Drawing:
    """Read the body map SVG: outline shapes (class "outline"), detail lines, labels and the regions."""
    root = ElementTree.fromstring(text)
    _, _, width, height = (float(n) for n in root.get("viewBox", "").split())
    outline: list[tuple[Point, ...] | Ellipse] = []
    details: list[tuple[Point, ...]] = []
    labels: list[Label] = []
    regions: dict[Site, tuple[Point, ...]] = {}
    views: dict[Site, str] = {}
    for group in root.iter(f"{_SVG}g"):
        view = group.get("id", "").removeprefix("view:")
        for element in group:
            tag, classes = element.tag.removeprefix(_SVG), element.get("class", "").split()
            if tag == "ellipse" or tag == "circle":
                rx = float(element.get("rx", element.get("r", "0")))
                ry = float(element.get("ry", element.get("r", "0")))
                centre = (float(element.get("cx", "0")), float(element.get("cy", "0")))
                outline.append(Ellipse(centre, 2 * rx, 2 * ry))
            elif tag == "text":
                labels.append(Label((float(element.get("x", "0")), float(element.get("y", "0"))),
                                    (element.text or "").strip()))
            elif tag in ("path", "polygon"):
                points = (_path_points(element.get("d", "")) if tag == "path"
                          else _pairs([float(n) for n in _NUMBER.findall(element.get("points", ""))]))
                element_id = element.get("id", "")
                if element_id.startswith("region:"):
                    _, code, side = element_id.split(":")
                    regions[(code, side)] = points
                    views[(code, side)] = view
                elif "outline" in classes:
                    outline.append(points)
                elif "detail" in classes:
                    details.append(points)
    return Drawing(width, height, tuple(outline), tuple(details), tuple(labels), regions, views)


@functools.cache
def drawing() -> Drawing:
    """The shipped body map, read once."""
    return parse(default_path().read_text(encoding="utf-8"))


def _middle(points: Sequence[Point]) -> Point:
    """Where a region's grade is printed: the middle of its bounding box (the regions are nearly convex)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def draw_body_map(ax: Axes, grades: Mapping[Site, str | None], highlight: Site | None = None) -> dict[Artist, Site]:
    """Draw the front and back outline with every region filled by its MAS grade, and a legend.

    `grades` maps (group, side) to a MAS grade; a region that is missing or None is drawn as not examined.
    `highlight` outlines one region more strongly (the group whose trend is shown). Returns each region's
    patch (pickable) with its (group, side), so a window can show that group's trend on a click.
    """
    from matplotlib.patches import Ellipse as EllipsePatch
    from matplotlib.patches import Patch, Polygon

    body = drawing()
    # Text and lines follow the drawn size (window or a 5 cm figure in the PDF), within readable bounds.
    pixels_to_points = 72 / ax.figure.dpi
    points_per_unit = min(ax.bbox.width / body.width, ax.bbox.height / body.height) * pixels_to_points
    text_size = min(10.0, max(6.0, 10 * points_per_unit))
    stroke = min(1.0, max(0.4, 0.8 * points_per_unit))
    grade_size = min(9.0, 8 * points_per_unit)
    for shape in body.outline:
        if isinstance(shape, Ellipse):
            ax.add_patch(EllipsePatch(shape.centre, shape.width, shape.height, facecolor="white",
                                      edgecolor=OUTLINE_EDGE, linewidth=1.6 * stroke, zorder=1))
        else:
            ax.add_patch(Polygon(shape, closed=True, facecolor="white", edgecolor=OUTLINE_EDGE,
                                 linewidth=1.6 * stroke, joinstyle="round", zorder=1))
    for detail in body.details:
        ax.plot([x for x, _ in detail], [y for _, y in detail], color="#aaaaaa", linewidth=0.6 * stroke, zorder=1.5)
    patches: dict[Artist, Site] = {}
    for site, points in body.regions.items():
        grade = grades.get(site)
        colour = palette.MAS_COLOURS.get(grade) if grade is not None else None
        strong = site == highlight
        patch = Polygon(points, closed=True, picker=True, zorder=3 if strong else 2,
                        facecolor=colour or NOT_EXAMINED_FILL,
                        hatch=None if colour else NOT_EXAMINED_HATCH, hatchcolor=NOT_EXAMINED_HATCH_COLOUR,
                        hatch_linewidth=0.7 * stroke,
                        edgecolor=HIGHLIGHT_EDGE if strong else REGION_EDGE,
                        linewidth=(2.4 if strong else 0.8) * stroke)
        patch.set_gid(f"region:{site[0]}:{site[1]}")
        ax.add_patch(patch)
        patches[patch] = site
        if grade is not None and colour:
            # The grade printed on the region where it fits, so no one has to match colours to the legend
            # (a digit is about 0.65 em wide; narrow regions such as the forearm get a smaller size).
            room = (max(x for x, _ in points) - min(x for x, _ in points)) * points_per_unit * 0.85
            size = min(grade_size, room / (0.7 * len(grade)))
            if size >= MIN_GRADE_SIZE:
                ax.text(*_middle(points), grade, ha="center", va="center", fontsize=size, color="#1a1a1a",
                        zorder=4, clip_on=True)
    for label in body.labels:
        ax.text(*label.position, label.text, ha="center", va="baseline", fontsize=text_size,
                fontweight="bold" if label.text in ("Front", "Back") else "normal")
    handles = [Patch(facecolor=palette.MAS_COLOURS[g], edgecolor=REGION_EDGE, linewidth=0.6, label=g)
               for g in MAS_GRADES]
    handles.append(Patch(facecolor=NOT_EXAMINED_FILL, edgecolor=REGION_EDGE, linewidth=0.6,
                         hatch=NOT_EXAMINED_HATCH, hatchcolor=NOT_EXAMINED_HATCH_COLOUR, hatch_linewidth=0.7,
                         label="not examined"))
    ax.legend(handles=handles, title="Latest MAS", loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4,
              fontsize=text_size * 0.85, title_fontsize=text_size * 0.85, frameon=False, handlelength=1.6,
              columnspacing=1.0)
    ax.set_xlim(0, body.width)
    ax.set_ylim(body.height, 0)  # SVG's y grows downwards
    ax.set_aspect("equal")
    ax.set_axis_off()
    return patches
