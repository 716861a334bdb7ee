"""Clinic-wide settings, shared by every workstation through the database."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assess.errors import RecordError
from assess.models import ClinicSettingRow, utcnow
from assess.scoring.muscles import GROUPS_BY_CODE
from assess.services.rows import table_of

SETTING = table_of(ClinicSettingRow)
HIDDEN_GROUPS = "exam.hidden_muscle_groups"


def _get(session: Session, key: str) -> object:
    value = session.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else json.loads(value)


def _put(session: Session, key: str, value: object) -> None:
    session.execute(delete(SETTING).where(SETTING.c.key == key))
    session.execute(insert(SETTING).values(key=key, value=json.dumps(value), updated_at=utcnow()))


def hidden_muscle_groups(session: Session) -> frozenset[str]:
    """The exam rows this clinic does not examine (hidden in every visit editor unless they hold a value)."""
    stored = _get(session, HIDDEN_GROUPS)
    return frozenset(g for g in stored if g in GROUPS_BY_CODE) if isinstance(stored, list) else frozenset()


def set_hidden_muscle_groups(session: Session, groups: Iterable[str]) -> None:
    chosen = sorted(set(groups))
    unknown = [g for g in chosen if g not in GROUPS_BY_CODE]
    if unknown:
        raise RecordError("hidden_muscle_groups", f"not muscle groups of the catalogue: {', '.join(unknown)}")
    _put(session, HIDDEN_GROUPS, chosen)
