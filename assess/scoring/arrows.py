"""The ▲/▼ of a change, one rule for every scale: the arrow follows the number, the word says better or worse."""

from __future__ import annotations

from assess.scoring.change import Direction, ScaleChange, direction
from assess.scoring.scales import FINDING_SCALES

UP, DOWN = "▲", "▼"

# Said wherever the marks are shown (grid, patient view, command line, report). A larger angle is a looser muscle,
# so "111° ▲ better" and "MAS 2 ▲ worse" both read as: the number went up, and that is better / worse.
LEGEND = "▲ higher, ▼ lower than the examination before; the word (and colour) says better or worse"
ANGLE_NOTE = "an angle counts as changed from 10°"

Value = str | float | int | bool


def arrow(scale: str, previous: Value | None, current: Value | None) -> str:
    """▲ when the value went up, ▼ when it went down, "" when it did not move (or not enough: an angle under 10°)."""
    if previous is None or current is None:
        return ""
    moved = direction(scale, previous, current)
    if moved in ("same", "new"):
        return ""
    if scale in FINDING_SCALES:
        ordinal = FINDING_SCALES[scale]
        up = ordinal.rank(str(current)) > ordinal.rank(str(previous))
    else:
        up = float(current) > float(previous)  # angles, beats; True > False for sustained clonus
    return UP if up else DOWN


def word(moved: Direction) -> str:
    """The word beside the arrow: better, worse, changed (a scale with no better end); nothing for same or new."""
    return moved if moved in ("better", "worse", "changed") else ""


def marked(scale: str, previous: Value | None, current: Value | None) -> str:
    """'▲ worse', '▲ better', '▼ changed', or "" (no change, or nothing to compare with)."""
    if previous is None or current is None:
        return ""
    sign = arrow(scale, previous, current)
    said = word(direction(scale, previous, current))
    return f"{sign} {said}".strip() if sign else ""


def change_mark(change: ScaleChange) -> str:
    """The mark of one scale's change in the latest findings ('' for a first examination or no change)."""
    return marked(change.scale, change.previous, change.current)


def change_words(change: ScaleChange) -> str:
    """For a table's change column, word first: 'worse ▲', 'better ▲', 'same', or "" for a first examination."""
    if change.direction == "new" or change.previous is None:
        return ""
    sign = arrow(change.scale, change.previous, change.current)
    return f"{change.direction} {sign}".strip()
