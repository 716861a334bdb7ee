"""A restore interrupted at any moment, by a real signal to a real process: the database is the old one or the
restored one, whole; no hidden copy of the records is left behind (after kill -9 or a power cut, the next
assess command removes what the killed one could not)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from samples import sample_document

from assess.interchange.read import read_document
from assess.services.demo import add_demo_patients
from assess.services.interchange import import_records
from assess.services.patients import find_patients
from assess.storage.db import open_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# The restore on its own, announced once assess is imported, so the signal lands in the restore itself.
CHILD = """
import sys
from pathlib import Path
from assess.services.restore import restore
url, source = sys.argv[1], Path(sys.argv[2])
print("go", flush=True)
restore(url, source, lambda: ("nobody", "no password"))
print("done", flush=True)
"""


def _patients(url: str) -> int:
    db = open_database(url)
    try:
        with db.transaction() as session:
            return len(find_patients(session, "", limit=None))
    finally:
        db.close()


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def clinic_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, int]:
    """A live database of 60 patients and a backup of 40: big enough that a restore takes a moment."""
    folder = tmp_path_factory.mktemp("restore")
    backup = folder / "backup.db"
    db = open_database(f"sqlite:///{backup}")
    with db.transaction() as session:
        import_records(session, read_document(sample_document()))
        add_demo_patients(session, 38)
    db.close()
    live = folder / "live.db"
    db = open_database(f"sqlite:///{live}")
    with db.transaction() as session:
        import_records(session, read_document(sample_document()))
        add_demo_patients(session, 58, seed=2)
    db.close()
    return live, backup, _patients(f"sqlite:///{live}"), _patients(f"sqlite:///{backup}")


def _fresh_copy(clinic_files: tuple[Path, Path, int, int], tmp_path: Path) -> tuple[str, Path]:
    live, backup, _, _ = clinic_files
    folder = tmp_path / "clinic"
    folder.mkdir(mode=0o700, parents=True)
    (folder / "assess.db").write_bytes(live.read_bytes())
    return f"sqlite:///{folder / 'assess.db'}", backup


def _restore_in_child(url: str, backup: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(backup)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "go"
    return child


def test_an_uninterrupted_restore_leaves_only_the_kept_copy(clinic_files: tuple[Path, Path, int, int],
                                                            tmp_path: Path) -> None:
    url, backup = _fresh_copy(clinic_files, tmp_path)
    child = _restore_in_child(url, backup)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    folder = tmp_path / "clinic"
    assert _patients(url) == clinic_files[3]
    assert _hidden(folder) == [] and len(list(folder.glob("assess.db.before-restore-*.bak"))) == 1


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_a_restore_stopped_by_a_signal_cleans_up(clinic_files: tuple[Path, Path, int, int], tmp_path: Path,
                                                 stop: signal.Signals) -> None:
    rng = random.Random(int(stop))
    _, _, live_count, backup_count = clinic_files
    outcomes = set()
    for attempt in range(4):
        url, backup = _fresh_copy(clinic_files, tmp_path / str(attempt))
        child = _restore_in_child(url, backup)
        time.sleep(rng.uniform(0.0, 1.5))  # a restore of this size takes 1-2 s here: anywhere in it
        child.send_signal(stop)
        child.communicate(timeout=300)
        folder = tmp_path / str(attempt) / "clinic"
        assert _hidden(folder) == [], f"left behind after {stop.name}: {_hidden(folder)}"
        count = _patients(url)
        assert count in (live_count, backup_count)  # one database or the other, whole
        outcomes.add(count)
        if count == live_count:  # interrupted before it replaced anything: no kept copy either way
            assert [p.name for p in folder.iterdir() if "before-restore" in p.name] in ([], [
                p.name for p in folder.glob("assess.db.before-restore-*.bak")])


def _kill_when_hidden_files_appear(child: subprocess.Popen[str], folder: Path) -> list[str]:
    """SIGKILL at the moment the restore has a hidden file open (its kept copy, half written)."""
    deadline = time.monotonic() + 120
    while child.poll() is None and time.monotonic() < deadline:
        seen = _hidden(folder)
        if seen:
            os.kill(child.pid, signal.SIGKILL)
            return seen
        time.sleep(0.001)
    return []


def test_after_kill_9_the_next_command_removes_what_was_left(clinic_files: tuple[Path, Path, int, int],
                                                            tmp_path: Path) -> None:
    from assess.cli.main import main

    rng = random.Random(9)
    _, _, live_count, backup_count = clinic_files
    left_behind = []
    for attempt in range(5):
        url, backup = _fresh_copy(clinic_files, tmp_path / str(attempt))
        folder = tmp_path / str(attempt) / "clinic"
        child = _restore_in_child(url, backup)
        if attempt == 0:
            assert _kill_when_hidden_files_appear(child, folder)
        else:
            time.sleep(rng.uniform(0.0, 1.5))
            os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=300)
        left_behind.append(_hidden(folder))
        assert main(["--db", url, "patients"]) == 0  # the next command, whatever it is
        assert _hidden(folder) == []
        assert _patients(url) in (live_count, backup_count)
    assert left_behind[0], "the first kill was meant to land while the kept copy was being written"


def test_a_command_run_during_a_restore_leaves_its_files_alone(tmp_path: Path) -> None:
    from assess.storage.interrupted import restore_running, sweep_interrupted

    path = tmp_path / "assess.db"
    half = tmp_path / ".assess.db.before-restore-20261201-120000.bak.abcd.tmp"
    half.write_bytes(b"a copy being written")
    with restore_running(path):  # this process is the running restore
        assert sweep_interrupted(path) == [] and half.exists()
    assert sweep_interrupted(path) == [half] and not half.exists()
    (tmp_path / ".assess.db.restore-running").write_text("999999999")  # its process is gone
    half.write_bytes(b"left by kill -9")
    assert sorted(p.name for p in sweep_interrupted(path)) == [".assess.db.before-restore-20261201-120000.bak.abcd.tmp",
                                                               ".assess.db.restore-running"]
