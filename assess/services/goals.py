"""Goals after they are set: corrected (text, weights, baseline) or withdrawn when no longer relevant; audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assess.record.actor import RECORD_GOAL
from assess.record.domain import Goal
from assess.record.errors import NotFoundError, RecordError
from assess.services import audit
from assess.services import rows as r
from assess.services.access import require
from assess.services.checks import check_record
from assess.services.history import load_record
from assess.services.locks import lock_patient
from assess.services.patients import patient_id


@dataclass(frozen=True)
class Withdrawal:
    """A goal given up: from which day, and why (kept in this clinic; the exchange format has no such field)."""

    on: dt.date
    reason: str


def goal_values(goal: Goal) -> dict[str, Any]:
    """A goal as the audit trail keeps it."""
    return {"id": goal.id, "text": goal.text, "set_on": goal.set_on.isoformat(), "baseline": goal.baseline,
            "importance": goal.importance, "difficulty": goal.difficulty}


def _stored(session: Session, mrn: str, goal_id: str) -> tuple[int, Goal]:
    pid = patient_id(session, mrn)
    lock_patient(session, pid)  # checked against the visits stored now, not those of a moment ago
    for goal in load_record(session, None, pid).goals:
        if goal.id == goal_id:
            return pid, goal
    raise NotFoundError(f"patient {mrn} has no goal {goal_id!r}")


def update_goal(session: Session, mrn: str, goal: Goal) -> bool:
    """Save corrected wording, weights or baseline of the goal with `goal.id`; False when nothing changed.

    The whole record is checked again (a goal scored at a visit must still be set on or before it), and
    the refusal names the field as the import would."""
    require(session, RECORD_GOAL)
    pid, before = _stored(session, mrn, goal.id)
    if before == goal:
        return False
    record = load_record(session, None, pid)
    corrected = dataclasses.replace(record, goals=tuple(goal if g.id == goal.id else g for g in record.goals))
    try:
        check_record(corrected)
    except RecordError as error:
        if error.path.startswith("visits["):
            raise RecordError("set_on", f"goal {goal.id!r} is scored at a visit before {goal.set_on}: "
                                        "it must be set on or before that visit") from None
        raise
    session.execute(update(r.GOAL).where(r.GOAL.c.patient_id == pid, r.GOAL.c.code == goal.id).values(
        text=goal.text, set_on=goal.set_on, importance=goal.importance, difficulty=goal.difficulty,
        baseline=goal.baseline))
    audit.record(session, audit.Change("update", "goal", goal.id, mrn, before=goal_values(before),
                                       after=goal_values(goal)))
    return True


def withdraw_goal(session: Session, mrn: str, goal_id: str, on: dt.date, reason: str) -> None:
    """From `on`, the goal is no longer worked towards or scored; its earlier scores stay as they were."""
    require(session, RECORD_GOAL)
    reason = reason.strip()
    if not reason:
        raise RecordError("reason", "say why the goal is withdrawn (it is kept with the goal)")
    pid, goal = _stored(session, mrn, goal_id)
    if on < goal.set_on:
        raise RecordError("withdrawn_on", f"{on} is before the goal was set ({goal.set_on})")
    session.execute(update(r.GOAL).where(r.GOAL.c.patient_id == pid, r.GOAL.c.code == goal_id).values(
        withdrawn_on=on, withdrawn_reason=reason))
    audit.record(session, audit.Change("withdraw", "goal", goal_id, mrn, before=goal_values(goal),
                                       after={**goal_values(goal), "withdrawn_on": on.isoformat(),
                                              "reason": reason}))


def restore_goal(session: Session, mrn: str, goal_id: str) -> None:
    """Undo a withdrawal made in error (audited like it)."""
    require(session, RECORD_GOAL)
    pid, goal = _stored(session, mrn, goal_id)
    session.execute(update(r.GOAL).where(r.GOAL.c.patient_id == pid, r.GOAL.c.code == goal_id).values(
        withdrawn_on=None, withdrawn_reason=None))
    audit.record(session, audit.Change("restore", "goal", goal_id, mrn, after=goal_values(goal)))


def withdrawn_goals(session: Session, mrn: str) -> dict[str, Withdrawal]:
    """The patient's withdrawn goals by id."""
    pid = patient_id(session, mrn)
    rows = session.execute(select(r.GOAL.c.code, r.GOAL.c.withdrawn_on, r.GOAL.c.withdrawn_reason).where(
        r.GOAL.c.patient_id == pid, r.GOAL.c.withdrawn_on.is_not(None)))
    return {code: Withdrawal(on, reason or "") for code, on, reason in rows}
