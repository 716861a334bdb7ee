"""The workstation's own settings (recent patients, clinician name, exam order): an INI file per user."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

RECENT_COUNT = 10


def make_private(path: Path) -> None:
    """The settings file 0600 in a folder 0700 (the drafts' folder lives in it), whatever the umask: the recent
    patients are patient identifiers. Made so before Qt first writes the file, as Qt's save keeps the mode of the
    file it replaces; the folder and file an older assess left (0755 and 0644) are tightened too."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)  # mkdir's mode is cut by the umask, and an existing folder keeps its own
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


class Settings:
    """Settings of this workstation and user; the clinic-wide ones live in the database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        make_private(path)
        self._qt = QSettings(str(path), QSettings.Format.IniFormat)

    @classmethod
    def default(cls) -> Settings:
        from platformdirs import user_config_dir

        return cls(Path(user_config_dir("assess", appauthor=False)) / "assess.ini")

    @property
    def drafts_folder(self) -> Path:
        """Autosaved exams live beside the settings, on this workstation, until they are saved."""
        return self.path.parent / "drafts"

    def recent_mrns(self) -> list[str]:
        value: Any = self._qt.value("recent/mrns", [])
        if isinstance(value, str):  # QSettings returns a lone item as a plain string
            value = [value]
        return [str(v) for v in value or []]

    def add_recent(self, mrn: str) -> None:
        recent = [mrn] + [m for m in self.recent_mrns() if m != mrn]
        self._qt.setValue("recent/mrns", recent[:RECENT_COUNT])
        self._qt.sync()

    def forget_recent(self, mrn: str) -> None:
        self._qt.setValue("recent/mrns", [m for m in self.recent_mrns() if m != mrn])
        self._qt.sync()

    @property
    def clinician(self) -> str:
        return str(self._qt.value("exam/clinician", "") or "")

    @clinician.setter
    def clinician(self, name: str) -> None:
        self._qt.setValue("exam/clinician", name)
        self._qt.sync()

    @property
    def exam_order(self) -> str:
        """How the cursor moves after a grade: 'pairs' (left, right, next group) or 'all_left_then_right'."""
        return str(self._qt.value("exam/order", "pairs") or "pairs")

    @exam_order.setter
    def exam_order(self, order: str) -> None:
        self._qt.setValue("exam/order", order)
        self._qt.sync()
