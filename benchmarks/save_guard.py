"""What the SQLite guard (assess/storage/sqlite_guard.py) costs a save; prints a table.

Run: uv run python benchmarks/save_guard.py

The same visit save (record_visit through Database.transaction, as the window's Ctrl+S does) on two copies of
one database: one opened by open_database (guarded), one through an engine made without the guard. Then the
guard's own work alone: the read lock taken again and the three files looked up before a transaction, and
looked up again after one that wrote. Median of many rounds.
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "ui"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from exam_helpers import LAST_VISIT, MRN, TODAY, add_patient

from assess.services.visits import record_visit
from assess.storage import sqlite_guard
from assess.storage.db import Database, _on_sqlite_connect, open_database

ROUNDS = 300


def _median_us(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def _unguarded(path: Path) -> Database:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_sqlite_connect)
    return Database(f"sqlite:///{path}", engine, sessionmaker(engine, expire_on_commit=False))


def _saver(db: Database) -> Callable[[], None]:
    version = [0]
    visit = dataclasses.replace(LAST_VISIT, date=TODAY, type="follow_up")

    def save() -> None:
        with db.transaction() as session:
            version[0] = record_visit(session, MRN, visit, expected_version=version[0])

    return save


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        guarded_path, plain_path = Path(folder) / "guarded.db", Path(folder) / "plain.db"
        db = open_database(f"sqlite:///{guarded_path}")
        add_patient(db)
        db.close()
        shutil.copy(guarded_path, plain_path)
        guarded, plain = open_database(f"sqlite:///{guarded_path}"), _unguarded(plain_path)
        try:
            rows = []
            saves = {"without the guard": _saver(plain), "with the guard": _saver(guarded)}
            times: dict[str, list[float]] = {label: [] for label in saves}
            for _ in range(ROUNDS):  # alternated, so the machine's load falls on both alike
                for label, save in saves.items():
                    start = time.perf_counter()
                    save()
                    times[label].append(time.perf_counter() - start)
            for label, measured in times.items():
                rows.append((f"save a visit of {len(LAST_VISIT.findings)} findings ({label})",
                             f"{statistics.median(measured) * 1000:.2f} ms"))
            guard = sqlite_guard._guards[str(guarded_path.resolve())]

            def before_and_after() -> None:
                sqlite_guard._take_read_lock(guard)
                sqlite_guard.Files.on_disk(guard.path)
                sqlite_guard.Files.on_disk(guard.path)

            rows.append(("the guard's own work per saving transaction (lock + 2 × 3 file look-ups)",
                         f"{_median_us(before_and_after, 5000):.1f} µs"))
        finally:
            guarded.close()
            plain.close()
    widths = [max(len(r[i]) for r in [("what", "median"), *rows]) for i in range(2)]
    for row in [("what", "median"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
