"""Patients whose record changed in a transaction: their due items are worked out again just before it commits."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

TOUCHED = "assess.due.touched"  # session.info key: the MRNs whose record changed in this transaction


def touch(session: Session, mrns: Iterable[str]) -> None:
    """Mark patients whose record changed (audit.record_many does, for every change it records)."""
    session.info.setdefault(TOUCHED, set()).update(mrns)


def untouch(session: Session, mrns: Iterable[str]) -> None:
    """Patients whose items the transaction has stored already, from the records it wrote (services/due.py)."""
    session.info.get(TOUCHED, set()).difference_update(mrns)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    touched = session.info.pop(TOUCHED, None)
    if touched:
        # Imported here: the due items read records through modules that themselves write audit events.
        from assess.services.due import refresh_patients

        refresh_patients(session, touched)
