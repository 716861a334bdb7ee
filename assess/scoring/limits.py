"""Every dose and schedule limit the safety checks use, as data with its source (assess/resources/limits.json).

CLINICAL.md ("Safety rules") asks that every limit the project ships carries its source and the day it was
checked, so a clinician can see where a warning comes from. The numbers therefore live in a data file, never
in code: this module reads and checks that file and answers lookups; `assess.scoring.safety` applies them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from assess.resources import resource

FORMAT = "assess-limits/1"

# Each rule with the only unit it may be written in: a limit in the wrong unit is refused, not converted.
RULE_UNITS: dict[str, str] = {
    "toxin_session_max_units": "U",
    "toxin_session_max_units_per_kg": "U/kg",
    "toxin_limb_max_units": "U",
    "toxin_limb_max_units_per_kg": "U/kg",
    "toxin_min_interval_weeks": "weeks",
    "oral_max_mg_per_day": "mg/day",
    "oral_max_mg_per_kg_per_day": "mg/kg/day",
    "itb_titration_step_percent": "%",
    "itb_low_reservoir_ml": "mL",
    # Added for issue 13: the labels' cumulative, age, pump and paediatric statements.
    "toxin_cumulative_max_units": "U",
    "toxin_cumulative_max_units_per_kg": "U/kg",
    "toxin_min_age_years": "years",
    "oral_not_established_under_years": "years",
    "oral_not_for_use_under_years": "years",
    "itb_first_dose_max_times_screening": "×",
    "itb_daily_dose_limited_experience": "µg/day",
    "itb_concentration_strength": "µg/mL",
    "itb_pump_service_life_years": "years",
    "itb_replacement_notice_months": "months",
}
CUMULATIVE_RULES = frozenset({"toxin_cumulative_max_units", "toxin_cumulative_max_units_per_kg"})
PHASES = ("post_implant", "maintenance")
TOXIN_DOSE_RULES = frozenset({
    "toxin_session_max_units", "toxin_session_max_units_per_kg", "toxin_limb_max_units", "toxin_limb_max_units_per_kg",
})
PER_KG_RULES = frozenset({
    "toxin_session_max_units_per_kg", "toxin_limb_max_units_per_kg", "oral_max_mg_per_kg_per_day",
    "toxin_cumulative_max_units_per_kg",
})
ORAL_RULES = frozenset({"oral_max_mg_per_day", "oral_max_mg_per_kg_per_day"})
POPULATIONS = ("adult", "paediatric", "any")
LIMBS = ("upper", "lower", "any")
ORIGINS = ("cerebral", "spinal")

# The populations of the labels: adult = 18 years and over, paediatric = under 18 (completed years).
ADULT_AGE_YEARS = 18

_REQUIRED = ("id", "rule", "subject", "population", "limb", "value", "unit", "source", "section", "checked_on",
             "verified", "note")
_OPTIONAL = ("min_age_years", "max_age_years", "per_side", "origin", "phase", "window_weeks", "indication")
_INTERACTION_FIELDS = ("id", "drug", "interacting", "names", "source", "section", "checked_on", "verified", "note")


@dataclass(frozen=True)
class Limit:
    """One row of limits.json. `limb` "any" means the whole session (both limbs together)."""

    id: str
    rule: str
    subject: str
    population: str
    limb: str
    value: float
    unit: str
    source: str
    checked_on: dt.date
    verified: bool
    note: str
    min_age_years: int | None = None
    max_age_years: int | None = None
    per_side: bool = False
    origin: str | None = None
    section: str = ""
    phase: str | None = None  # ITB titration: "post_implant" or "maintenance"
    window_weeks: int | None = None  # cumulative toxin limits: the interval (weeks) the doses add up over
    indication: str | None = None  # what the label's dosing is for, when the drug's use in spasticity is off-label

    @property
    def cited(self) -> str:
        """The source with its section: 'XEOMIN ... prescribing information, section 2.1 ...'."""
        return f"{self.source}, section {self.section}" if self.section else self.source

    @property
    def per_kg(self) -> bool:
        return self.rule in PER_KG_RULES

    def applies_at_age(self, age_years: int) -> bool:
        """Whether the row's population and age band include a patient of this age (completed years)."""
        if self.population == "adult" and age_years < ADULT_AGE_YEARS:
            return False
        if self.population == "paediatric" and age_years >= ADULT_AGE_YEARS:
            return False
        if self.min_age_years is not None and age_years < self.min_age_years:
            return False
        return self.max_age_years is None or age_years <= self.max_age_years


@dataclass(frozen=True)
class Interaction:
    """A drug that must not be taken with others (tizanidine with ciprofloxacin or fluvoxamine)."""

    id: str
    drug: str
    interacting: tuple[str, ...]  # the generic names, for messages
    names: dict[str, str]  # every name (generic and brand, lower case) that finds one, to its generic name
    source: str
    section: str
    checked_on: dt.date
    verified: bool
    note: str

    @property
    def cited(self) -> str:
        return f"{self.source}, section {self.section}"


@dataclass(frozen=True)
class LimitTable:
    """The loaded limits with the lookups the safety checks need; rows keep the file's order."""

    limits: tuple[Limit, ...]
    interactions: tuple[Interaction, ...] = ()

    def __iter__(self) -> Iterator[Limit]:
        return iter(self.limits)

    def __len__(self) -> int:
        return len(self.limits)

    def by_id(self, limit_id: str) -> Limit:
        for limit in self.limits:
            if limit.id == limit_id:
                return limit
        raise KeyError(limit_id)

    def has_subject(self, subject: str) -> bool:
        """Whether any limit at all is on file for a toxin product, a drug or "itb"."""
        return any(limit.subject == subject for limit in self.limits)

    def for_toxin(self, product: str, paediatric: bool) -> tuple[Limit, ...]:
        """A product's dose and re-treatment limits for adults (18 and over) or children (under 18)."""
        wanted = ("paediatric" if paediatric else "adult", "any")
        return tuple(limit for limit in self.limits if limit.subject == product and limit.rule.startswith("toxin_")
                     and limit.population in wanted)

    def toxin_doses(self, product: str, paediatric: bool) -> tuple[Limit, ...]:
        return tuple(limit for limit in self.for_toxin(product, paediatric) if limit.rule in TOXIN_DOSE_RULES)

    def toxin_intervals(self, product: str, paediatric: bool) -> tuple[Limit, ...]:
        return tuple(limit for limit in self.for_toxin(product, paediatric)
                     if limit.rule == "toxin_min_interval_weeks")

    def toxin_interval(self, product: str, paediatric: bool, limbs: Collection[str | None]) -> Limit | None:
        """The re-treatment interval that applies to a session into these limbs ("upper", "lower", None for
        a muscle whose limb is not known): the longest of the rows for those limbs; an unknown limb takes
        every row, as assess cannot tell which one applies."""
        rows = [limit for limit in self.toxin_intervals(product, paediatric)
                if limit.limb == "any" or limit.limb in limbs or None in limbs]
        return max(rows, key=lambda limit: limit.value, default=None)

    def for_drug(self, drug: str, age_years: int) -> tuple[Limit, ...]:
        """An oral drug's daily maxima (mg/day and mg/kg/day) for a patient of this age."""
        return tuple(limit for limit in self.limits if limit.subject == drug and limit.rule in ORAL_RULES
                     and limit.applies_at_age(age_years))

    def itb_titration_step(self, origin: str, phase: str = "post_implant") -> Limit | None:
        """The largest daily-dose increase per step for spasticity of "cerebral" or "spinal" origin, in the
        post-implant titration or in maintenance (the labels give each its own figures)."""
        return next((limit for limit in self.limits if limit.rule == "itb_titration_step_percent"
                     and limit.origin == origin and (limit.phase or "post_implant") == phase), None)

    def toxin_cumulative(self, product: str, paediatric: bool) -> tuple[Limit, ...]:
        """A product's cumulative limits over an interval (BOTOX: 3 months)."""
        return tuple(limit for limit in self.for_toxin(product, paediatric) if limit.rule in CUMULATIVE_RULES)

    def toxin_min_age(self, product: str) -> Limit | None:
        """The youngest age (years) a product's paediatric spasticity dosing is given for."""
        return self.first("toxin_min_age_years", product)

    def not_established(self, drug: str) -> Limit | None:
        """The age under which the label says a drug's safety and effectiveness are not established, or (rule
        oral_not_for_use_under_years) that it is not for use."""
        return (self.first("oral_not_for_use_under_years", drug)
                or self.first("oral_not_established_under_years", drug))

    def first(self, rule: str, subject: str = "itb") -> Limit | None:
        """The first row of a rule for a subject (the pump's rules have the subject "itb")."""
        return next((limit for limit in self.limits if limit.rule == rule and limit.subject == subject), None)

    def rows(self, rule: str, subject: str = "itb") -> tuple[Limit, ...]:
        return tuple(limit for limit in self.limits if limit.rule == rule and limit.subject == subject)

    def interactions_of(self, drug: str) -> tuple[Interaction, ...]:
        return tuple(i for i in self.interactions if i.drug == drug)

    def itb_low_reservoir(self) -> Limit | None:
        """The reservoir volume at which the pump alarms: the refill is due before it."""
        return next((limit for limit in self.limits if limit.rule == "itb_low_reservoir_ml"), None)


def lowest_ceiling(limits: Iterable[Limit], weight_kg: float | None) -> tuple[float, Limit] | None:
    """The limit that applies among absolute and per-kg rows of one scope: the lower one (CLINICAL.md
    "whichever is lower"), per-kg rows times the weight. None when only per-kg rows exist and no weight."""
    rows = list(limits)
    candidates = [(limit.value, limit) for limit in rows if not limit.per_kg]
    if weight_kg is not None:
        candidates += [(limit.value * weight_kg, limit) for limit in rows if limit.per_kg]
    return min(candidates, key=lambda c: c[0], default=None)


def default_path() -> Traversable:
    """Where the shipped limits are: assess/resources/limits.json, inside the installed package."""
    return resource("limits.json")


def load_limits(path: Path | Traversable | None = None) -> LimitTable:
    """Read and check the limits file; the only I/O of assess.scoring.

    Without a path the shipped file is read (assess/resources/limits.json, through importlib.resources, so
    the same file is found in a checkout, an installed wheel and a bundle); it stays a JSON file of its own so
    that clinicians review it as data.

    A file that is not valid JSON, is not `assess-limits/1`, or holds an entry with an unknown rule, a missing
    or ill-typed field, a wrong unit or a date that is not a real YYYY-MM-DD day is refused with a ValueError
    naming the entry's id (or its position when the id itself is missing).
    """
    source = path if path is not None else default_path()
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{source}: not valid JSON: {error}") from error
    return parse_limits(document)


def parse_limits(document: Any) -> LimitTable:
    """Check an already parsed limits document (see `load_limits`) and build the table."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'limits file: "format" must be "{FORMAT}"')
    entries = document.get("limits")
    if not isinstance(entries, list):
        raise ValueError('limits file: "limits" must be a list')
    limits: list[Limit] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        limit = _parse_entry(index, entry)
        if limit.id in seen:
            raise ValueError(f"limit {limit.id}: the id is used twice")
        seen.add(limit.id)
        limits.append(limit)
    raw = document.get("interactions", [])
    if not isinstance(raw, list):
        raise ValueError('limits file: "interactions" must be a list')
    return LimitTable(tuple(limits), tuple(_parse_interaction(i, entry) for i, entry in enumerate(raw)))


def _parse_interaction(index: int, entry: Any) -> Interaction:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        raise ValueError(f"interactions[{index}]: must be an object with an id")
    name = f"interaction {entry['id']}"
    for field in _INTERACTION_FIELDS:
        if field not in entry:
            raise ValueError(f"{name}: missing field '{field}'")
    unknown = sorted(set(entry) - set(_INTERACTION_FIELDS))
    if unknown:
        raise ValueError(f"{name}: unknown field(s) {', '.join(unknown)}")
    values = entry["interacting"]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"{name}: interacting must be a list of names")
    names = entry["names"]
    if (not isinstance(names, dict) or not names
            or not all(isinstance(k, str) and v in values for k, v in names.items())):
        raise ValueError(f"{name}: names must map each name to one of the interacting drugs")
    for field in ("drug", "source", "section", "note"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise ValueError(f"{name}: field '{field}' must be a non-empty text")
    if not isinstance(entry["verified"], bool):
        raise ValueError(f"{name}: verified must be true or false")
    return Interaction(entry["id"], entry["drug"], tuple(entry["interacting"]),
                       {k.lower(): v for k, v in names.items()}, entry["source"], entry["section"],
                       _date(name, entry["checked_on"]), entry["verified"], entry["note"])


def _date(name: str, checked: Any) -> dt.date:
    try:
        checked_on = dt.date.fromisoformat(checked) if isinstance(checked, str) and len(checked) == 10 else None
    except ValueError:
        checked_on = None
    if checked_on is None:
        raise ValueError(f"{name}: checked_on '{checked}' is not a real date (YYYY-MM-DD)")
    return checked_on


def _parse_entry(index: int, entry: Any) -> Limit:
    if not isinstance(entry, Mapping):
        raise ValueError(f"limits[{index}]: must be an object")
    raw_id = entry.get("id")
    if not isinstance(raw_id, str) or not raw_id:
        raise ValueError(f"limits[{index}]: missing field 'id'")
    name = f"limit {raw_id}"

    def text(field: str, choices: tuple[str, ...] | None = None) -> str:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name}: field '{field}' must be a non-empty text")
        if choices is not None and value not in choices:
            raise ValueError(f"{name}: {field} '{value}' is not one of {', '.join(choices)}")
        return value

    def age(field: str) -> int | None:
        value = entry.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name}: field '{field}' must be a whole number of years")
        return value

    for field in _REQUIRED:
        if field not in entry:
            raise ValueError(f"{name}: missing field '{field}'")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ValueError(f"{name}: unknown field(s) {', '.join(unknown)}")
    rule = entry["rule"]
    if rule not in RULE_UNITS:
        raise ValueError(f"{name}: unknown rule '{rule}'")
    unit = text("unit")
    if unit != RULE_UNITS[rule]:
        raise ValueError(f"{name}: rule {rule} is in '{RULE_UNITS[rule]}', not '{unit}'")
    value = entry["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: value must be a number above 0")
    checked_on = _date(name, entry["checked_on"])
    if not isinstance(entry["verified"], bool):
        raise ValueError(f"{name}: verified must be true or false")
    if not isinstance(entry["note"], str):
        raise ValueError(f"{name}: note must be a text")
    per_side = entry.get("per_side", False)
    if not isinstance(per_side, bool):
        raise ValueError(f"{name}: per_side must be true or false")
    limb = text("limb", LIMBS)
    if per_side and limb == "any":
        raise ValueError(f"{name}: per_side needs an upper or lower limb")
    origin = text("origin", ORIGINS) if "origin" in entry else None
    if (origin is None) != (rule != "itb_titration_step_percent"):
        raise ValueError(f"{name}: origin (cerebral or spinal) is given for, and only for, itb_titration_step_percent")
    phase = text("phase", PHASES) if "phase" in entry else None
    if phase is not None and rule != "itb_titration_step_percent":
        raise ValueError(f"{name}: phase is given only for itb_titration_step_percent")
    window = entry.get("window_weeks")
    if (window is None) != (rule not in CUMULATIVE_RULES):
        raise ValueError(f"{name}: window_weeks is given for, and only for, the cumulative toxin rules")
    if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
        raise ValueError(f"{name}: window_weeks must be a whole number of weeks")
    indication = text("indication") if "indication" in entry else None
    min_age, max_age = age("min_age_years"), age("max_age_years")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValueError(f"{name}: min_age_years is above max_age_years")
    return Limit(
        id=raw_id, rule=rule, subject=text("subject"), population=text("population", POPULATIONS), limb=limb,
        value=float(value), unit=unit, source=text("source"), checked_on=checked_on, verified=entry["verified"],
        note=entry["note"], min_age_years=min_age, max_age_years=max_age, per_side=per_side, origin=origin,
        section=text("section"), phase=phase, window_weeks=window, indication=indication,
    )
