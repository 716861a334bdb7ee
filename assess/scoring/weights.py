"""The weight a per-kg limit is worked out from, and whether a child's weight is too old to trust."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assess.record.domain import Visit, age_in_years
from assess.scoring.alerting import WARNING, Alert, add_months
from assess.scoring.limits import ADULT_AGE_YEARS

# Issue 13 (item 8): a child's per-kg check on a weight recorded more than 3 months before says so. Children
# grow: a weight of last year understates the kilograms and so the per-kg ceiling. The clinic's rule, not a
# label figure.
WEIGHT_MAX_AGE_MONTHS = 3


def weight_on(visits: Sequence[Visit], day: dt.date) -> tuple[float, dt.date] | None:
    """The latest weight recorded on or before `day`, with the day it was weighed."""
    weighed = [v for v in visits if v.date <= day and v.weight_kg is not None]
    if not weighed:
        return None
    latest = max(weighed, key=lambda v: v.date)
    assert latest.weight_kg is not None
    return latest.weight_kg, latest.date


def stale_weight_alerts(mrn: str, birth_date: dt.date, weighed_on: dt.date | None, day: dt.date,
                        what: str) -> list[Alert]:
    """A warning when a child's per-kg check (`what`, e.g. "the per-kg limits of Botox") rests on a weight
    older than WEIGHT_MAX_AGE_MONTHS on `day`."""
    if weighed_on is None or age_in_years(birth_date, day) >= ADULT_AGE_YEARS:
        return []
    if weighed_on >= add_months(day, -WEIGHT_MAX_AGE_MONTHS):
        return []
    return [Alert("weight_out_of_date", WARNING, mrn, day,
                  f"The weight behind {what} on {day} was recorded on {weighed_on}, more than "
                  f"{WEIGHT_MAX_AGE_MONTHS} months before: a growing child's per-kg limit may be off. Weigh the "
                  "child again.")]
