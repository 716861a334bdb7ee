"""What changed in a signed record since it was sealed, in words a clinic's IT person (or a clinician) reads.

Both sides are the record as the interchange format writes it (visit_fields / treatment_fields): the
content the audit trail kept when it was signed, and the content stored now.
"""

from __future__ import annotations

from typing import Any

from assess.record.labels import words
from assess.scoring.muscles import group_name
from assess.scoring.scales import FINDING_SCALES

_FIELD_WORDS = {
    "weight_kg": "weight (kg)", "clinician": "examiner", "notes": "notes", "dilution_units_per_ml": "dilution "
    "(units/ml)", "lot": "lot", "guidance": "guidance", "date": "date", "type": "visit type", "product": "product",
    "triggers": "triggers", "symptoms": "symptoms", "penn_frequency": "Penn frequency", "penn_severity":
    "Penn severity", "pain_nrs": "pain (NRS)", "tardieu": "Tardieu", "x": "X", "r1": "R1", "r2": "R2", "prom":
    "PROM", "clonus_beats": "clonus beats", "clonus_sustained": "sustained clonus", "note": "note",
}
_LONG = 60  # characters of a changed text quoted in a line
_TEXTS = {"notes", "note", "clinician", "lot"}  # free text, quoted; grades and codes are shown as they are


def _label(key: str) -> str:
    if key in FINDING_SCALES:
        return FINDING_SCALES[key].abbreviation
    return _FIELD_WORDS.get(key, key.replace("_", " "))


def _shown(value: Any, key: str) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return ", ".join(words(str(v)) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if key.rsplit(".", 1)[-1] not in _TEXTS:
        return text
    return repr(text[:_LONG] + "…") if len(text) > _LONG else repr(text)


def _flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects (scores, SCATS, Tardieu) as dotted keys, so each value is compared on its own."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _changed_values(then: dict[str, Any], now: dict[str, Any], ignore: frozenset[str] = frozenset()) -> list[str]:
    before, after = _flat(then), _flat(now)
    lines = []
    for key in sorted({*before, *after} - ignore):
        if before.get(key) != after.get(key):
            name = " ".join(_label(part) for part in key.split("."))
            lines.append(f"{name} {_shown(before.get(key), key)} when signed, now {_shown(after.get(key), key)}")
    return lines


def _group(muscle_group: str, side: str) -> str:
    name = group_name(muscle_group)
    return f"{side} {name[:1].lower()}{name[1:]}"


def _by(items: list[dict[str, Any]], *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(item.get(k) for k in keys): item for item in items}


def _parts(then: list[dict[str, Any]], now: list[dict[str, Any]], keys: tuple[str, str],
           name: Any) -> list[str]:
    """Findings (by group and side) or injections (by muscle and side): changed, deleted, added."""
    before, after = _by(then, *keys), _by(now, *keys)
    lines = []
    for identity in [*before, *(k for k in after if k not in before)]:
        label = name(*identity)
        if identity not in after:
            lines.append(f"{label} was deleted")
        elif identity not in before:
            lines.append(f"{label} was added")
        else:
            rest = frozenset(keys)
            lines += [f"{label}: {line}" for line in _changed_values(before[identity], after[identity], rest)]
    return lines


def visit_changes(then: dict[str, Any], now: dict[str, Any], from_save: bool = False) -> list[str]:
    """Each difference between a visit's sealed content and its content now, one phrase each.

    `from_save`: `then` is the visit as last saved before signing (an older record's trail keeps no copy
    at the signature), so its status and signing time are not compared.
    """
    ignore = frozenset({"findings", "status", "signed_at"} if from_save else {"findings"})
    lines = _changed_values({k: v for k, v in then.items() if k != "findings"},
                            {k: v for k, v in now.items() if k != "findings"}, ignore)
    lines += _parts(then.get("findings", []), now.get("findings", []), ("muscle_group", "side"),
                    lambda group, side: _group(str(group), str(side)))
    return lines


def toxin_changes(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    lines = _changed_values({k: v for k, v in then.items() if k != "injections"},
                            {k: v for k, v in now.items() if k != "injections"})
    lines += _parts(then.get("injections", []), now.get("injections", []), ("muscle", "side"),
                    lambda muscle, side: f"{side} {words(str(muscle))} injection")
    return lines


def visit_words(visit_type: str, day: str) -> str:
    return f"the {words(visit_type)} visit of {day}"
