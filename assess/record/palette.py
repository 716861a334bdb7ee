"""The one colour scale for MAS grades, used by every view (grid, patient view, and later charts and PDF).

Sequential light-to-dark yellow-orange (after ColorBrewer's YlOrBr, lightened so that dark text stays
readable on every step): lightness falls with each grade, so the order reads without telling hues apart
(colour-blind safe), and the grade's label is always printed on it, so nothing relies on colour alone.
"""

from __future__ import annotations

MAS_COLOURS: dict[str, str] = {
    "0": "#f7f7f7",
    "1": "#fff3c4",
    "1+": "#ffe08a",
    "2": "#ffc56b",
    "3": "#fba25e",
    "4": "#f07f5a",
}

# Change since the previous examination: a blue/orange pair that colour-blind readers tell apart,
# dark enough to read on every MAS colour above; always with the ▼/▲ shape as well.
BETTER = "#0b4f8a"
WORSE = "#8a3b00"
