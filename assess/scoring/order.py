"""The documented order of a record: how export writes it and how two copies are compared."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from assess.record.domain import (
    SYMPTOMS,
    TREATMENT_KINDS,
    TRIGGERS,
    VISIT_TYPES,
    Finding,
    Goal,
    PatientRecord,
    ToxinSession,
    Treatment,
    Visit,
    treatment_date,
    treatment_key,
)
from assess.scoring.muscles import MUSCLE_GROUPS, MUSCLES_BY_CODE, SIDES, side_sort_key

_MUSCLE_ORDER = {code: i for i, code in enumerate(MUSCLES_BY_CODE)}
GROUP_ORDER = {group.code: i for i, group in enumerate(MUSCLE_GROUPS)}
_GROUPS = len(GROUP_ORDER)
_VISIT_TYPE_ORDER = {code: i for i, code in enumerate(VISIT_TYPES)}
_KIND_ORDER = {code: i for i, code in enumerate(TREATMENT_KINDS)}


def _vocabulary_key(vocabulary: tuple[str, ...]):  # type: ignore[no-untyped-def]
    order = {code: i for i, code in enumerate(vocabulary)}
    return lambda code: (order.get(code, len(order)), code)


_trigger_key = _vocabulary_key(TRIGGERS)
_symptom_key = _vocabulary_key(SYMPTOMS)


def finding_key(finding: Finding) -> tuple[int, str, int]:
    """Findings: catalogue order of muscle groups (clinic's own after, by code), then left before right."""
    # Inlined group_sort_key/side_sort_key: this runs once per finding of every import.
    group = finding.muscle_group
    return (GROUP_ORDER.get(group, _GROUPS), group, 0 if finding.side == "left" else 1)


def visit_key(visit: Visit) -> tuple[dt.date, int]:
    # An unknown type sorts last rather than failing: the validator that sorts first then names it.
    return (visit.date, _VISIT_TYPE_ORDER.get(visit.type, len(_VISIT_TYPE_ORDER)))


def goal_key(goal: Goal) -> tuple[dt.date, str]:
    return (goal.set_on, goal.id)


def treatment_sort_key(treatment: Treatment) -> tuple[dt.date, int, tuple[str, ...]]:
    """Treatments by date, then kind in the format's order, then identity."""
    return (treatment_date(treatment), _KIND_ORDER[treatment.kind], treatment_key(treatment))


def _in_order(items: tuple[Any, ...], key: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The items sorted by key; the very same tuple when they already are (the common case)."""
    if len(items) < 2:
        return items
    ordered = tuple(sorted(items, key=key))
    return items if ordered == items else ordered


def canonical_visit(visit: Visit) -> Visit:
    if (len(visit.findings) < 2 and len(visit.triggers) < 2 and len(visit.symptoms) < 2
            and len(visit.goal_scores) < 2):
        return visit  # nothing that could be out of order (most visits of a clinic-wide partial load)
    findings = _in_order(visit.findings, finding_key)
    triggers = _in_order(visit.triggers, _trigger_key)
    symptoms = _in_order(visit.symptoms, _symptom_key)
    goal_scores = _in_order(visit.goal_scores, lambda s: s.goal)
    if (findings, triggers, symptoms, goal_scores) == (visit.findings, visit.triggers, visit.symptoms,
                                                         visit.goal_scores):
        return visit  # nothing to reorder: no copy (a clinic-wide load makes hundreds of thousands)
    return dataclasses.replace(visit, findings=findings, triggers=triggers, symptoms=symptoms,
                               goal_scores=goal_scores)


def canonical_treatment(treatment: Treatment) -> Treatment:
    if isinstance(treatment, ToxinSession):
        # Injections keep muscle catalogue order, then side: the order the session sheet is read in. A side
        # that is not one sorts last, so the validator that sorts first names it instead of failing.
        injections = _in_order(
            treatment.injections,
            lambda i: (_MUSCLE_ORDER.get(i.muscle, len(_MUSCLE_ORDER)), i.muscle,
                       side_sort_key(i.side) if i.side in SIDES else len(SIDES)),
        )
        return treatment if injections is treatment.injections else dataclasses.replace(
            treatment, injections=injections)
    return treatment


def canonical_record(record: PatientRecord) -> PatientRecord:
    """The record with every list in the documented order, so equal content compares equal."""
    return dataclasses.replace(
        record,
        goals=tuple(sorted(record.goals, key=goal_key)),
        visits=tuple(sorted((canonical_visit(v) for v in record.visits), key=visit_key)),
        treatments=tuple(sorted((canonical_treatment(t) for t in record.treatments), key=treatment_sort_key)),
    )
