"""Oral drug rules from the labels beyond the daily maxima: the age under which a label gives no dosing, the
interactions with the patient's other medicines, and a child's weight too old for a per-kg maximum."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assess.record.domain import OralMedication, PatientRecord, Visit, age_in_years
from assess.record.labels import words
from assess.scoring.alerting import INFO, WARNING, Alert, n, unverified
from assess.scoring.current import current_treatments
from assess.scoring.limits import LimitTable
from assess.scoring.medicines import interactions
from assess.scoring.weights import stale_weight_alerts, weight_on


def not_established_alerts(mrn: str, drugs: Sequence[OralMedication], birth_date: dt.date, on: dt.date,
                           limits: LimitTable) -> list[Alert]:
    """A drug taken below the age its label gives dosing for: "not for use" warns, "not established" informs
    (many such uses are common off-label practice; the clinician should know the label is silent)."""
    age = age_in_years(birth_date, on)
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month - (on.day < birth_date.day)
    alerts: list[Alert] = []
    for code in dict.fromkeys(d.drug for d in current_treatments(drugs, on).drugs):
        young = limits.not_established(code)
        if young is None or months >= round(young.value * 12):  # VALIUM's "under 6 months" is 0.5 years
            continue
        forbidden = young.rule == "oral_not_for_use_under_years"
        under = f"{n(young.value * 12)} months" if young.value < 1 else f"{n(young.value)} years"
        said = "is not for use" if forbidden else "has no established safety and effectiveness"
        alerts.append(Alert("oral_not_established", WARNING if forbidden else INFO, mrn, on,
                            f"{words(code)} at {age} years: the label says it {said} under {under}. {young.note}"
                            f"{unverified([young])}", young.cited))
    return alerts


def interaction_alerts(mrn: str, record: PatientRecord, on: dt.date, limits: LimitTable) -> list[Alert]:
    """A warning for each contraindicated pair found (see `assess.scoring.medicines.interactions`)."""
    return [Alert("drug_interaction", WARNING, mrn, on, found.message, found.source)
            for found in interactions(record, on, limits)]


def oral_weight_alerts(mrn: str, drugs: Sequence[OralMedication], birth_date: dt.date, visits: Sequence[Visit],
                       on: dt.date, limits: LimitTable) -> list[Alert]:
    """A child's per-kg maximum worked out from an old weight says so."""
    age = age_in_years(birth_date, on)
    per_kg = sorted({d.drug for d in current_treatments(drugs, on).drugs
                     if any(x.per_kg for x in limits.for_drug(d.drug, age))})
    weighed = weight_on(visits, on)
    if not per_kg or weighed is None:
        return []
    return stale_weight_alerts(mrn, birth_date, weighed[1], on,
                               f"the per-kg maximum of {' and '.join(words(c) for c in per_kg)}")
