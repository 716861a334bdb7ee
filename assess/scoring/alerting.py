"""The Alert every safety rule returns, and the wording helpers the rules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from assess.scoring.limits import Limit

WARNING, INFO = "warning", "info"


@dataclass(frozen=True)
class Alert:
    """One thing a clinician should see: a limit passed, a date due, a worsening."""

    # toxin_dose_limit, toxin_weight_missing, toxin_interval, oral_dose_limit, pump_refill_due, pump_titration_step,
    # followup_due, followup_overdue, worsening; issue 13: toxin_cumulative, toxin_age, weight_out_of_date,
    # oral_not_established, drug_interaction, pump_first_dose, pump_stop, pump_concentration, pump_dose_ceiling,
    # pump_replacement_due
    code: str
    severity: str  # "warning" or "info"
    mrn: str
    date: dt.date  # the day the alert is about, or the due date
    message: str
    source: str | None = None  # the source of the limit behind the alert, with its label section


def n(value: float) -> str:
    """150.0 -> '150', 139.79999 -> '139.8'."""
    return f"{round(value, 1):g}"


def sources(limits: Iterable[Limit]) -> str:
    return "; ".join(dict.fromkeys(limit.cited for limit in limits))


def unverified(limits: Iterable[Limit]) -> str:
    return " This limit is unverified: confirm it from its source." if any(not x.verified for x in limits) else ""


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st goes to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))
