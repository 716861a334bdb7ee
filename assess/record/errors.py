"""Errors a user can act on: each says what was wrong and where, in one line."""

from __future__ import annotations


class AssessError(Exception):
    """Base of every error shown to a user as a plain message (never a traceback)."""


class RecordError(AssessError):
    """A value in a record is invalid; `path` is its JSON path (patients[0].visits[2].findings[5].mas)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class ConflictError(AssessError):
    """A record differs from the stored record of the same identity; nothing was written."""


class NotFoundError(AssessError):
    """No record with that identity (an unknown MRN, visit or treatment)."""


class DuplicateError(AssessError):
    """A record with that identity exists already (a duplicate MRN, a second visit of the same type)."""


class SignedRecordError(AssessError):
    """A signed record cannot be changed; a correction is an addendum."""


class StaleEditError(AssessError):
    """Someone else saved the record after this copy was read; reload before editing."""


class DatabaseError(AssessError):
    """The database cannot be opened, checked or migrated."""


class PermissionDeniedError(AssessError):
    """The logged-in user's role does not allow this action (or nobody is logged in); nothing was written."""


class LoginError(AssessError):
    """A login was refused: unknown name, wrong password, or too many recent failures."""
