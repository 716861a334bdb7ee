"""Managing users from the window as from the command line: list, change role, disable and enable (clinicians)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assess.record.actor import MANAGE_USERS, ROLES
from assess.record.errors import NotFoundError, PermissionDeniedError, RecordError
from assess.services import audit
from assess.services.access import USER, current_actor, require
from assess.services.seals import user_entry
from assess.storage.models import utcnow


@dataclass(frozen=True)
class UserLine:
    """A line of the user list: who, which role, since when, and whether they can log in."""

    name: str
    role: str
    created_at: dt.datetime
    failed_logins: int
    disabled_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def user_lines(session: Session) -> list[UserLine]:
    require(session, MANAGE_USERS)
    rows = session.execute(select(USER.c.name, USER.c.role, USER.c.created_at, USER.c.failed_logins,
                                  USER.c.disabled_at).order_by(USER.c.name))
    return [UserLine(*row) for row in rows]


def _row(session: Session, name: str) -> UserLine:
    found = session.execute(select(USER.c.name, USER.c.role, USER.c.created_at, USER.c.failed_logins,
                                   USER.c.disabled_at).where(USER.c.name == name)).first()
    if found is None:
        raise NotFoundError(f"no user named {name!r}")
    return UserLine(*found)


def _keep_a_clinician(session: Session, leaving: str) -> None:
    """Someone must still be able to manage users: the last active clinician stays one."""
    others = session.execute(select(func.count()).select_from(USER).where(
        USER.c.role == "clinician", USER.c.disabled_at.is_(None), USER.c.name != leaving)).scalar_one()
    if not others:
        raise PermissionDeniedError(f"{leaving} is the last active clinician: add or enable another clinician "
                                    "first; nothing was changed")


def set_role(session: Session, name: str, role: str) -> None:
    require(session, MANAGE_USERS)
    if role not in ROLES:
        raise RecordError("role", f"{role!r} is not a role ({', '.join(ROLES)})")
    before = _row(session, name)
    if before.role == role:
        return
    if before.role == "clinician" and before.active:
        _keep_a_clinician(session, name)
    session.execute(update(USER).where(USER.c.name == name).values(role=role))
    # The new role's seal: a login checks the users table against the last seal the trail records for them.
    password_hash = session.execute(select(USER.c.password_hash).where(USER.c.name == name)).scalar_one()
    audit.record(session, audit.Change("update", "user", name, before={"role": before.role}, after={
        "role": role, "seal": user_entry(name, role, password_hash)}))


def set_disabled(session: Session, name: str, disabled: bool) -> None:
    """Disable (can no longer log in; their records and audit events stay theirs) or enable a user."""
    require(session, MANAGE_USERS)
    before = _row(session, name)
    if disabled == (not before.active):
        return
    if disabled:
        if name == current_actor(session).name:
            raise PermissionDeniedError("you cannot disable yourself; another clinician can")
        if before.role == "clinician":
            _keep_a_clinician(session, name)
    session.execute(update(USER).where(USER.c.name == name).values(disabled_at=utcnow() if disabled else None))
    audit.record(session, audit.Change("disable" if disabled else "enable", "user", name))
