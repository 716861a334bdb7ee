"""The documented order of a record: how export writes it and how two copies are compared."""

from __future__ import annotations

import dataclasses

from assess.domain import (
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
from assess.scoring.muscles import MUSCLE_GROUPS, MUSCLES_BY_CODE, side_sort_key

_MUSCLE_ORDER = {code: i for i, code in enumerate(MUSCLES_BY_CODE)}
_GROUP_ORDER = {group.code: i for i, group in enumerate(MUSCLE_GROUPS)}
_GROUPS = len(_GROUP_ORDER)


def _vocabulary_key(vocabulary: tuple[str, ...]):  # type: ignore[no-untyped-def]
    order = {code: i for i, code in enumerate(vocabulary)}
    return lambda code: (order.get(code, len(order)), code)


_trigger_key = _vocabulary_key(TRIGGERS)
_symptom_key = _vocabulary_key(SYMPTOMS)


def finding_key(finding: Finding) -> tuple[int, str, int]:
    """Findings: catalogue order of muscle groups (clinic's own after, by code), then left before right."""
    # Inlined group_sort_key/side_sort_key: this runs once per finding of every import.
    group = finding.muscle_group
    return (_GROUP_ORDER.get(group, _GROUPS), group, 0 if finding.side == "left" else 1)


def visit_key(visit: Visit) -> tuple[str, int]:
    return (visit.date.isoformat(), VISIT_TYPES.index(visit.type))


def goal_key(goal: Goal) -> tuple[str, str]:
    return (goal.set_on.isoformat(), goal.id)


def treatment_sort_key(treatment: Treatment) -> tuple[str, int, tuple[str, ...]]:
    """Treatments by date, then kind in the format's order, then identity."""
    return (treatment_date(treatment).isoformat(), TREATMENT_KINDS.index(treatment.kind), treatment_key(treatment))


def canonical_visit(visit: Visit) -> Visit:
    return dataclasses.replace(
        visit,
        findings=tuple(sorted(visit.findings, key=finding_key)),
        triggers=tuple(sorted(visit.triggers, key=_trigger_key)),
        symptoms=tuple(sorted(visit.symptoms, key=_symptom_key)),
        goal_scores=tuple(sorted(visit.goal_scores, key=lambda s: s.goal)),
    )


def canonical_treatment(treatment: Treatment) -> Treatment:
    if isinstance(treatment, ToxinSession):
        # Injections keep muscle catalogue order, then side: the order the session sheet is read in.
        injections = sorted(
            treatment.injections,
            key=lambda i: (_MUSCLE_ORDER.get(i.muscle, len(_MUSCLE_ORDER)), i.muscle, side_sort_key(i.side)),
        )
        return dataclasses.replace(treatment, injections=tuple(injections))
    return treatment


def canonical_record(record: PatientRecord) -> PatientRecord:
    """The record with every list in the documented order, so equal content compares equal."""
    return dataclasses.replace(
        record,
        goals=tuple(sorted(record.goals, key=goal_key)),
        visits=tuple(sorted((canonical_visit(v) for v in record.visits), key=visit_key)),
        treatments=tuple(sorted((canonical_treatment(t) for t in record.treatments), key=treatment_sort_key)),
    )
