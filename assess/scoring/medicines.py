"""The patient's current medicines with their limit status, and the interactions found: pure functions for
the letter to the primary care doctor and for the alerts (no Qt, no database)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from assess.record.domain import OralMedication, PatientRecord, Visit, age_in_years
from assess.record.labels import words
from assess.scoring.current import current_treatments
from assess.scoring.limits import LimitTable, lowest_ceiling
from assess.scoring.weights import weight_on

_EPSILON = 1e-9


@dataclass(frozen=True)
class MedicineStatus:
    """One oral spasticity drug taken on a day, against its label maximum for the patient's age (and weight).

    `maximum_mg_per_day` is None when no maximum is on file for the age; `over` is then False. `how` says which
    limit decided ("40 mg/day" or "2 mg/kg/day × 18 kg"); `source` cites the label and section; `verified` is
    False when any limit behind the figure was not read in the label text; `note` carries what the label says
    besides (off-label for spasticity, not established under N years)."""

    drug: str
    dose_mg_per_day: float
    maximum_mg_per_day: float | None
    over: bool
    how: str
    source: str | None
    verified: bool
    note: str | None


@dataclass(frozen=True)
class InteractionFound:
    """A drug taken with one of the patient's other medicines that its label contraindicates."""

    drug: str  # the spasticity drug, e.g. "tizanidine"
    other: str  # the other medicine as recorded, e.g. "Ciprofloxacin 500 mg bd"
    interacting: str  # the generic name found in it, e.g. "ciprofloxacin"
    message: str
    source: str
    verified: bool


def _doses(drugs: list[OralMedication], on: dt.date) -> dict[str, float]:
    taken: defaultdict[str, float] = defaultdict(float)
    for drug in current_treatments(drugs, on).drugs:  # overlapping periods of one drug add up
        taken[drug.drug] += drug.dose_mg_per_day
    return dict(taken)


def medicine_status(drug: str, dose: float, birth_date: dt.date, weight_kg: float | None, on: dt.date,
                    limits: LimitTable) -> MedicineStatus:
    """One drug's status; the lower of the mg/day and mg/kg/day maxima applies (per-kg ones need a weight)."""
    age = age_in_years(birth_date, on)
    rows = limits.for_drug(drug, age)
    found = lowest_ceiling(rows, weight_kg)
    notes = [x.indication for x in limits.limits if x.subject == drug and x.indication][:1]
    young = limits.not_established(drug)
    if young is not None and age < young.value:
        notes.append(young.note)
    note = " ".join(notes) or None
    if found is None:
        return MedicineStatus(drug, dose, None, False, "no maximum on file for the age", None, True, note)
    ceiling, binding = found
    how = (f"{binding.value:g} mg/kg/day × {weight_kg:g} kg" if binding.per_kg and weight_kg is not None
           else f"{binding.value:g} mg/day")
    return MedicineStatus(drug, dose, ceiling, dose > ceiling + _EPSILON, how,
                          "; ".join(dict.fromkeys(x.cited for x in rows)), all(x.verified for x in rows), note)


def current_medicines(record: PatientRecord, on: dt.date, limits: LimitTable,
                      visits: tuple[Visit, ...] | None = None) -> list[MedicineStatus]:
    """Every oral spasticity drug taken on `on` (overlapping periods added), in the catalogue's order of
    first start, each with its limit status at the patient's age and latest weight on that day."""
    drugs = [t for t in record.treatments if isinstance(t, OralMedication)]
    weighed = weight_on(record.visits if visits is None else visits, on)
    weight = weighed[0] if weighed else None
    return [medicine_status(drug, dose, record.birth_date, weight, on, limits)
            for drug, dose in _doses(drugs, on).items()]


def other_medicine_lines(text: str | None) -> list[str]:
    """The other medicines as the clinic typed them: one per line or separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[\n,;]", text or "") if part.strip()]


def interactions(record: PatientRecord, on: dt.date, limits: LimitTable) -> list[InteractionFound]:
    """The contraindicated pairs between the drugs taken on `on` and the patient's other medicines (names
    matched as whole words, generic or brand, case ignored): tizanidine with ciprofloxacin or fluvoxamine."""
    taken = _doses([t for t in record.treatments if isinstance(t, OralMedication)], on)
    found: list[InteractionFound] = []
    for drug in taken:
        for rule in limits.interactions_of(drug):
            for line in other_medicine_lines(record.other_medicines):
                tokens = set(re.findall(r"[a-z]+", line.lower()))
                hit = next((name for name in rule.names if name in tokens), None)
                if hit is None:
                    continue
                generic = rule.names[hit]
                message = (f"{words(drug)} is taken with {line} ({generic}): contraindicated. {rule.note}"
                           + ("" if rule.verified else " This interaction is unverified: confirm it from its source."))
                found.append(InteractionFound(drug, line, generic, message, rule.cited, rule.verified))
    return found
