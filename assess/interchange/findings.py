"""Findings read and checked in one pass: the hot loop of an import (one call per finding).

The rules are those of the schema's `finding` definition, taken from the schema file itself (its
property names, vocabularies and ranges); a property test holds this check equal to jsonschema's.
A finding that breaks a rule raises FindingInvalid; the caller asks jsonschema to word the error.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from assess.interchange.schema import schema
from assess.record.domain import Finding


class FindingInvalid(Exception):  # noqa: N818 - a verdict, not an error to show
    """The finding breaks the schema; jsonschema says exactly how."""


@dataclass(frozen=True)
class _Rules:
    properties: frozenset[str]
    tardieu_properties: frozenset[str]
    groups: frozenset[str]
    custom_code: re.Pattern[str]
    sides: frozenset[str]
    enums: dict[str, frozenset[str]]
    mas: frozenset[str]
    integers: dict[str, tuple[int, int]]
    angle: tuple[float, float]


@functools.cache
def _rules() -> _Rules:
    defs = schema()["$defs"]
    finding = defs["finding"]["properties"]
    tardieu = finding["tardieu"]["properties"]
    assert defs["finding"]["required"] == ["muscle_group", "side"] and defs["finding"]["minProperties"] == 3
    integers = {name: (spec["minimum"], spec["maximum"]) for name, spec in finding.items()
                if spec.get("type") == "integer"}
    integers["x"] = (tardieu["x"]["minimum"], tardieu["x"]["maximum"])
    return _Rules(
        properties=frozenset(finding), tardieu_properties=frozenset(tardieu),
        groups=frozenset(defs["muscle_group"]["anyOf"][0]["enum"]),
        # ECMA 262 '$' is the end of the text; Python's would also match before a final newline.
        custom_code=re.compile(defs["custom_code"]["pattern"].removesuffix("$") + r"\Z"),
        sides=frozenset(defs["side"]["enum"]),
        enums={name: frozenset(spec["enum"]) for name, spec in finding.items() if "enum" in spec},
        mas=frozenset(finding["mas"]["enum"]),
        integers=integers, angle=(defs["angle"]["minimum"], defs["angle"]["maximum"]),
    )


def _integer(value: Any, bounds: tuple[int, int]) -> int:
    if type(value) is int:
        number = value
    elif type(value) is float and value.is_integer():
        number = int(value)  # JSON Schema counts 2.0 as an integer
    else:
        raise FindingInvalid
    if not bounds[0] <= number <= bounds[1]:
        raise FindingInvalid
    return number


def _angle(value: Any, bounds: tuple[float, float]) -> float:
    if type(value) not in (int, float) or not bounds[0] <= value <= bounds[1]:
        raise FindingInvalid
    return float(value)


def _is_unicode(text: str) -> bool:
    """No lone surrogate ("\ud800" read from JSON): the database could not store it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_finding(obj: Any) -> Finding:
    """The finding, if it keeps every rule of the schema's `finding`; else FindingInvalid."""
    rules = _rules()
    # Most findings of a clinic's files are a MAS grade alone (two in three in the demo data): say so fast.
    if type(obj) is dict and len(obj) == 3:
        group, side, mas = obj.get("muscle_group"), obj.get("side"), obj.get("mas")
        if (type(mas) is str and mas in rules.mas and type(side) is str and side in rules.sides
                and type(group) is str and group in rules.groups):
            return Finding(group, side, mas)
    if type(obj) is not dict or len(obj) < 3 or not rules.properties.issuperset(obj):
        raise FindingInvalid
    group, side = obj.get("muscle_group"), obj.get("side")
    if type(group) is not str or (group not in rules.groups and not rules.custom_code.match(group)):
        raise FindingInvalid
    if type(side) is not str or side not in rules.sides:
        raise FindingInvalid
    # Presence, not truth, decides: an explicit null breaks the schema as any other wrong value does.
    labels: list[str | None] = []
    for name in ("mas", "mrc", "reflex"):
        value = obj.get(name)
        if name in obj and (type(value) is not str or value not in rules.enums[name]):
            raise FindingInvalid
        labels.append(value)
    x = r1 = r2 = None
    if "tardieu" in obj:
        tardieu = obj["tardieu"]
        if type(tardieu) is not dict or not tardieu or not rules.tardieu_properties.issuperset(tardieu):
            raise FindingInvalid
        if "x" in tardieu:
            x = _integer(tardieu["x"], rules.integers["x"])
        if "r1" in tardieu:
            r1 = _angle(tardieu["r1"], rules.angle)
        if "r2" in tardieu:
            r2 = _angle(tardieu["r2"], rules.angle)
    asas = _integer(obj["asas"], rules.integers["asas"]) if "asas" in obj else None
    beats = _integer(obj["clonus_beats"], rules.integers["clonus_beats"]) if "clonus_beats" in obj else None
    prom = _angle(obj["prom"], rules.angle) if "prom" in obj else None
    sustained = obj.get("clonus_sustained")
    if "clonus_sustained" in obj and type(sustained) is not bool:
        raise FindingInvalid
    note = obj.get("note")
    if "note" in obj and (type(note) is not str or not (note.isascii() or _is_unicode(note))):
        raise FindingInvalid
    return Finding(group, side, labels[0], x, r1, r2, asas, prom, labels[1], labels[2], beats, sustained, note)
