"""Users, roles and logging in. Passwords are kept only as argon2id hashes.

Repeated failed logins are slowed down across processes and workstations: attempts for one user take
turns on the user's row (locked first), every attempt is counted in the database, and after a few
failures the next attempt waits (login_delay) before it is even checked. A workstation where the user
logged in before keeps a token and its own count, so guesses made elsewhere never make the user wait
there; a clinician's password reset clears every wait. A login also checks the user's row against the
seal the audit trail recorded for it (a role or password hash changed outside assess is refused), and an
unknown user name is recorded only by its length.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from assess.record.actor import MANAGE_USERS, ROLES, Actor, workstation
from assess.record.errors import DuplicateError, LoginError, NotFoundError, PermissionDeniedError, RecordError
from assess.record.labels import count
from assess.services import audit
from assess.services.access import USER, current_actor, has_users, require
from assess.services.locks import lock_user
from assess.services.rows import table_of
from assess.services.seals import latest_user_entries, user_entry, user_seal
from assess.storage.db import SCHEMA_REVISION, Database, current_revision
from assess.storage.devices import LoginTokens
from assess.storage.models import LoginDeviceRow, utcnow

_HASHER = PasswordHasher()  # argon2id with the library's recommended cost (about 50 ms a check)


@functools.cache
def _dummy_hash() -> str:
    """An unknown user's name is checked against this, so it takes as long as a wrong password. Made on
    first use, not at import: hashing costs about 0.1 s, which every start of the window would pay."""
    return _HASHER.hash("not a password of anyone")


FREE_FAILURES = 3  # mistyping happens: the first failures cost nothing more than the pause
MAX_DELAY = 300.0
FAILURE_PAUSE = 0.5  # seconds each refused attempt waits before answering
MIN_PASSWORD = 8
KEPT_DEVICES = 20  # workstations remembered per user (the oldest tokens are dropped)
UNKNOWN = "unknown user"
DEVICE = table_of(LoginDeviceRow)


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
    return min(2.0 ** min(failures - FREE_FAILURES, 16), MAX_DELAY)  # capped before a float could overflow


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
    password_hash = _HASHER.hash(password)
    session.execute(insert(USER).values(name=name, role=role, password_hash=password_hash,
                                        failed_logins=0, created_at=now))
    # The first user creates themselves: the event names them as its author. Its seal is what a later
    # check compares the users table with (role and password hash; the hash itself stays out of the trail).
    audit.record(session, audit.Change("create", "user", name, after={
        "name": name, "role": role, "seal": user_entry(name, role, password_hash)}),
        actor or Actor(name, role, workstation()))
    return User(name, role, now, 0)


def set_password(session: Session, name: str, password: str) -> None:
    """A new password: users change their own; a clinician may reset anyone's (which also clears the wait)."""
    actor = current_actor(session)
    if actor.name != name:
        require(session, MANAGE_USERS)
    if len(password) < MIN_PASSWORD:
        raise RecordError("password", f"a password needs at least {MIN_PASSWORD} characters")
    password_hash = _HASHER.hash(password)
    result = session.execute(update(USER).where(USER.c.name == name).values(
        password_hash=password_hash, failed_logins=0, last_failed_at=None))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFoundError(f"no user named {name!r}")
    user = session.execute(select(USER.c.id, USER.c.role).where(USER.c.name == name)).one()
    # The reset clears the waits of every workstation too: a clinician can always let a user in at once.
    session.execute(update(DEVICE).where(DEVICE.c.user_id == user.id).values(failed_logins=0, last_failed_at=None))
    audit.record(session, audit.Change("update", "user", name, after={
        "password": "changed", "seal": user_entry(name, user.role, password_hash)}))


def list_users(session: Session) -> list[User]:
    """Every user, with their failed logins since their last success (shared and per workstation together)."""
    at_workstations = dict(session.execute(select(DEVICE.c.user_id, func.sum(DEVICE.c.failed_logins))
                                           .group_by(DEVICE.c.user_id)).all())
    rows = session.execute(select(USER.c.id, USER.c.name, USER.c.role, USER.c.created_at, USER.c.failed_logins)
                           .order_by(USER.c.name))
    return [User(name, role, created, failed + int(at_workstations.get(user_id) or 0))
            for user_id, name, role, created, failed in rows]


WRONG = "wrong user name or password"


class UsersTableChangedError(LoginError):
    """The right password, but the user's row is not the one assess last wrote (changed outside assess)."""


@dataclass(frozen=True)
class LoginOutcome:
    """A login's answer: the actor, or the reason it was refused; and a new token for this workstation."""

    actor: Actor | None
    refusal: str = ""
    new_token: str | None = None
    users_table_changed: bool = False


def unknown_user(name: str) -> str:
    """How the trail names a user name nobody has: never the text typed (it may be a password)."""
    return f"unknown user ({count(len(name), 'character')})"


def _device(session: Session, user_id: int, token: str | None) -> Any:
    if not token:
        return None
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return session.execute(select(DEVICE).where(DEVICE.c.user_id == user_id, DEVICE.c.token_hash == token_hash)
                           ).first()


def _new_device(session: Session, user_id: int, now: dt.datetime) -> str:
    token = secrets.token_hex(32)
    session.execute(insert(DEVICE).values(user_id=user_id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                                          failed_logins=0, created_at=now))
    kept = select(DEVICE.c.id).where(DEVICE.c.user_id == user_id).order_by(DEVICE.c.id.desc()).limit(KEPT_DEVICES)
    session.execute(delete(DEVICE).where(DEVICE.c.user_id == user_id, DEVICE.c.id.not_in(kept.scalar_subquery())))
    return token


def users_table_problem(session: Session, name: str, role: str, password_hash: str) -> str | None:
    """Why this user's row is not the one assess last wrote (its seal in the trail), or None when it is."""
    recorded = latest_user_entries(session, name).get(name)
    if recorded is None:
        return "assess never added this user"
    event_id, sealed = recorded
    if sealed.get("hash") != user_seal(name, role, password_hash):
        return "its role or password in the users table is not the one assess set"
    if not audit.event_fits_chain(session, event_id):
        return f"the audit trail was edited at event {event_id}"
    return None


def check_login(session: Session, name: str, password: str, now: dt.datetime | None = None,
                token: str | None = None, current_schema: bool = True) -> LoginOutcome:
    """Check one login attempt; either way it is recorded (failure counts, audit event) in the caller's
    transaction, which must be committed.

    Attempts for one user take turns (the user's row is locked first, for every workstation), so guesses
    made at the same moment are counted one by one. A workstation's token (`token`) selects its own
    failure count; without one the user's shared count applies. `current_schema` False: the database
    awaits an upgrade (logging in to do it), so only what its older tables hold is used.
    """
    now = now or utcnow()
    name = name.strip()
    here = workstation()
    lock_user(session, USER, name)
    columns = list(USER.c)
    if not current_schema:  # an older schema: only the columns its table has (disabled_at came with 0007)
        present = {column["name"] for column in inspect(session.connection()).get_columns(USER.name)}
        columns = [column for column in columns if column.name in present]
    row = session.execute(select(*columns).where(USER.c.name == name).with_for_update()).first()
    if row is None:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_dummy_hash(), password)
        anonymous = unknown_user(name)
        audit.record(session, audit.Change("login_failed", "user", anonymous, after={"reason": "unknown user"}),
                     Actor(UNKNOWN, "unknown", here))
        return LoginOutcome(None, WRONG)
    actor = Actor(row.name, row.role, here)
    device = _device(session, row.id, token) if current_schema else None
    counted = (DEVICE, device) if device is not None else (USER, row)
    table, counter = counted
    where = " on this computer" if device is not None else ""
    wait = login_delay(counter.failed_logins)
    if counter.last_failed_at is not None and wait and now < counter.last_failed_at + dt.timedelta(seconds=wait):
        # Refused unchecked, yet counted: every attempt is. The wait runs from the last checked guess and
        # stops growing at MAX_DELAY, so guessing during it gets an attacker nothing but a longer wait.
        failures = counter.failed_logins + 1
        session.execute(update(table).where(table.c.id == counter.id).values(failed_logins=failures))
        ready = counter.last_failed_at + dt.timedelta(seconds=login_delay(failures))
        seconds = max(1, int((ready - now).total_seconds() + 0.999))
        audit.record(session, audit.Change("login_failed", "user", row.name, after={
            "reason": "too many failures", "wait_seconds": seconds, "failures": failures,
            "known_workstation": device is not None}), actor)
        return LoginOutcome(None, f"too many failed logins for {row.name}{where}: try again in {seconds} s")
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        failures = counter.failed_logins + 1
        session.execute(update(table).where(table.c.id == counter.id).values(failed_logins=failures,
                                                                              last_failed_at=now))
        audit.record(session, audit.Change("login_failed", "user", row.name, after={
            "reason": "wrong password", "failures": failures, "known_workstation": device is not None}), actor)
        return LoginOutcome(None, WRONG)
    # Said only after the password matched: no guessing who exists. (A schema before 0007 has no column.)
    if getattr(row, "disabled_at", None) is not None:
        audit.record(session, audit.Change("login_failed", "user", row.name, after={"reason": "disabled"}), actor)
        return LoginOutcome(None, f"the user {row.name} is disabled; a clinician can enable it again")
    problem = users_table_problem(session, row.name, row.role, row.password_hash) if current_schema else None
    if problem is not None:
        audit.record(session, audit.Change("login_failed", "user", row.name, after={
            "reason": f"users table changed outside assess: {problem}"}), actor)
        return LoginOutcome(None, f"{row.name} cannot log in: {problem} (the users table was changed outside "
                                  "assess); ask the clinic's IT person to run 'assess audit verify'",
                            users_table_changed=True)
    if counter.failed_logins:
        session.execute(update(table).where(table.c.id == counter.id).values(failed_logins=0, last_failed_at=None))
    new_token = _new_device(session, row.id, now) if current_schema and device is None else None
    audit.record(session, audit.Change("login", "user", row.name), actor)
    return LoginOutcome(actor, "", new_token)


def log_in(db: Database, name: str, password: str, now: dt.datetime | None = None,
           sleep: Callable[[float], None] = time.sleep, tokens: LoginTokens | None = None) -> Actor:
    """Check the password and make the user the actor of every later transaction of db; LoginError if refused.

    `tokens`: this workstation's login tokens (the window and the command line pass theirs), so that
    failures made elsewhere do not make this user wait here.
    """
    current = current_revision(db.engine) == SCHEMA_REVISION
    where = db.describe()
    token = tokens.load(where, name.strip()) if tokens is not None else None
    with db.transaction() as session:
        outcome = check_login(session, name, password, now, token, current)
    if outcome.actor is None:
        sleep(FAILURE_PAUSE)
        raise (UsersTableChangedError if outcome.users_table_changed else LoginError)(outcome.refusal)
    if tokens is not None and outcome.new_token is not None:
        tokens.save(where, outcome.actor.name, outcome.new_token)
    db.actor = outcome.actor
    return outcome.actor


def needs_login(db: Database) -> bool:
    """Whether this database has users (then every entry needs a login), or runs in single-user mode."""
    with db.transaction() as session:
        return has_users(session)
