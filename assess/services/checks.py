"""Every entry path (window, command line, import, demo) is checked by the one import validator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import (
    ANGLE_CONVENTIONS,
    LOCAL_FIELDS,
    Finding,
    Goal,
    PatientDetails,
    PatientRecord,
    PumpEvent,
    Treatment,
    Visit,
)
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


def _keep_local(original: object, checked: object) -> object:
    """The facts the format does not carry (other medicines, pump alarm and replacement date, angle convention)
    go round the format's check unchanged: the file written for the check has no place for them."""
    names = LOCAL_FIELDS.get(type(original), ())
    return dataclasses.replace(checked, **{n: getattr(original, n) for n in names}) if names else checked  # type: ignore[type-var]


def _check_local(item: object, path: str) -> None:
    """The local facts' own rules, worded like the format's errors."""
    if isinstance(item, PumpEvent):
        if item.alarm_ml is not None and not 0 < item.alarm_ml <= (item.reservoir_ml or 100):
            raise RecordError(f"{path}alarm_ml".lstrip("."), f"{item.alarm_ml:g} mL is not a volume above 0 and "
                              "within the reservoir")
        if item.replacement_due is not None and item.replacement_due <= item.date:
            raise RecordError(f"{path}replacement_due".lstrip("."), "the replacement date must come after the event")
    if isinstance(item, Finding) and item.angle_convention not in (None, *ANGLE_CONVENTIONS):
        raise RecordError(f"{path}angle_convention".lstrip("."), f"{item.angle_convention!r} is not one of "
                          f"{list(ANGLE_CONVENTIONS)}")


def check_details(details: PatientDetails, today: dt.date | None = None) -> PatientDetails:
    """The patient's details as valid as an import would require; RecordError names the field."""
    check_shape(details, PatientDetails)
    checked = _check(PatientRecord.from_details(details), today, "patients[0]", "").details
    return dataclasses.replace(checked, other_medicines=(details.other_medicines or "").strip() or None)


def check_visit(details: PatientDetails, goals: Sequence[Goal], visit: Visit,
                today: dt.date | None = None) -> Visit:
    """The visit in canonical order, or RecordError with a path inside the visit (findings[3].mas)."""
    check_shape(visit, Visit)
    for i, goal in enumerate(goals):
        check_shape(goal, Goal, f"goals[{i}]")
    record = dataclasses.replace(PatientRecord.from_details(details), goals=tuple(goals), visits=(visit,))
    checked = _check(record, today, "patients[0].visits[0]", "").visits[0]
    conventions = {(f.muscle_group, f.side): f for f in visit.findings}
    for i, finding in enumerate(visit.findings):
        _check_local(finding, f"findings[{i}].")
    return dataclasses.replace(checked, findings=tuple(
        _keep_local(conventions[(f.muscle_group, f.side)], f) for f in checked.findings))  # type: ignore[misc]


def check_goals(details: PatientDetails, goals: Sequence[Goal], today: dt.date | None = None) -> None:
    for i, goal in enumerate(goals):
        check_shape(goal, Goal, f"goals[{i}]")
    record = dataclasses.replace(PatientRecord.from_details(details), goals=tuple(goals))
    _check(record, today, "patients[0]", "")


def check_treatment(details: PatientDetails, treatment: Treatment, today: dt.date | None = None) -> Treatment:
    check_shape(treatment, Treatment)
    record = dataclasses.replace(PatientRecord.from_details(details), treatments=(treatment,))
    checked = _check(record, today, "patients[0].treatments[0]", "").treatments[0]
    _check_local(treatment, "")
    return _keep_local(treatment, checked)  # type: ignore[return-value]


def check_record(record: PatientRecord, today: dt.date | None = None) -> PatientRecord:
    """A whole patient record as an import would check it; RecordError's path starts inside the patient."""
    return _check(record, today, "patients[0]", "")
