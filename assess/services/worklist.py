"""The clinic's worklist: today's due items ranked by urgency, with acknowledgements and snoozes shared by
every workstation (stored in due_ack, each one an audit event)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assess.record.actor import RECORD_VISIT
from assess.record.errors import AssessError, NotFoundError
from assess.scoring import due as rules
from assess.scoring.safety import Alert
from assess.services import audit
from assess.services import rows as r
from assess.services.access import require
from assess.services.due import ITEM, read_items, refresh_stale, stale_ids
from assess.services.locks import lock_patient
from assess.services.patients import patient_id
from assess.storage.models import utcnow
from assess.storage.worklist_tables import DueAckRow

ACK = r.table_of(DueAckRow)
# The worklist's groups, in order: the urgency groups of scoring.due, with "due soon" split at a week.
URGENT, WARNINGS, OVERDUE, THIS_WEEK, COMING, NOTES, LOST, SNOOZED = range(8)
GROUP_NAMES = ("Urgent: intrathecal baclofen pump", "Warnings: dose limits and other checks", "Overdue follow-ups",
               "Due this week", "Due in the coming weeks", "For information",
               "Lost to follow-up: not seen for over a year", "Snoozed")
WEEK = dt.timedelta(days=7)
ACKNOWLEDGED, SNOOZE = "acknowledged", "snoozed"


@dataclass(frozen=True)
class Ack:
    action: str  # "acknowledged" or "snoozed"
    until: dt.date | None
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class WorkItem:
    """One row of the worklist."""

    alert: Alert
    group: int  # index into GROUP_NAMES
    name: str
    item_key: str
    last_seen: dt.date | None
    ack: Ack | None

    @property
    def mrn(self) -> str:
        return self.alert.mrn

    def when(self, today: dt.date) -> str:
        """'in 3 days', 'today', '12 days overdue' (or 'days left' for a pump), from the item's date."""
        days = (self.alert.date - today).days
        if self.group == URGENT:
            return f"{days} days left" if days > 1 else "1 day left" if days == 1 else (
                "due today" if days == 0 else f"{-days} days past due")
        if self.alert.code == "followup_overdue":
            return f"window closed, due {self.alert.date}"
        if days > 0:
            return f"in {days} days" if days > 1 else "tomorrow"
        return "today" if days == 0 else f"{-days} days ago"


def worklist(session: Session, today: dt.date, refresh: bool = True) -> list[WorkItem]:
    """Every open item for today, most urgent first (scoring.due: urgency), each group by date then name.

    The items of patients not seen for over a year go to their own group (a pump refill years past due there is
    a record to close or a patient to trace, not today's refill); items snoozed until after today go last;
    acknowledged items sink within their group.

    Patients whose items are out of date for today are worked out first; without `refresh` they are left out
    (the window shows the rest at once, then the whole list when they are done)."""
    stale: set[int] = set()
    if refresh:
        refresh_stale(session, today)
    else:
        stale = set(stale_ids(session, today))
    acks: dict[tuple[int, str], Ack] = {
        (pid, key): Ack(action, until, reason, by, at) for pid, key, action, until, reason, by, at in session.execute(
            select(ACK.c.patient_id, ACK.c.item_key, ACK.c.action, ACK.c.until, ACK.c.reason, ACK.c.by_name,
                   ACK.c.at))}
    items: list[WorkItem] = []
    for stored in read_items(session, today):
        if stored.patient_id in stale:
            continue
        ack = acks.get((stored.patient_id, stored.item_key))
        group = _group(stored.alert, today)
        if ack is not None and ack.action == SNOOZE and ack.until is not None and ack.until > today:
            group = SNOOZED
        elif rules.lost_to_follow_up(stored.last_seen, today):  # not today's work, even a pump (said there)
            group = LOST
        items.append(WorkItem(stored.alert, group, stored.name, stored.item_key, stored.last_seen,
                              ack if ack is not None and (ack.action == ACKNOWLEDGED or group == SNOOZED) else None))
    items.sort(key=lambda i: (i.group, i.ack is not None, i.alert.date, i.name, i.mrn, i.alert.message))
    return items


def _group(alert: Alert, today: dt.date) -> int:
    urgency = rules.urgency(alert)
    if urgency == rules.DUE_SOON:
        return THIS_WEEK if alert.date <= today + WEEK else COMING
    return NOTES if urgency == rules.NOTES else urgency  # URGENT, WARNINGS and OVERDUE keep their places


def _stored_item(session: Session, pid: int, item_key: str) -> Alert:
    row = session.execute(select(ITEM.c.code, ITEM.c.severity, ITEM.c.day, ITEM.c.message)
                          .where(ITEM.c.patient_id == pid, ITEM.c.item_key == item_key)).first()
    if row is None:
        raise NotFoundError("that item is no longer on the worklist (the record changed since it was shown); "
                            "nothing was saved")
    return Alert(row.code, row.severity, "", row.day, row.message)


def mark(session: Session, mrn: str, item_key: str, action: str, reason: str, until: dt.date | None = None,
         today: dt.date | None = None) -> None:
    """Acknowledge an item, or snooze it until a later day, with a reason; every workstation sees it."""
    actor = require(session, RECORD_VISIT)
    reason = reason.strip()
    if not reason:
        raise AssessError("a reason is needed to acknowledge or snooze an item; nothing was saved")
    if action == SNOOZE and (until is None or until <= (today or dt.date.today())):
        raise AssessError("snooze until a later day than today; nothing was saved")
    if action not in (ACKNOWLEDGED, SNOOZE):
        raise AssessError(f"unknown worklist action {action!r}; nothing was saved")
    pid = patient_id(session, mrn)
    lock_patient(session, pid)  # two workstations marking one item: the second replaces the first, in order
    item = _stored_item(session, pid, item_key)
    session.execute(delete(ACK).where(ACK.c.patient_id == pid, ACK.c.item_key == item_key))
    session.execute(insert(ACK).values(patient_id=pid, item_key=item_key, action=action,
                                       until=until if action == SNOOZE else None, reason=reason,
                                       by_name=actor.name, workstation=actor.workstation, at=utcnow()))
    audit.record(session, audit.Change("update", "worklist_item", f"{item.code} {item.date}", mrn, after={
        "action": action, "until": until.isoformat() if until and action == SNOOZE else None, "reason": reason,
        "item": item.message}))


def unmark(session: Session, mrn: str, item_key: str) -> None:
    """Put an acknowledged or snoozed item back on the worklist as open."""
    require(session, RECORD_VISIT)
    pid = patient_id(session, mrn)
    lock_patient(session, pid)
    item = _stored_item(session, pid, item_key)
    session.execute(delete(ACK).where(ACK.c.patient_id == pid, ACK.c.item_key == item_key))
    audit.record(session, audit.Change("update", "worklist_item", f"{item.code} {item.date}", mrn, after={
        "action": "reopened", "item": item.message}))
