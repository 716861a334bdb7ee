"""Benchmarks of the record at clinic scale, SQLite and PostgreSQL side by side; prints each figure beside its goal.

Run: uv run python benchmarks/run.py [--patients 100000] [--cache DIR] [--postgres] [--no-window]

Demo clinics are built with the real `assess demo` command: N patients and, from N = 20,000 on, N/10 as well,
so that the growth of each figure from N/10 to N is printed (the goal: at most 10 times, as the work grows).
With --cache DIR each clinic is built once per schema revision and kept (benchmarks/clinics.py), with the time
its build took; a rerun measures copies of the kept clinics. Wall and CPU times are both printed: on a shared,
loaded machine the wall times move with the load (printed too), the CPU times much less. For PostgreSQL the CPU
is this process's or the command's, not the server's.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clinics import Clinic, add_dense_patient, clinics, timed_command

from assess.cli import main as cli
from assess.interchange.write import write_document
from assess.storage.bulk import collector_paused
from assess.storage.db import open_database, quick_check, sqlite_path

SEARCHES = ("m", "mu", "mül", "DEMO-0042", "zq")  # 'zq' matches nobody: every patient's key is read
Figures = dict[str, tuple[float, float | None, str]]  # key -> (value, CPU seconds or None, note)


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - cpu


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def measure(clinic: Clinic, empty_url: str, window: bool) -> Figures:
    """Every figure of one clinic (a copy of the kept one: the measuring writes into it)."""
    url, figures = clinic.url, {}
    built = clinic.built
    figures["demo"] = (built["seconds"], built["cpu_seconds"],
                       f"{built['how']} on {built['built_on']}, load {built['load']}–{built['load_after']}")
    # What `assess db due` does each night; the kept clinic's items are of the day it was built.
    wall, cpu = timed_command("--db", url, "db", "due")
    figures["due"] = (wall, cpu, "")
    figures["alerts"] = (*_median([timed_command("--db", url, "alerts", "--json") for _ in range(2)]), "")
    # A command that reads almost nothing: what it costs on the clinic beyond what it costs on an empty database.
    for _ in range(2):
        timed_command("--db", empty_url, "users", "list")  # warm-up: the file cache, compiled bytecode
    clinic_runs = [timed_command("--db", url, "users", "list") for _ in range(3)]
    empty_runs = [timed_command("--db", empty_url, "users", "list") for _ in range(3)]
    (on_clinic, clinic_cpu), (on_empty, _) = _median(clinic_runs), _median(empty_runs)
    figures["overhead"] = (on_clinic - on_empty, clinic_cpu,
                           f"assess users: {on_clinic:.2f} s on the clinic, {on_empty:.2f} s on an empty database")
    db = open_database(url, check_file=False)
    try:
        figures.update(_in_process(db, clinic))
        path = sqlite_path(url)
        if path is not None:
            figures["quick_check"] = (*_timed(lambda: quick_check(db.engine, path)),
                                      f"{path.stat().st_size / 2**30:.1f} GiB")
    finally:
        db.close()
    figures.update(_import(url, min(1000, clinic.patients)))
    if window:
        figures.update(_window(url))
    return figures


def _in_process(db: Any, clinic: Clinic) -> Figures:
    from sqlalchemy import select

    from assess.reports.content import Clinic as Letterhead
    from assess.reports.pdf import report_bytes
    from assess.services.clinic import set_clinic_letterhead
    from assess.services.history import patient_history
    from assess.services.patients import find_patients
    from assess.services.report import patient_report
    from assess.services.rows import PATIENT

    figures: Figures = {}
    with db.transaction() as session:
        mrns = list(session.execute(select(PATIENT.c.mrn).where(PATIENT.c.mrn.like("DEMO-%"))).scalars())
    sample = random.Random(7).sample(mrns, 200)
    times, visits = [], []
    for mrn in sample:
        with db.transaction() as session:
            start, cpu = time.perf_counter(), time.process_time()
            record = patient_history(session, mrn)
            times.append((time.perf_counter() - start, time.process_time() - cpu))
            visits.append(len(record.visits))
    wall, cpu = _median(times)
    figures["history"] = (wall * 1000, cpu * 1000, f"median of 200 patients, {statistics.mean(visits):.0f} visits "
                          f"on average (max {max(visits)})")
    worst: tuple[float, float, str] = (0.0, 0.0, "")
    with db.transaction() as session:
        for text in SEARCHES:
            wall, cpu = _median([_timed(lambda t=text: find_patients(session, t)) for _ in range(20)])  # type: ignore[misc]
            worst = max(worst, (wall * 1000, cpu * 1000, text))
    figures["search"] = (worst[0], worst[1], f"the slowest of {', '.join(map(repr, SEARCHES))}: {worst[2]!r} "
                         "(median of 20 each)")
    with db.transaction() as session:
        set_clinic_letterhead(session, Letterhead("Benchmark Spasticity Clinic", phone="555-0100"))
    dense = add_dense_patient(db.url)
    today = dt.date.today()

    def report() -> None:
        with db.transaction() as session:
            report_bytes(patient_report(session, dense, today))

    first = _timed(report)  # the first in the process pays matplotlib's and reportlab's imports
    figures["report"] = (*_median([_timed(report) for _ in range(3)]),
                         f"BENCH-60: 60 visits of 20 findings and 60 toxin sessions over 10 years; median of 3 "
                         f"after the first in the process ({first[0]:.2f} s, imports included)")
    return figures


def _import(url: str, patients: int) -> Figures:
    """`assess import` of 1,000 of the clinic's patients (fewer in a smaller clinic) under new MRNs (read, check,
    write, their due items, commit), in this process, three times (each adds 1,000 patients)."""
    from assess.services.interchange import export_records

    db = open_database(url, check_file=False)
    try:
        with collector_paused(), db.transaction() as session:
            document = write_document(export_records(session, [f"DEMO-{n:06d}" for n in range(1, patients + 1)]))
    finally:
        db.close()
    findings = sum(len(v.get("findings", [])) for p in document["patients"] for v in p.get("visits", []))
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(3):
            for number, patient in enumerate(document["patients"], 1):
                patient["mrn"] = f"IMPORT{round_}-{number:06d}"
            path = Path(folder) / f"import-{round_}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            with contextlib.redirect_stdout(io.StringIO()):
                wall, cpu = _timed(lambda p=path: cli.main(["--db", url, "import", str(p)]))  # type: ignore[misc]
            runs.append((findings / wall, findings / cpu))
    rate, cpu_rate = _median(runs)
    return {"import": (rate, cpu_rate, f"{patients:,} patients, {findings:,} findings; median of 3; CPU column: "
                                         "findings per CPU second")}


def _window(url: str) -> Figures:
    script = Path(__file__).resolve().parent / "ui.py"
    done = subprocess.run([sys.executable, str(script), "--db", url, "--only", "start,chart", "--json"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmarks/ui.py failed on {url}:\n{done.stderr[-3000:]}")
    rows = {what: measured for what, measured, _ in json.loads(done.stdout.strip().splitlines()[-1])}
    bare = float(rows["bare PySide6 QMainWindow: process start to shown"].split()[0])
    started = float(rows["assess: process start to main window with the patient list"].split()[0])
    at_once = float(rows["first trend chart, opened at once after the start (60 visits)"].split()[0])
    after_idle = float(rows["first trend chart after the window has been open 2 s (60 visits)"].split()[0])
    return {"start": (started / bare, None, f"{started:.0f} ms against a bare QMainWindow's {bare:.0f} ms "
                                            "(medians of 7, interleaved)"),
            "chart": (after_idle, None, f"median of 3; opened at once after the start instead: {at_once:.0f} ms")}


# key, what, unit, goal, met (value -> bool), whether the growth from N/10 is a goal
FIGURES: list[tuple[str, str, str, str, Callable[[float, int], bool], bool]] = [
    ("demo", "assess demo --patients N (wall; CPU of it and its workers)", "s", "≤ 10 min at 100,000",
     lambda v, n: v <= 600 * n / 100_000, True),
    ("alerts", "assess alerts --json, the whole command", "s", "≤ 10 s at 100,000", lambda v, n: v <= 10, True),
    ("overhead", "a command's cost of the file's size (no whole-file check)", "s", "≤ 0.5 s",
     lambda v, n: v <= 0.5, False),
    ("import", "assess import of 1,000 patients into the clinic", "findings/s", "≥ 50,000 findings/s",
     lambda v, n: v >= 50_000, True),
    ("history", "one patient's whole history", "ms", "≤ 20 ms", lambda v, n: v <= 20, True),
    ("search", "search patients, one keystroke (first 200 by name)", "ms", "≤ 30 ms", lambda v, n: v <= 30, True),
    ("report", "report PDF, 10 years of history", "s", "≤ 1.5 s", lambda v, n: v <= 1.5, True),
    ("start", "window: start to the usable patient list, × a bare QMainWindow", "×", "≤ 3×",
     lambda v, n: v <= 3, False),
    ("chart", "window: first trend chart after it has been open 2 s", "ms", "≤ 300 ms",
     lambda v, n: v <= 300, False),
    ("due", "assess db due (the nightly upkeep), the whole command", "s", "—", lambda v, n: True, False),
    ("quick_check", "SQLite's quick_check of the whole file (window start, backup, db check)", "s", "—",
     lambda v, n: True, False),
]


def _cell(key: str, figures: Figures) -> str:
    if key not in figures:
        return "—"
    value, cpu, _ = figures[key]
    if key == "import":
        return f"{value:,.0f} (CPU {cpu:,.0f})"
    shown = f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return shown if cpu is None else f"{shown} (CPU {cpu:.2f})" if cpu < 10 else f"{shown} (CPU {cpu:.0f})"


def report_table(results: dict[str, dict[int, Figures]], sizes: list[int]) -> list[str]:
    columns = [(kind, n) for kind in results for n in sizes]
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    header = ["figure", "unit", *[f"{names[k]} {n:,}" for k, n in columns]]
    if len(sizes) == 2:
        header += [f"{names[k]} growth" for k in results]
    header += ["goal", f"met at {sizes[-1]:,}"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for key, what, unit, goal, met, growth_goal in FIGURES:
        cells = [what, unit, *[_cell(key, results[k][n]) for k, n in columns]]
        if len(sizes) == 2:
            for kind in results:
                small, large = results[kind][sizes[0]].get(key), results[kind][sizes[1]].get(key)
                if small and large and small[0] > 0 and large[0] > 0:
                    ratio = small[0] / large[0] if key == "import" else large[0] / small[0]
                    cells.append(f"{ratio:.1f}×" + (" (≤ 10×)" if growth_goal else ""))
                else:
                    cells.append("—")
        verdicts = [("yes" if met(results[k][sizes[-1]][key][0], sizes[-1]) else "NO")
                    for k in results if key in results[k][sizes[-1]]]
        cells += [goal, " / ".join(verdicts) or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000, metavar="N")
    parser.add_argument("--cache", type=Path, metavar="DIR", help="keep the demo clinics here and reuse them")
    parser.add_argument("--postgres", action="store_true", help="also measure on a PostgreSQL server")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True, help="measure SQLite")
    parser.add_argument("--no-window", dest="window", action="store_false", help="leave the window's figures out")
    parser.add_argument("--smaller", type=int, metavar="M", help="the clinic the growth is measured from "
                        "(default: N/10 from N = 20,000 on; 0: none)")
    args = parser.parse_args()
    smaller = args.smaller if args.smaller is not None else args.patients // 10 if args.patients >= 20_000 else 0
    sizes = [smaller, args.patients] if smaller else [args.patients]
    kinds = (["sqlite"] if args.sqlite else []) + (["postgresql"] if args.postgres else [])
    loads = [os.getloadavg()]
    results: dict[str, dict[int, Figures]] = {}
    notes: list[str] = []
    with clinics(args.cache, args.postgres) as kept:
        for kind in kinds:
            empty = kept.empty(kind)
            for n in sizes:
                clinic = kept.clinic(kind, n)
                print(f"measuring {kind}, {n:,} patients...", file=sys.stderr, flush=True)
                results.setdefault(kind, {})[n] = figures = measure(clinic, empty, args.window)
                loads.append(os.getloadavg())
                notes += [f"- {kind} {n:,}, {key}: {figures[key][2]}" for key, *_ in FIGURES
                          if key in figures and figures[key][2]]
    print(f"\n{dt.date.today()}, {os.cpu_count()} cores, load average (1 min) during the run: "
          f"{min(load[0] for load in loads):.1f}–{max(load[0] for load in loads):.1f}")
    print("\n".join(report_table(results, sizes)))
    print("\n".join(["", *notes]))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # the window's benchmark ran in a child; nothing here needs the interpreter's final collection
