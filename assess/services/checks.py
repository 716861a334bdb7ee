"""Every entry path (window, command line, import, demo) is checked by the one import validator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import Goal, PatientDetails, PatientRecord, Treatment, Visit
from assess.record.errors import RecordError
from assess.services.shape import check_shape


def _check(record: PatientRecord, today: dt.date | None, prefix: str, relative_to: str) -> PatientRecord:
    try:
        return read_document(write_document([record]), today=today)[0]
    except RecordError as error:
        path = error.path
        if path.startswith(prefix):
            path = path[len(prefix):].lstrip(".")
            path = f"{relative_to}.{path}" if relative_to and path else (relative_to or path)
        raise RecordError(path, error.message) from None


def check_details(details: PatientDetails, today: dt.date | None = None) -> PatientDetails:
    """The patient's details as valid as an import would require; RecordError names the field."""
    check_shape(details, PatientDetails)
    return _check(PatientRecord.from_details(details), today, "patients[0]", "").details


def check_visit(details: PatientDetails, goals: Sequence[Goal], visit: Visit,
                today: dt.date | None = None) -> Visit:
    """The visit in canonical order, or RecordError with a path inside the visit (findings[3].mas)."""
    check_shape(visit, Visit)
    for i, goal in enumerate(goals):
        check_shape(goal, Goal, f"goals[{i}]")
    record = dataclasses.replace(PatientRecord.from_details(details), goals=tuple(goals), visits=(visit,))
    return _check(record, today, "patients[0].visits[0]", "").visits[0]


def check_goals(details: PatientDetails, goals: Sequence[Goal], today: dt.date | None = None) -> None:
    for i, goal in enumerate(goals):
        check_shape(goal, Goal, f"goals[{i}]")
    record = dataclasses.replace(PatientRecord.from_details(details), goals=tuple(goals))
    _check(record, today, "patients[0]", "")


def check_treatment(details: PatientDetails, treatment: Treatment, today: dt.date | None = None) -> Treatment:
    check_shape(treatment, Treatment)
    record = dataclasses.replace(PatientRecord.from_details(details), treatments=(treatment,))
    return _check(record, today, "patients[0].treatments[0]", "").treatments[0]


def check_record(record: PatientRecord, today: dt.date | None = None) -> PatientRecord:
    """A whole patient record as an import would check it; RecordError's path starts inside the patient."""
    return _check(record, today, "patients[0]", "")
