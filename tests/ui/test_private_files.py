"""The workstation's files that hold patient identifiers (settings with recent patients, drafts) are the user's only."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assess.record.domain import Finding, Visit
from assess.storage.drafts import DraftStore, VisitDraft
from assess.ui.settings import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A login whose umask is 000: every file made without a mode of its own is 0666, every folder 0777."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("open_umask")
def test_settings_and_drafts_are_owner_only_even_with_umask_000(tmp_path: Path) -> None:
    config = tmp_path / "config" / "assess"
    settings = Settings(config / "assess.ini")
    settings.add_recent("LB-100234")
    settings.clinician = "Dr K. Osei"
    drafts = DraftStore(settings.drafts_folder)
    draft = drafts.save(VisitDraft("LB-100234", Visit(dt.date(2025, 6, 9), "follow_up", "Dr K. Osei",
                                                      findings=(Finding("elbow_flexors", "left", mas="2"),)),
                                   None, dt.datetime(2025, 6, 9, 10, 0, tzinfo=dt.UTC)))
    assert "LB-100234" in (config / "assess.ini").read_text()  # the file really holds the identifier
    assert _mode(config) == 0o700
    assert _mode(config / "assess.ini") == 0o600
    assert _mode(settings.drafts_folder) == 0o700
    assert _mode(draft) == 0o600
    # A later write (Qt replaces the file whole) keeps it private.
    settings.add_recent("LB-200001")
    assert _mode(config / "assess.ini") == 0o600
    assert Settings(config / "assess.ini").recent_mrns() == ["LB-200001", "LB-100234"]


def test_the_files_an_older_assess_left_readable_are_tightened(tmp_path: Path) -> None:
    config = tmp_path / "assess"
    (config / "drafts").mkdir(parents=True)
    (config / "assess.ini").write_text("[recent]\nmrns=LB-100234\n")
    for path, mode in ((config, 0o755), (config / "drafts", 0o755), (config / "assess.ini", 0o644)):
        path.chmod(mode)
    settings = Settings(config / "assess.ini")
    assert settings.recent_mrns() == ["LB-100234"]  # kept, only its mode changed
    assert _mode(config) == 0o700 and _mode(config / "assess.ini") == 0o600
    DraftStore(settings.drafts_folder).save(VisitDraft("LB-100234", Visit(dt.date(2025, 6, 9), "follow_up", "K"),
                                                       None, dt.datetime(2025, 6, 9, tzinfo=dt.UTC)))
    assert _mode(config / "drafts") == 0o700
