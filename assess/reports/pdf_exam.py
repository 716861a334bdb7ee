"""The appendix's examination: one row per muscle group, a column pair (left, right) per scale recorded."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, Table  # type: ignore[import-untyped]

from assess.record.palette import BETTER, MAS_COLOURS, WORSE
from assess.reports.content import ExamRow
from assess.reports.pdf_parts import (
    BOLD,
    FONT,
    HEADER_FILL,
    HEADING,
    INK,
    RULE,
    STRIPE,
    share_width,
    table_style,
    text,
)
from assess.scoring.arrows import DOWN, LEGEND, UP

SIZE = 8.5  # the value
SMALL = 7.5  # the change word
PAD = 3.0
GROUP_SHARE = 0.2  # of the width: the muscle group's name, on two lines when long
SIDES = ("left", "right")

CELL = ParagraphStyle("exam_cell", fontName=FONT, fontSize=SIZE, leading=10.2, textColor=INK, alignment=TA_CENTER)
GROUP = ParagraphStyle("exam_group", fontName=FONT, fontSize=SIZE, leading=10.2, textColor=INK)
HEAD = ParagraphStyle("exam_head", fontName=BOLD, fontSize=SIZE, leading=10.2, textColor=INK, alignment=TA_CENTER)
HEAD_LEFT = ParagraphStyle("exam_head_left", parent=HEAD, alignment=0)
COLOURS = {"better": BETTER, "worse": WORSE}
MUTED_TEXT = "#4a4a4a"  # pdf_parts.MUTED, for inline markup
ABSENT = f'<font color="{MUTED_TEXT}">—</font>'
DASH = SIZE + 2 * PAD + 4  # a column that holds no value: "—" is one em wide


@dataclass(frozen=True)
class _Cell:
    latest: str
    previous: str
    change: str  # the word: "better", "worse", "changed", "same" or ""
    mark: str = ""  # ▲ the value went up, ▼ down (assess.scoring.arrows: the arrow follows the number)


def scale_order(exam: Sequence[ExamRow]) -> list[str]:
    """The scales in the order each group lists them (the service's catalogue order), merged over groups:
    a scale missing from the first group still lands between its neighbours."""
    order: list[str] = []
    for group in dict.fromkeys(r.muscle_group for r in exam):
        previous = -1
        for scale in dict.fromkeys(r.scale for r in exam if r.muscle_group == group):
            if scale in order:
                previous = order.index(scale)
            else:
                previous += 1
                order.insert(previous, scale)
    return order


def _word(change: str) -> str:
    return change.split(" ")[0] if change else ""


def _mark(change: str) -> str:
    """The arrow the service put after the word ('worse ▲', 'better ▲': scoring.arrows.change_words), or ""."""
    return next((part for part in change.split(" ")[1:] if part in (UP, DOWN)), "")


NBSP = "\u00a0"


def _pieces(cell: _Cell) -> list[str]:
    """A changed value in the pieces a narrow column may break it into (never inside one): "1 → 2 ▲" stays
    whole when both values are short grades; an angle's change breaks after its arrow ("-55° →", "-85° ▲")."""
    mark, colour = cell.mark, COLOURS.get(cell.change, MUTED_TEXT)
    latest = f"<b>{text(cell.latest)}</b>" + (f'{NBSP}<font color="{colour}">{mark}</font>' if mark else "")
    if not cell.previous:
        return [latest]
    before = f"{text(cell.previous)}{NBSP}→"
    short = len(cell.previous) <= 2 and len(cell.latest) <= 2
    return [f"{before}{NBSP}{latest}"] if short else [before, latest]


def _cell_text(cell: _Cell | None) -> str:
    """The value; where it changed, the value before it, its mark and the word: "2 → 1+ ▼ better" (on two or
    three lines where the column is narrow)."""
    if cell is None:
        return ABSENT
    if cell.change not in (*COLOURS, "changed"):
        return f"<b>{text(cell.latest)}</b>"
    colour = COLOURS.get(cell.change, MUTED_TEXT)
    return " ".join(_pieces(cell)) + f' <font size="{SMALL}" color="{colour}">{cell.change}</font>'


def _needs(cell: _Cell | None) -> tuple[float, float]:
    """The width a cell takes on one line, and the least it takes (its widest piece: pieces are never broken)."""
    if cell is None:
        return (DASH, DASH)
    if cell.change not in (*COLOURS, "changed"):
        alone = pdfmetrics.stringWidth(cell.latest, BOLD, SIZE) + 2 * PAD
        return (alone, alone)
    pieces = [p.replace(NBSP, " ") for p in _pieces(cell)]
    plain = [re.sub(r"<[^>]+>", "", p) for p in pieces]
    widths = [pdfmetrics.stringWidth(p, BOLD, SIZE) for p in plain] + [pdfmetrics.stringWidth(cell.change, FONT,
                                                                                               SMALL)]
    space = pdfmetrics.stringWidth(" ", FONT, SIZE)
    return (sum(widths) + space * len(plain) + 2 * PAD + 1, max(widths) + 2 * PAD + 1)


def _column(cells: list[_Cell]) -> tuple[float, float]:
    """A column's width: what three in four of its values take on one line (a rare long change, an angle's
    "-55° → -85° ▲ worse", takes two lines rather than widen the column for every row); and its least."""
    if not cells:
        return (DASH, DASH)
    needs = sorted(_needs(c)[0] for c in cells)
    return (needs[max(0, math.ceil(0.75 * len(needs)) - 1)], max(_needs(c)[1] for c in cells))


def exam_tables(exam: Sequence[ExamRow], width: float) -> list[Any]:
    """The examination as one table (two when very many scales were recorded): a row per muscle group, for each
    scale its left and right value side by side; the MAS grade on the clinic's colour scale."""
    cells: dict[str, dict[tuple[str, str], _Cell]] = {}
    for row in exam:
        cells.setdefault(row.muscle_group, {})[(row.scale, row.side)] = _Cell(row.latest, row.previous,
                                                                             _word(row.change), _mark(row.change))
    scales = scale_order(exam)
    columns: dict[tuple[str, str], tuple[float, float]] = {}
    for scale in scales:
        pair = [_column([by[(scale, side)] for by in cells.values() if (scale, side) in by]) for side in SIDES]
        # The scale's name spans its two columns: its longest word fits them.
        name = max(pdfmetrics.stringWidth(word, BOLD, SIZE) for word in scale.split()) + 2 * PAD
        lift = max(0.0, name - pair[0][1] - pair[1][1]) / 2
        for side, (natural, least) in zip(SIDES, pair, strict=True):
            columns[(scale, side)] = (max(natural, least + lift), least + lift)
    group_width = width * GROUP_SHARE
    room = width - group_width
    tables = []
    for part in _chunks(scales, columns, room):
        keys = [(scale, side) for scale in part for side in SIDES]
        # Each column as wide as its values need; when they do not all fit, the widest are cut (their changes
        # then take two lines) and the rest keep their room.
        widths = share_width([columns[k][0] for k in keys], [columns[k][1] for k in keys], room)
        tables.append(_table(part, cells, widths, group_width))
    return tables


def _chunks(scales: list[str], columns: dict[tuple[str, str], tuple[float, float]], room: float) -> list[list[str]]:
    """The scales split over as few tables as fit the width (rarely more than one)."""
    chunks: list[list[str]] = [[]]
    used = 0.0
    for scale in scales:
        pair = sum(columns[(scale, side)][1] for side in SIDES)
        if chunks[-1] and used + pair > room:
            chunks.append([])
            used = 0.0
        chunks[-1].append(scale)
        used += pair
    return chunks


def _table(scales: list[str], cells: dict[str, dict[tuple[str, str], _Cell]], widths: list[float],
           group_width: float) -> Any:
    head = [Paragraph("Muscle group", HEAD_LEFT)]
    sides: list[Any] = [""]
    for scale in scales:
        head += [Paragraph(text(scale), HEAD), ""]
        sides += [Paragraph("L", HEAD), Paragraph("R", HEAD)]
    rows: list[list[Any]] = [head, sides]
    style: list[tuple[Any, ...]] = [
        ("SPAN", (0, 0), (0, 1)),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
        ("LINEBELOW", (0, 1), (-1, 1), 0.8, HEADING),
        ("LINEBELOW", (0, 2), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("ROWBACKGROUNDS", (0, 2), (-1, -1), [colors.white, STRIPE]),
    ]
    for n in range(len(scales)):
        column = 1 + 2 * n
        style += [("SPAN", (column, 0), (column + 1, 0)), ("LINEBEFORE", (column, 0), (column, -1), 0.6, RULE)]
    for r, (group, by) in enumerate(cells.items(), start=2):
        line: list[Any] = [Paragraph(text(group), GROUP)]
        for n, scale in enumerate(scales):
            for s, side in enumerate(SIDES):
                cell = by.get((scale, side))
                line.append(Paragraph(_cell_text(cell), CELL))
                # The MAS grade on the clinic's colour scale, as in the window; the grade is always printed too.
                if scale == "MAS" and cell is not None and cell.latest in MAS_COLOURS:
                    column = 1 + 2 * n + s
                    style.append(("BACKGROUND", (column, r), (column, r), colors.HexColor(MAS_COLOURS[cell.latest])))
        rows.append(line)
    column_widths = [group_width, *widths]
    table = Table(rows, colWidths=column_widths, repeatRows=2, splitByRow=1, hAlign="LEFT")
    table.setStyle(table_style(style))
    return table


EXAM_KEY = (f"L left, R right; — not examined. Where a value changed: the value before → this one; {LEGEND}. "
            "The value before is the last one recorded for that group, side and scale; an angle counts as "
            "changed from 10° on.")
