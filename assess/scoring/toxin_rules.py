"""Botulinum toxin rules from the labels beyond one session: the cumulative dose over an interval, the
youngest age a product's paediatric dosing is given for, and a child's weight too old for the per-kg limits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from assess.record.domain import ToxinSession, age_in_years
from assess.record.labels import words
from assess.scoring.alerting import WARNING, Alert, n, sources, unverified
from assess.scoring.limits import ADULT_AGE_YEARS, Limit, LimitTable, lowest_ceiling
from assess.scoring.weights import stale_weight_alerts

_EPSILON = 1e-9  # per-kg ceilings are float products: exactly at the limit must not warn from rounding


def cumulative_alerts(mrn: str, session: ToxinSession, birth_date: dt.date, weight_kg: float | None,
                      earlier_sessions: Sequence[ToxinSession], limits: LimitTable) -> list[Alert]:
    """The product's units in the interval the label names (BOTOX: 3 months), this session included, against
    its cumulative limit; the lower of per-kg and absolute applies. Sessions of other products are never added
    (their units are not interchangeable). Silent when no earlier session of the product falls in the interval:
    the session's own limits cover it alone."""
    day = session.date
    paediatric = age_in_years(birth_date, day) < ADULT_AGE_YEARS
    by_window: defaultdict[int, list[Limit]] = defaultdict(list)
    for row in limits.toxin_cumulative(session.product, paediatric):
        by_window[row.window_weeks or 0].append(row)
    alerts: list[Alert] = []
    for weeks, rows in sorted(by_window.items()):
        start = day - dt.timedelta(weeks=weeks)
        within = [s for s in earlier_sessions if s.product == session.product and start < s.date < day]
        found = lowest_ceiling(rows, weight_kg)
        if not within or found is None:
            continue
        ceiling, binding = found
        total = session.total_units + sum(s.total_units for s in within)
        if total <= ceiling + _EPSILON:
            continue
        how = (f" ({n(binding.value)} U/kg × {n(weight_kg)} kg, the lower of the per-kg and absolute limits)"
               if binding.per_kg and weight_kg is not None else "")
        earlier = " and ".join(f"{n(s.total_units)} U on {s.date}" for s in sorted(within, key=lambda s: s.date))
        group = "children" if paediatric else "adults"
        alerts.append(Alert(
            "toxin_cumulative", WARNING, mrn, day,
            f"{words(session.product)}: {n(session.total_units)} U on {day} with {earlier} makes {n(total)} U within "
            f"{weeks} weeks, over the cumulative limit for {group} of {n(ceiling)} U in a 3-month ({weeks}-week) "
            f"interval{how}, by {n(total - ceiling)} U.{unverified(rows)}", sources(rows)))
    return alerts


def toxin_age_alerts(mrn: str, session: ToxinSession, birth_date: dt.date, limits: LimitTable) -> list[Alert]:
    """A session for a child younger than the product's paediatric approvals (2 years for the toxins on file)."""
    youngest = limits.toxin_min_age(session.product)
    age = age_in_years(birth_date, session.date)
    if youngest is None or age >= youngest.value:
        return []
    return [Alert("toxin_age", WARNING, mrn, session.date,
                  f"{words(session.product)} on {session.date} for a child of {age} years: the label's paediatric "
                  f"spasticity dosing starts at {n(youngest.value)} years; below that safety and effectiveness are "
                  f"not established.{unverified([youngest])}", youngest.cited)]


def toxin_weight_alerts(mrn: str, session: ToxinSession, birth_date: dt.date, weighed_on: dt.date | None,
                        limits: LimitTable) -> list[Alert]:
    """A child's session checked against the product's per-kg limits on a weight recorded more than 3 months
    before it (weights.stale_weight_alerts); silent for a product with no paediatric per-kg limit."""
    if weighed_on is None or not any(x.per_kg for x in limits.toxin_doses(session.product, True)):
        return []
    return stale_weight_alerts(mrn, birth_date, weighed_on, session.date,
                               f"the per-kg limits of {words(session.product)}")
