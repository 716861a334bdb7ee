"""This workstation's login tokens: one small private file per database and user, in the user's config folder.

A token says "this user logged in here before". The database keeps only its SHA-256 (table login_device),
and counts failed logins made with it apart from the user's other failures, so someone guessing the
password elsewhere never makes the user wait here. A token is not a password: a login still needs the
password, and a lost or copied token only changes which failure count applies.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from assess.record.errors import AssessError
from assess.storage.files import write_atomically


class LoginTokens:
    """The tokens of this workstation's user, by database and user name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> LoginTokens:
        from platformdirs import user_config_dir

        return cls(Path(user_config_dir("assess", appauthor=False)) / "logins")

    def _file(self, database: str, name: str) -> Path:
        # Hashed names: neither the database's address nor the user name shows in the folder.
        key = hashlib.sha256(f"{database}\0{name}".encode()).hexdigest()[:32]
        return self.folder / f"{key}.token"

    def load(self, database: str, name: str) -> str | None:
        try:
            token = self._file(database, name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return token or None

    def save(self, database: str, name: str, token: str) -> None:
        """Written whole, readable by this user only; a folder that cannot be made just means no token."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomically(self._file(database, name), token.encode("ascii"))
        except (OSError, AssessError):
            return  # a token is a convenience: without one, the user's own failure count applies

    def forget(self, database: str, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._file(database, name))
