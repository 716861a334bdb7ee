"""What treatment is going on for a patient on a given day: drugs, pump, therapy, last injections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from assess.record.domain import OralMedication, Orthosis, PumpEvent, Therapy, ToxinSession, Treatment


@dataclass(frozen=True)
class PumpStatus:
    """The intrathecal baclofen pump as its latest events leave it."""

    implanted_on: dt.date
    dose_mcg_per_day: float | None
    concentration_mcg_per_ml: float | None
    last_refill: PumpEvent | None


@dataclass(frozen=True)
class CurrentTreatments:
    drugs: tuple[OralMedication, ...]
    therapies: tuple[Therapy, ...]
    orthoses: tuple[Orthosis, ...]
    pump: PumpStatus | None
    last_toxin: ToxinSession | None


def _ongoing(start: dt.date, end: dt.date | None, on: dt.date) -> bool:
    """A therapy or orthosis period includes its last day."""
    return start <= on and (end is None or end >= on)


def _taking(drug: OralMedication, on: dt.date) -> bool:
    """A drug's stop is the day the next period starts (record-format.md: a dose change is a new record
    that starts when the last stops), so on its stop day the patient is on the new dose only."""
    return drug.start <= on and (drug.stop is None or drug.stop > on)


def pump_status(treatments: Sequence[Treatment], on: dt.date) -> PumpStatus | None:
    """The pump in place on `on` (implanted and not explanted since), with its latest settings."""
    events = sorted((t for t in treatments if isinstance(t, PumpEvent) and t.date <= on), key=lambda e: e.date)
    status: PumpStatus | None = None
    for event in events:
        if event.event == "implant":
            status = PumpStatus(event.date, event.dose_mcg_per_day, event.concentration_mcg_per_ml, None)
        elif event.event == "explant":
            status = None
        elif status is not None and event.event in ("dose_change", "refill"):
            status = PumpStatus(
                status.implanted_on,
                event.dose_mcg_per_day if event.dose_mcg_per_day is not None else status.dose_mcg_per_day,
                event.concentration_mcg_per_ml if event.concentration_mcg_per_ml is not None
                else status.concentration_mcg_per_ml,
                event if event.event == "refill" else status.last_refill,
            )
    return status


def current_treatments(treatments: Sequence[Treatment], on: dt.date) -> CurrentTreatments:
    toxins = sorted((t for t in treatments if isinstance(t, ToxinSession) and t.date <= on), key=lambda t: t.date)
    return CurrentTreatments(
        drugs=tuple(t for t in treatments if isinstance(t, OralMedication) and _taking(t, on)),
        therapies=tuple(t for t in treatments if isinstance(t, Therapy) and _ongoing(t.start, t.end, on)),
        orthoses=tuple(t for t in treatments if isinstance(t, Orthosis) and _ongoing(t.start, t.end, on)),
        pump=pump_status(treatments, on),
        last_toxin=toxins[-1] if toxins else None,
    )
