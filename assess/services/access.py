"""Permission checks at the top of every service that writes: the window and the command line obey one rule."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.record.actor import SINGLE_USER, Actor, action_words, allows
from assess.record.errors import PermissionDeniedError
from assess.services.rows import table_of
from assess.storage.models import UserRow

USER = table_of(UserRow)


def has_users(session: Session) -> bool:
    return session.execute(select(USER.c.id).limit(1)).first() is not None


def current_actor(session: Session) -> Actor:
    """The logged-in user of this transaction; on a database without users, the single user.

    A database that has users and a transaction without a login is refused: a shell that forgot to log
    in must not write anonymously.
    """
    actor = session.info.get("actor")
    if isinstance(actor, Actor):
        return actor
    cached = session.info.get("single_user")
    if isinstance(cached, Actor):
        return cached
    if has_users(session):
        raise PermissionDeniedError("nobody is logged in: log in first (in the window, or with "
                                    "'assess --user NAME' / ASSESS_USER on the command line); nothing was written")
    actor = Actor.single_user()
    session.info["single_user"] = actor
    return actor


def require(session: Session, permission: str) -> Actor:
    """The actor, when their role allows `permission`; else PermissionDeniedError (the caller writes nothing)."""
    actor = current_actor(session)
    if not allows(actor.role, permission):
        raise PermissionDeniedError(f"{actor.name} is a {actor.role} and may not {action_words(permission)}; "
                                    "nothing was written")
    return actor


def is_single_user(actor: Actor) -> bool:
    return actor.role == SINGLE_USER
