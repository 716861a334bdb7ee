"""Users, roles and logging in. Passwords are kept only as argon2id hashes.

Repeated failed logins are slowed down across processes and workstations: the failures are counted in
the database, and after a few of them the user must wait (login_delay) before the next attempt is even
checked. Each refused attempt also pauses briefly in the process that made it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from assess.record.actor import MANAGE_USERS, ROLES, Actor, workstation
from assess.record.errors import DuplicateError, LoginError, NotFoundError, PermissionDeniedError, RecordError
from assess.services import audit
from assess.services.access import USER, current_actor, has_users, require
from assess.storage.db import Database
from assess.storage.models import utcnow

_HASHER = PasswordHasher()  # argon2id with the library's recommended cost (about 50 ms a check)
# Checked when the name is unknown, so an unknown name takes as long as a wrong password.


@functools.cache
def _dummy_hash() -> str:
    """An unknown user's name is checked against this, so it takes as long as a wrong password. Made on
    first use, not at import: hashing costs about 0.1 s, which every start of the window would pay."""
    return _HASHER.hash("not a password of anyone")


FREE_FAILURES = 3  # mistyping happens: the first failures cost nothing more than the pause
MAX_DELAY = 300.0
FAILURE_PAUSE = 0.5  # seconds each refused attempt waits before answering
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: dt.datetime
    failed_logins: int


def login_delay(failures: int) -> float:
    """Seconds to wait after `failures` failed logins in a row before the next attempt is checked:
    nothing for the first few, then doubling (1, 2, 4... s) up to five minutes."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - FREE_FAILURES), MAX_DELAY)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise RecordError("name", f"{name!r} is not a user name (1 to 64 characters, no spaces)")
    return name


def add_user(session: Session, name: str, role: str, password: str) -> User:
    """A new user. The first user of a database must be a clinician (who then manages the others)."""
    name = _check_name(name)
    if role not in ROLES:
        raise RecordError("role", f"{role!r} is not a role ({', '.join(ROLES)})")
    first = not has_users(session)
    if first and role != "clinician":
        raise PermissionDeniedError("the first user must be a clinician (who can then add the others); "
                                    "nothing was written")
    actor = None if first else require(session, MANAGE_USERS)
    if len(password) < MIN_PASSWORD:
        raise RecordError("password", f"a password needs at least {MIN_PASSWORD} characters")
    if session.execute(select(USER.c.id).where(USER.c.name == name)).first() is not None:
        raise DuplicateError(f"a user named {name!r} exists already")
    now = utcnow()
    session.execute(insert(USER).values(name=name, role=role, password_hash=_HASHER.hash(password),
                                        failed_logins=0, created_at=now))
    # The first user creates themselves: the event names them as its author.
    audit.record(session, audit.Change("create", "user", name, after={"name": name, "role": role}),
                 actor or Actor(name, role, workstation()))
    return User(name, role, now, 0)


def set_password(session: Session, name: str, password: str) -> None:
    """A new password: users change their own; a clinician may reset anyone's (which also clears the wait)."""
    actor = current_actor(session)
    if actor.name != name:
        require(session, MANAGE_USERS)
    if len(password) < MIN_PASSWORD:
        raise RecordError("password", f"a password needs at least {MIN_PASSWORD} characters")
    result = session.execute(update(USER).where(USER.c.name == name).values(
        password_hash=_HASHER.hash(password), failed_logins=0, last_failed_at=None))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFoundError(f"no user named {name!r}")
    audit.record(session, audit.Change("update", "user", name, after={"password": "changed"}))


def list_users(session: Session) -> list[User]:
    rows = session.execute(select(USER.c.name, USER.c.role, USER.c.created_at, USER.c.failed_logins)
                           .order_by(USER.c.name))
    return [User(*row) for row in rows]


def check_login(session: Session, name: str, password: str, now: dt.datetime | None = None) -> Actor | str:
    """The actor when name and password match, else the reason it was refused. Either way the attempt
    is recorded (failure count and audit event) in the caller's transaction, which must be committed."""
    now = now or utcnow()
    here = workstation()
    row = session.execute(select(USER).where(USER.c.name == name.strip())).first()
    if row is None:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_dummy_hash(), password)
        audit.record(session, audit.Change("login_failed", "user", name, after={"reason": "unknown user"}),
                     Actor(name, "unknown", here))
        return "wrong user name or password"
    actor = Actor(row.name, row.role, here)
    wait = login_delay(row.failed_logins)
    if row.last_failed_at is not None and wait:
        ready = row.last_failed_at + dt.timedelta(seconds=wait)
        if now < ready:
            seconds = max(1, int((ready - now).total_seconds() + 0.999))
            audit.record(session, audit.Change("login_failed", "user", row.name,
                                               after={"reason": "too many failures", "wait_seconds": seconds}),
                         actor)
            return f"too many failed logins for {row.name}: try again in {seconds} s"
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        failures = row.failed_logins + 1
        session.execute(update(USER).where(USER.c.id == row.id).values(failed_logins=failures, last_failed_at=now))
        audit.record(session, audit.Change("login_failed", "user", row.name,
                                           after={"reason": "wrong password", "failures": failures}), actor)
        return "wrong user name or password"
    if row.disabled_at is not None:  # said only after the password matched: no guessing who exists
        audit.record(session, audit.Change("login_failed", "user", row.name, after={"reason": "disabled"}), actor)
        return f"the user {row.name} is disabled; a clinician can enable it again"
    if row.failed_logins:
        session.execute(update(USER).where(USER.c.id == row.id).values(failed_logins=0, last_failed_at=None))
    audit.record(session, audit.Change("login", "user", row.name), actor)
    return actor


def log_in(db: Database, name: str, password: str, now: dt.datetime | None = None,
           sleep: Callable[[float], None] = time.sleep) -> Actor:
    """Check the password and make the user the actor of every later transaction of db; LoginError if refused."""
    with db.transaction() as session:
        outcome = check_login(session, name, password, now)
    if isinstance(outcome, str):
        sleep(FAILURE_PAUSE)
        raise LoginError(outcome)
    db.actor = outcome
    return outcome


def needs_login(db: Database) -> bool:
    """Whether this database has users (then every entry needs a login), or runs in single-user mode."""
    with db.transaction() as session:
        return has_users(session)
