"""What an interrupted restore could leave behind, and how it is kept from being left: hidden copies of records.

Signals that end a restore (SIGTERM, SIGHUP, Ctrl+C) go through its clean-up. What nothing can clean up (a
power cut, kill -9) is removed by the next command on that database: hidden files beside it, named after
it. A restore that is still running marks itself (a file holding its process id), so another command run
meanwhile leaves its files alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType


def _running_marker(path: Path) -> Path:
    return path.with_name(f".{path.name}.restore-running")


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # no safe check there: a marker is left alone until its restore ends
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def restore_running(path: Path) -> Iterator[None]:
    """Mark a restore of the database at `path` as running, for as long as the block runs."""
    marker = _running_marker(path)
    marker.write_text(str(os.getpid()), encoding="ascii")
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def sweep_interrupted(path: Path) -> list[Path]:
    """Remove what a restore or its kept copy left half-written beside the database when it was killed
    (power cut, kill -9): hidden files holding records. Nothing while a restore is running. Returns what
    was removed."""
    marker = _running_marker(path)
    try:
        if _alive(int(marker.read_text(encoding="ascii").strip())):
            return []
    except (OSError, ValueError):
        pass  # no marker (or an unreadable one): no restore is running
    removed = []
    for pattern in (f".{path.name}.restoring-*", f".{path.name}.before-restore-*"):  # with any -journal
        for leftover in path.parent.glob(pattern):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    if marker.exists():
        marker.unlink(missing_ok=True)
        removed.append(marker)
    return removed


def sweep_interrupted_dumps(folder: Path) -> None:
    """pg_dump archives of a kept copy left half-written by a killed restore (hidden, holding records)."""
    for leftover in folder.glob(".*.before-restore-*.dump.*"):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM and SIGHUP (closing the terminal, a shutdown) end the restore as Ctrl+C does: through the
    clean-up, not around it. Only in the main thread, where Python delivers signals."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        yield
        return

    def stop(number: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {number}")

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
