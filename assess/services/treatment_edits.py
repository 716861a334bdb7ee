"""Edits that turn one treatment record into the records the clinic's words describe (no Qt)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from assess.record.domain import OralMedication
from assess.record.errors import RecordError


def dose_change(old: OralMedication, new_dose: float, on: dt.date) -> tuple[OralMedication, OralMedication]:
    """A change of daily dose on `on`: the old period stopped that day, and a new period at the new dose
    starting that day (record-format.md: "a dose change is a new record that starts when the last stops").

    The new period keeps a planned stop of the old one that lies after `on`; notes stay with the old period.
    RecordError names the field of the new period that is wrong ("start" or "dose_mg_per_day").
    """
    if on <= old.start:
        # The new period would have the old one's identity (drug and start): that is a correction, not a change.
        raise RecordError("start", f"a dose change must start after the period it changes (started {old.start}); "
                                   "to correct that period's dose, edit it instead")
    if old.stop is not None and on > old.stop:
        raise RecordError("start", f"the period it changes stopped on {old.stop}; start a new period instead")
    if new_dose == old.dose_mg_per_day:
        raise RecordError("dose_mg_per_day", f"the dose is {old.dose_mg_per_day:g} mg/day already")
    planned_stop = old.stop if old.stop is not None and old.stop > on else None
    stopped = dataclasses.replace(old, stop=on)
    new = OralMedication(old.drug, new_dose, on, planned_stop)
    return stopped, new
