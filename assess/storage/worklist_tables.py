"""The worklist's tables: each patient's due items as the rules last found them, and acknowledgements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assess.storage.models import Base, UTCDateTime


class DueStateRow(Base):
    """When a patient's due items were worked out, until when they hold, and by which rules."""

    __tablename__ = "due_state"
    __table_args__ = (Index("ix_due_state_fresh_until", "fresh_until"),)

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True, autoincrement=False)
    computed_on: Mapped[dt.date]  # the day the rules were run for
    # The first day the items may read differently with no change to the record (a window opens, a date passes).
    fresh_until: Mapped[dt.date]
    rules: Mapped[str] = mapped_column(String(64))  # scoring.due.rules_version() of the rules that ran
    last_seen: Mapped[dt.date | None]  # the latest visit then: over a year ago is lost to follow-up


class DueItemRow(Base):
    """One alert of one patient, any code the rules produce: the worklist and `assess alerts` read these."""

    __tablename__ = "due_item"
    __table_args__ = (Index("ix_due_item_patient_id", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    day: Mapped[dt.date]  # the alert's date (for an ongoing item: the day it was worked out for)
    ongoing: Mapped[bool]  # about the day it is read on (a dose taken now), not a fixed date
    message: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    item_key: Mapped[str] = mapped_column(String(64))  # what an acknowledgement names: scoring.due.item_key


class DueAckRow(Base):
    """An item acknowledged or snoozed until a date, with the reason: shared by every workstation."""

    __tablename__ = "due_ack"
    __table_args__ = (UniqueConstraint("patient_id", "item_key"),
                      CheckConstraint("action = 'acknowledged' OR action = 'snoozed'", name="action"),
                      CheckConstraint("action = 'acknowledged' OR until IS NOT NULL", name="snooze_until"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    item_key: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    until: Mapped[dt.date | None]
    reason: Mapped[str] = mapped_column(Text)
    by_name: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
