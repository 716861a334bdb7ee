"""Drafts survive a killed process: a real child process saves drafts as fast as it can and is killed (SIGKILL)
mid-stream, again and again; each time the draft reads back whole, as the last or the next save it made."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess.scoring.muscles import GROUPS_BY_CODE
from assess.storage.drafts import DraftStore

# The child: the draft of one exam saved over and over, a finding and a note longer each time (as typing does),
# each save reported once DraftStore.save has returned.
CHILD = """
import datetime as dt, sys
from pathlib import Path
from assess.storage.drafts import DraftStore, VisitDraft
from assess.record.domain import Finding, Visit
from assess.scoring.muscles import GROUPS_BY_CODE

groups = sorted(GROUPS_BY_CODE)
store = DraftStore(Path(sys.argv[1]))
n = int(sys.argv[2])
while True:
    findings = tuple(Finding(groups[i % len(groups)], "left" if i < len(groups) else "right", mas="2")
                     for i in range(n % (2 * len(groups))))
    visit = Visit(dt.date(2025, 6, 9), "follow_up", "Dr K. Osei", findings=findings, notes="x" * n + f" #{n}")
    store.save(VisitDraft("LB-1", visit, n, dt.datetime.now(dt.UTC)))
    print(n, flush=True)
    n += 1
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_draft_saved_over_and_over_survives_being_killed_at_any_moment(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    rng = random.Random(7)
    confirmed = 0
    for _kill in range(6):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(confirmed + 1)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        first = child.stdout.readline()  # running: at least one save made
        assert first.strip(), "the child process did not start saving"
        time.sleep(rng.uniform(0.01, 0.15))  # then killed somewhere in the middle of a later save
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL
        reported = [int(line) for line in (first + rest).split()]

        drafts = DraftStore(folder).load_all()
        assert len(drafts) == 1, "the one draft must read back whole"
        [draft] = drafts
        saved = draft.base_version
        assert saved is not None
        # The last save reported done is on disk, or the one after it that finished before the kill.
        assert reported[-1] <= saved <= reported[-1] + 1
        assert draft.visit.notes == "x" * saved + f" #{saved}"
        assert len(draft.visit.findings) == saved % (2 * len(GROUPS_BY_CODE))
        confirmed = saved
    assert confirmed > 6  # the child really saved many times between kills
    assert [p.name for p in folder.glob("*.json")] == ["LB-1__2025-06-09__follow_up.json"]
