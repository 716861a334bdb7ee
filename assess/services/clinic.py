"""Clinic-wide settings, shared by every workstation through the database."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assess.record.actor import CLINIC_SETTINGS
from assess.record.domain import ANGLE_CONVENTIONS
from assess.record.errors import AssessError, RecordError, StaleEditError
from assess.reports.content import Clinic
from assess.scoring.muscles import GROUPS_BY_CODE
from assess.services.locks import lock_named
from assess.services.rows import table_of
from assess.storage.models import ClinicSettingRow, utcnow

SETTING = table_of(ClinicSettingRow)
HIDDEN_GROUPS = "exam.hidden_muscle_groups"


def _get(session: Session, key: str) -> object:
    value = session.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else json.loads(value)


def _unchanged_since_read(stored: object, expected: object, what: str) -> None:
    """The compare half of compare-and-swap: the caller holds the setting's lock (lock_named)."""
    if stored != expected:
        raise StaleEditError(f"the clinic's {what} were changed on another workstation since you opened them; "
                             "reload to see them")


def _put(session: Session, key: str, value: object) -> None:
    from assess.services import audit
    from assess.services.access import require

    require(session, CLINIC_SETTINGS)
    before = _get(session, key)
    audit.record(session, audit.Change("update", "clinic_setting", key, before=before, after=value))
    session.execute(delete(SETTING).where(SETTING.c.key == key))
    session.execute(insert(SETTING).values(key=key, value=json.dumps(value), updated_at=utcnow()))


def hidden_muscle_groups(session: Session) -> frozenset[str]:
    """The exam rows this clinic does not examine (hidden in every visit editor unless they hold a value)."""
    stored = _get(session, HIDDEN_GROUPS)
    return frozenset(g for g in stored if g in GROUPS_BY_CODE) if isinstance(stored, list) else frozenset()


def set_hidden_muscle_groups(session: Session, groups: Iterable[str],
                             expected: frozenset[str] | None = None) -> None:
    """Store the hidden exam rows; with `expected` (what the user saw), StaleEditError if they changed since."""
    chosen = sorted(set(groups))
    unknown = [g for g in chosen if g not in GROUPS_BY_CODE]
    if unknown:
        raise RecordError("hidden_muscle_groups", f"not muscle groups of the catalogue: {', '.join(unknown)}")
    lock_named(session, SETTING, HIDDEN_GROUPS)
    if expected is not None:
        _unchanged_since_read(hidden_muscle_groups(session), expected, "hidden exam rows")
    _put(session, HIDDEN_GROUPS, chosen)


IDLE_LOCK = "security.idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10


def idle_lock_minutes(session: Session) -> int:
    """Minutes without a key press or click after which the window locks (0: never); only with users."""
    stored = _get(session, IDLE_LOCK)
    return stored if isinstance(stored, int) and not isinstance(stored, bool) and stored >= 0 \
        else DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(session: Session, minutes: int) -> None:
    if not 0 <= minutes <= 240:
        raise RecordError("idle_lock_minutes", f"{minutes} is not a number of minutes from 0 (never) to 240")
    _put(session, IDLE_LOCK, minutes)


POPLITEAL = "exam.popliteal_convention"


def popliteal_convention(session: Session) -> str | None:
    """How this clinic measures the popliteal angle by default: None for the format's convention (the anatomical
    angle, larger = less tight), "extension_deficit" for degrees short of full extension (issue 13)."""
    stored = _get(session, POPLITEAL)
    return stored if stored in ANGLE_CONVENTIONS else None


_UNSEEN = object()  # no `expected`: None is a convention (the format's), so it cannot mean "not given"


def set_popliteal_convention(session: Session, convention: str | None, expected: object = _UNSEEN) -> None:
    """Store the clinic's convention; with `expected` (what the user saw), StaleEditError if it changed since."""
    if convention not in (None, *ANGLE_CONVENTIONS):
        raise RecordError("popliteal_convention", f"{convention!r} is not one of {[None, *ANGLE_CONVENTIONS]}")
    lock_named(session, SETTING, POPLITEAL)
    if expected is not _UNSEEN:
        _unchanged_since_read(popliteal_convention(session), expected, "popliteal angle settings")
    _put(session, POPLITEAL, convention)


LETTERHEAD = "clinic.letterhead"


# A clinic that has not chosen prints on US Letter: assess is set up for US clinics (A4 is one setting away).
DEFAULT_PAPER = "letter"


class LetterheadMissingError(AssessError):
    """A report was asked for before the clinic's name and phone were set (they head every report)."""


def clinic_letterhead(session: Session) -> Clinic:
    """The clinic's name, address, phone, fax and paper size for reports (empty name and phone until set)."""
    stored = _get(session, LETTERHEAD)
    if not isinstance(stored, dict):
        return Clinic(name="", paper=DEFAULT_PAPER)
    return Clinic(**{k: str(v) for k, v in stored.items() if k in ("name", "address", "phone", "fax", "paper")})


def letterhead_missing(clinic: Clinic) -> list[str]:
    """What a report needs and the letterhead lacks: ["name", "phone"], or [] when it is complete."""
    return [what for what, value in (("name", clinic.name), ("phone", clinic.phone)) if not value.strip()]


def set_clinic_letterhead(session: Session, clinic: Clinic, expected: Clinic | None = None) -> None:
    """Store the letterhead; with `expected` (what the user saw), StaleEditError if it changed since."""
    if not clinic.name.strip():
        raise RecordError("name", "the clinic's name is required: it heads every report")
    if clinic.paper not in ("letter", "a4"):
        raise RecordError("paper", f"{clinic.paper!r} is not a paper size (letter or a4)")
    lock_named(session, SETTING, LETTERHEAD)
    if expected is not None:
        _unchanged_since_read(clinic_letterhead(session), expected, "letterhead details")
    _put(session, LETTERHEAD, {"name": clinic.name.strip(), "address": clinic.address.strip(),
                               "phone": clinic.phone.strip(), "fax": clinic.fax.strip(), "paper": clinic.paper})
