"""How keystrokes become grades in the exam grid: derived from the scale catalogue, shown in the help line."""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.scoring.scales import OrdinalScale
from assess.ui.exam_model import ORDINAL

HOLD_MS = 700  # how long MAS 1 / MRC 4 wait for their + or - before they are kept as typed
_GRADE_NAMES = {"mas": "a Modified Ashworth", "tardieu_x": "a Tardieu X", "mrc": "an MRC", "reflex": "a reflex"}


@dataclass(frozen=True)
class KeyRule:
    """What one first keystroke means on a scale: a grade now, or a grade after a second key."""

    grade: str | None
    second: dict[str, str] = field(default_factory=dict)


def key_rules(scale: OrdinalScale) -> dict[str, KeyRule]:
    """Derived from the catalogue: MAS '1' waits for '+'; reflex '3' is 3+ at once (there is no plain 3)."""
    rules = {}
    for first in dict.fromkeys(label[0] for label in scale.labels):
        labels = [label for label in scale.labels if label[0] == first]
        if len(labels) == 1:
            rules[first] = KeyRule(labels[0])
        else:
            rules[first] = KeyRule(first if first in labels else None,
                                   {label[1:]: label for label in labels if label != first})
    return rules


KEY_RULES: dict[str, dict[str, KeyRule]] = {name: key_rules(scale) for name, scale in ORDINAL.items()}
COMMON_KEYS = "Space confirms a grey copied value · Delete clears · Tab/arrows move · Ctrl+Z undo"


def keys_help(field_name: str) -> str:
    """The typing rule of a column, for the help line (UX.md: show the rule)."""
    if field_name not in KEY_RULES:
        return "Type the number (an angle may be negative); Enter keeps it and moves down · " + COMMON_KEYS
    rules = KEY_RULES[field_name]
    parts = [f"Type {' '.join(rules)}: the grade is kept and the cursor moves on"]
    plus = [f"{first} = {rule.grade}" for first, rule in rules.items() if not rule.second and rule.grade != first]
    if plus:
        parts.append(", ".join(plus))
    for first, rule in rules.items():
        if rule.second:
            labels = " or ".join(rule.second.values())
            keys = " or ".join(rule.second)
            parts.append(f"{labels}: {first} then {keys} (a lone {first} is kept after {HOLD_MS / 1000:g} s "
                         "or at the next key)")
    return " · ".join(parts) + " · " + COMMON_KEYS


def refusal(field_name: str, text: str) -> str:
    if field_name in ORDINAL:
        scale = ORDINAL[field_name]
        extra = " (type 3 for 3+)" if field_name == "reflex" else ""
        return f"'{text}' is not {_GRADE_NAMES[field_name]} grade: {', '.join(scale.labels)}{extra}"
    return f"'{text}' is not part of a number: type digits, a minus sign or a decimal point"
