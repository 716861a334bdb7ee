"""Benchmarks of the window at clinic scale; prints a table. Run: uv run python benchmarks/ui.py

Needs a database of 10,000 demo patients: --db URL uses one, otherwise one is built with `assess demo`
(about a minute). Runs offscreen (QT_QPA_PLATFORM=offscreen), so no display is needed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # the offscreen platform's size-hint notices

# Each child prints the wall-clock moment its window is shown and the event loop has run once; the
# parent subtracts the moment it launched the child. Interpreter shutdown is not part of a start.
BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1]); w = QMainWindow(); w.show(); app.processEvents()
print(time.time())
"""
# The real start of `assess` (run_window), noting the time when the event loop first runs.
ASSESS = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QTimer.singleShot(0, lambda: (print(time.time()), app.quit()))
from assess.ui.app import run_window
run_window(sys.argv[1])
heavy = [m for m in ("matplotlib", "reportlab") if m in sys.modules]
assert not heavy, f"imported at start: {heavy}"
"""

# The first trend chart a user opens: the real start (run_window), an idle event loop for IDLE seconds (the
# window waiting for its user; the chart machinery is made ready then), the patient opened, the Trends page shown.
FIRST_CHART = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def ready():
    from assess.ui.main_window import MainWindow
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    end = time.monotonic() + float(sys.argv[3])
    def chart():
        if time.monotonic() < end:
            QTimer.singleShot(20, chart)
            return
        window.open_patient(sys.argv[2])
        app.processEvents()
        begin = time.perf_counter()
        window.view.pages.setCurrentWidget(window.view.trends)
        window.view.trends.redraw(now=True)
        app.processEvents()
        print((time.perf_counter() - begin) * 1000)
        app.quit()
    chart()
QTimer.singleShot(0, ready)
from assess.ui.app import run_window
run_window(sys.argv[1])
"""

Row = tuple[str, str, str]


def _process_ms(code: str, *args: str, env: dict[str, str]) -> float:
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True, text=True)
    return (float(done.stdout.strip().splitlines()[-1]) - start) * 1000


def _child_ms(code: str, *args: str, env: dict[str, str]) -> float:
    """A figure the child measures itself and prints last."""
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def _clinic_env(home: str) -> dict[str, str]:
    # As on a clinic's computer: Python keeps compiled bytecode (this sandbox sets PYTHONDONTWRITEBYTECODE,
    # which would make every start compile every module again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home})
    return env


def first_chart(url: str, repeats: int = 3) -> list[Row]:
    """The first trend chart of the session, opened at once after the start and after 2 s of an idle window."""
    from clinics import add_dense_patient

    mrn = add_dense_patient(url)
    with tempfile.TemporaryDirectory() as home:
        env = _clinic_env(home)
        _child_ms(FIRST_CHART, url, mrn, "0", env=env)  # warm-up: bytecode written, file cache filled
        at_once, after_idle = [], []
        for _ in range(repeats):
            at_once.append(_child_ms(FIRST_CHART, url, mrn, "0", env=env))
            after_idle.append(_child_ms(FIRST_CHART, url, mrn, "2", env=env))
    return [("first trend chart, opened at once after the start (60 visits)",
             f"{statistics.median(at_once):.0f} ms", "—"),
            ("first trend chart after the window has been open 2 s (60 visits)",
             f"{statistics.median(after_idle):.0f} ms (max {max(after_idle):.0f})", "≤ 300 ms")]


def startup(url: str, repeats: int = 7) -> list[Row]:
    with tempfile.TemporaryDirectory() as home:
        env = _clinic_env(home)
        _process_ms(BARE, env=env)  # warm-up: writes the bytecode, fills the file cache
        _process_ms(ASSESS, url, env=env)
        bare, assess = [], []
        for _ in range(repeats):  # interleaved, so both see the same machine
            bare.append(_process_ms(BARE, env=env))
            assess.append(_process_ms(ASSESS, url, env=env))
    b, a = statistics.median(bare), statistics.median(assess)
    return [("bare PySide6 QMainWindow: process start to shown", f"{b:.0f} ms", "reference"),
            ("assess: process start to main window with the patient list", f"{a:.0f} ms ({a / b:.1f}×)",
             f"≤ 3× bare ({3 * b:.0f} ms)")]


def _has_patient(url: str, mrn: str) -> bool:
    from assess.services.patients import patients_by_mrn
    from assess.storage.db import open_database

    db = open_database(url, check_file=False)
    try:
        with db.transaction() as session:
            return bool(patients_by_mrn(session, [mrn]))
    finally:
        db.close()


def window_figures(url: str) -> list[Row]:
    from clinics import add_dense_patient
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from assess.storage.db import open_database
    from assess.ui.main_window import MainWindow
    from assess.ui.settings import Settings

    mrn = "BENCH-60" if _has_patient(url, "BENCH-60") else add_dense_patient(url)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(url)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(Path(home) / "assess.ini")
        settings.clinician = "Dr Bench"
        window = MainWindow(db, settings)
        window.show()
        app.processEvents()
        times = []
        for _ in range(15):
            begin = time.perf_counter()
            window.open_patient(mrn)
            app.processEvents()
            times.append((time.perf_counter() - begin) * 1000)
        rows.append(("open a patient with 60 visits (median of 15)", f"{statistics.median(times):.0f} ms", "≤ 100 ms"))
        times = []
        for text in ("a", "ab", "abd", "abdi", "m", "mü", "mül", "müll", "DEMO-00", "DEMO-0042"):
            begin = time.perf_counter()
            window.patients.search.setText(text)
            app.processEvents()
            times.append((time.perf_counter() - begin) * 1000)
        rows.append(("search as you type, one keystroke (median of 10, 10,000 patients)",
                     f"{statistics.median(times):.1f} ms (max {max(times):.1f})", "≤ 30 ms"))
        rows += trend_figures(window, app)
        window.new_visit()
        editor = window.tabs.currentWidget()
        grid = editor.grid  # type: ignore[union-attr]
        grid.setFocus()
        app.processEvents()
        times = []
        for i in range(34):
            begin = time.perf_counter()
            QTest.keyClick(grid, (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_0)[i % 3])
            app.processEvents()
            times.append((time.perf_counter() - begin) * 1000)
        rows.append(("a keystroke in the exam grid (median of 34 MAS grades)",
                     f"{statistics.median(times):.1f} ms (max {max(times):.1f})", "≤ 16 ms"))
        window.close()
    db.close()
    return rows


def trend_figures(window: Any, app: Any) -> list[Row]:
    """The Trends page of the patient open in `window`: the first chart, then switching muscle groups."""
    view = window.view
    begin = time.perf_counter()
    view.pages.setCurrentWidget(view.trends)
    view.trends.redraw(now=True)
    app.processEvents()
    first = (time.perf_counter() - begin) * 1000
    groups = [view.trends.what.itemData(i) for i in range(view.trends.what.count())]
    examined = [g for g in groups if g and not g.startswith("visit:")
                and "not examined" not in view.trends.what.itemText(view.trends.what.findData(g))]
    switch, whole = [], []
    for n in range(20):
        group = examined[n % len(examined)]
        begin = time.perf_counter()
        view.trends.show_group(group, "mas")  # as a click on the body map or Up/Down does
        app.processEvents()  # the chart and the body map's outline painted, as the user sees them
        switch.append((time.perf_counter() - begin) * 1000)
    for n in range(10):
        begin = time.perf_counter()
        view.trends.show_group(examined[n % len(examined)], "tardieu")  # angles: scaled anew, drawn whole
        app.processEvents()
        whole.append((time.perf_counter() - begin) * 1000)
    view.pages.setCurrentIndex(0)
    return [("trend chart of this session's first patient (matplotlib imported before)", f"{first:.0f} ms", "—"),
            ("switch muscle group, MAS chart, 10 years of visits (median of 20)",
             f"{statistics.median(switch):.0f} ms (max {max(switch):.0f})", "≤ 50 ms"),
            ("redraw a chart whole, Tardieu R1/R2, 10 years of visits (median of 10)",
             f"{statistics.median(whole):.0f} ms (max {max(whole):.0f})", "≤ 50 ms")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="a database with 10,000 demo patients (default: build one)")
    parser.add_argument("--only", default="start,chart,window",
                        help="which figures, by comma: start, chart (the first chart), window (in this process)")
    parser.add_argument("--json", action="store_true", help="the rows as JSON (for benchmarks/run.py)")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as folder:
        url = args.db
        if url is None:
            url = f"sqlite:///{folder}/bench.db"
            subprocess.run([sys.executable, "-m", "assess", "--db", url, "db", "upgrade"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run([sys.executable, "-m", "assess", "--db", url, "demo", "--patients", "10000"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = ((startup(url) if "start" in parts else []) + (first_chart(url) if "chart" in parts else [])
                + (window_figures(url) if "window" in parts else []))
    if args.json:
        import json

        print(json.dumps(rows))
        sys.stdout.flush()
        os._exit(0)
    header = ("what", "measured", "goal")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    sys.stdout.flush()
    # Leave without Python's final collection: PySide6 can crash tearing widgets down at interpreter exit,
    # which would hide the table above behind a "Fatal Python error".
    os._exit(0)


if __name__ == "__main__":
    main()
