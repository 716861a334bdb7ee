"""Patients of every kind for the FHIR tests: the hand-made samples and demo patients (child, adult, toxin,
pump, SDR, oral drugs only), each valid assess-record/1."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from samples import sample_document

from assess.demo.patients import demo_patients
from assess.interchange.read import read_document
from assess.record.domain import OralMedication, PatientRecord, PumpEvent, Sdr, ToxinSession, age_in_years

TODAY = dt.date(2026, 11, 1)


@functools.cache
def kinds() -> dict[str, PatientRecord]:
    records = list(demo_patients(300, seed=3, today=TODAY))

    def has(record: PatientRecord, kind: type) -> bool:
        return any(isinstance(t, kind) for t in record.treatments)

    child, pump = read_document(sample_document(), today=TODAY)
    return {
        "sample child (signed visit, goals, casting, therapy)": child,
        "sample pump patient (x- codes, clonus, SCATS)": pump,
        "demo child with toxin cycles": next(r for r in records if has(r, ToxinSession)
                                             and age_in_years(r.birth_date, TODAY) < 18),
        "demo adult with toxin": next(r for r in records if has(r, ToxinSession)
                                      and age_in_years(r.birth_date, TODAY) >= 18),
        "demo pump patient": next(r for r in records if has(r, PumpEvent)),
        "demo SDR patient": next(r for r in records if has(r, Sdr)),
        "demo adult on oral drugs only": next(r for r in records if r.treatments and r.visits and all(
            isinstance(t, OralMedication) for t in r.treatments)),
    }


def as_json(value: Any) -> Any:
    """What a reader of the file gets: the object through JSON and back."""
    return json.loads(json.dumps(value))
