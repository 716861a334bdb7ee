"""The worklist and `assess alerts` reading stored due items; prints a table. Run:
uv run python benchmarks/worklist.py DB.sqlite [DB2.sqlite ...]

Each database is a demo clinic (`assess demo --patients N`, built once and kept: 100,000 patients take a long
time to build). Measured on a copy, so the kept file is not changed: `assess db due` (the items out of date for
today), the worklist read in-process as the window's thread does (service call, median of 3), the window's list
filled with it (offscreen, the model and first layout), and the whole `assess alerts --json` command.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(source: Path) -> list[tuple[str, str, str]]:
    from sqlalchemy import func, select

    from assess.services import due, worklist
    from assess.services.rows import PATIENT
    from assess.storage.bulk import collector_paused
    from assess.storage.db import open_database

    rows = []
    with tempfile.TemporaryDirectory(dir=source.parent) as folder:
        copy = Path(folder) / source.name
        shutil.copy(source, copy)
        url = f"sqlite:///{copy}"
        assess = [sys.executable, "-m", "assess", "--db", url]
        db = open_database(url)
        with db.transaction() as session:
            patients = session.execute(select(func.count()).select_from(PATIENT)).scalar_one()
            stale = len(due.stale_ids(session, dt.date.today()))
        db.close()
        label = f"{patients:,} patients"
        rows.append((label, f"assess db due ({stale:,} patients out of date for today)",
                     f"{_seconds([*assess, 'db', 'due']):.1f} s"))
        db = open_database(url, check_file=False)
        times, count = [], 0
        for _ in range(3):
            start = time.perf_counter()
            with collector_paused(), db.transaction() as session:
                count = len(worklist.worklist(session, dt.date.today()))
            times.append(time.perf_counter() - start)
        rows.append((label, f"the worklist read ({count:,} items), median of 3", f"{statistics.median(times):.2f} s"))
        start = time.perf_counter()
        with collector_paused(), db.transaction() as session:
            found = len(due.stored_alerts(session, dt.date.today()))
        rows.append((label, f"assess alerts' own work: the stored alerts read ({found:,})",
                     f"{time.perf_counter() - start:.2f} s"))
        rows.append((label, "assess alerts --json, the whole command (quick_check of the file included)",
                     f"{_seconds([*assess, 'alerts', '--json']):.1f} s"))
        from assess.storage.db import quick_check, sqlite_path

        start = time.perf_counter()
        quick_check(db.engine, sqlite_path(url))  # type: ignore[arg-type]
        rows.append((label, "of which SQLite's quick_check of the file, which every command runs first",
                     f"{time.perf_counter() - start:.1f} s"))
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from assess.ui.worklist_view import WorklistView

        app = QApplication.instance() or QApplication([])
        for ahead, what in ((0, "today"), (1, "tomorrow, the first look of the day")):
            day = dt.date.today() + dt.timedelta(days=ahead)
            with db.transaction() as session:
                stale = len(due.stale_ids(session, day))
            view = WorklistView(db, today=day)
            view.resize(940, 700)
            view.show()
            shown: list[float] = []
            view.model.modelReset.connect(lambda shown=shown: shown.append(time.perf_counter()))
            start = time.perf_counter()
            view.refresh()
            while len(shown) < (2 if stale else 1):  # an event loop as the window's, not a busy one
                app.processEvents()
                time.sleep(0.005)
            first, whole = shown[0] - start, shown[-1] - start
            rows.append((label, f"the window's worklist for {what} ({stale:,} patients out of date): first list "
                         "shown / whole list", f"{first:.2f} s / {whole:.2f} s"))
            view.wait()
            view.close()
        later = dt.date.today() + dt.timedelta(days=7)
        with db.transaction() as session:
            ids = due.stale_ids(session, later)
        start = time.perf_counter()
        with collector_paused(), db.transaction() as session:
            due.refresh(session, ids, later)
        rows.append((label, f"a week later: {len(ids):,} patients out of date, worked out again (what a nightly "
                     "'assess db due' does)", f"{time.perf_counter() - start:.1f} s"))
        db.close()
    return rows


def main() -> None:
    load = os.getloadavg()
    print(f"\n{dt.date.today()}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores")
    print("| clinic | what | measured |")
    print("| --- | --- | --- |")
    for name in sys.argv[1:]:
        for row in measure(Path(name)):
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # PySide6 6.12 on Python 3.11 drops a reference to None at every void call (see the report of issue 14);
    # after a long run the interpreter's final collection can then abort, so leave without it.
    os._exit(0)
