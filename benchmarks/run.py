"""Benchmarks of the record at clinic scale; prints a table. Run: uv run python benchmarks/run.py

Builds a database of 10,000 demo patients with the real `assess demo` command, then measures one
patient's whole history load, search, and import throughput. --postgres repeats the database figures on a
throwaway PostgreSQL server (needs the server binaries, as the tests do).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import itertools
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from assess.cli import main as cli
from assess.interchange.write import write_document
from assess.services.history import patient_history
from assess.services.interchange import export_records
from assess.services.patients import find_patients
from assess.storage.db import open_database

Row = tuple[str, str, str, str]


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build(url: str, patients: int) -> float:
    open_database(url).close()  # a database named with --db must exist (`assess db upgrade` starts one)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assess", "--db", url, "demo", "--patients", str(patients)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(url: str, label: str, patients: int, new_target: Callable[[], str]) -> list[Row]:
    rows: list[Row] = []
    seconds = build(url, patients)
    rows.append((label, f"assess demo --patients {patients}", f"{seconds:.1f} s", "≤ 120 s"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assess", "--db", url, "alerts", "--json"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows.append((label, f"assess alerts over {patients:,} patients (whole command)",
                 f"{time.perf_counter() - start:.1f} s", "≤ 5 s"))
    db = open_database(url)
    with db.transaction() as session:
        mrns = [p.mrn for p in find_patients(session, "", limit=None)]
    sample = random.Random(7).sample(mrns, 200)
    times = []
    visits = []
    for mrn in sample:
        with db.transaction() as session:
            start = time.perf_counter()
            record = patient_history(session, mrn)
            times.append((time.perf_counter() - start) * 1000)
            visits.append(len(record.visits))
    rows.append((label, f"load one patient's whole history (median of 200, {statistics.mean(visits):.0f} visits "
                 "avg)", f"{statistics.median(times):.1f} ms", "≤ 20 ms"))
    with db.transaction() as session:
        for text in ("m", "mu", "mül", "DEMO-0042"):
            ms = _median_ms(lambda t=text: find_patients(session, t), 20)  # type: ignore[misc]
            rows.append((label, f"search patients {text!r} (first 200, median)", f"{ms:.1f} ms", "≤ 30 ms"))
    from assess.reports.pdf import report_bytes
    from assess.services.report import patient_report

    longest = max(sample, key=lambda mrn: visits[sample.index(mrn)])
    with db.transaction() as session:
        from assess.reports.content import Clinic
        from assess.services.clinic import set_clinic_letterhead

        set_clinic_letterhead(session, Clinic("Benchmark Spasticity Clinic", phone="555-0100"))  # a report needs it
        days = [v.date for v in patient_history(session, longest).visits]
    years = (max(days) - min(days)).days / 365.25
    times = []
    for _ in range(3):
        start = time.perf_counter()
        with db.transaction() as session:
            report_bytes(patient_report(session, longest, dt.date.today()))
        times.append(time.perf_counter() - start)
    rows.append((label, f"report PDF of the longest history sampled ({max(visits)} visits, {years:.1f} years)",
                 f"{statistics.median(times):.2f} s", "≤ 1.5 s"))
    with db.transaction() as session:
        exported = write_document(export_records(session, sorted(mrns)[:1000]))
    db.close()
    findings = sum(len(v.get("findings", [])) for p in exported["patients"] for v in p.get("visits", []))
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        for _ in range(3):
            target_url = new_target()
            open_database(target_url).close()  # created and migrated, as a clinic's database would be
            # The whole `assess import FILE` path in this process: read, parse, check, write, commit.
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                code = cli.main(["--db", target_url, "import", str(path)])
            rates.append(findings / (time.perf_counter() - start))
            assert code == 0
    rows.append((label, f"assess import of 1,000 patients ({findings:,} findings, median of 3)",
                 f"{statistics.median(rates):,.0f} findings/s", "≥ 50,000 findings/s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="also measure on a PostgreSQL server")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        files = itertools.count()
        rows += measure(f"sqlite:///{folder}/bench.db", "SQLite", args.patients,
                        lambda: f"sqlite:///{folder}/import-{next(files)}.db")
    if args.postgres:
        from pg_cluster import PostgresServer, postgres_bindir

        bindir = postgres_bindir()
        if bindir is None:
            sys.exit("PostgreSQL server binaries not found")
        server = PostgresServer(bindir)
        server.start()
        try:
            rows += measure(server.url(server.create_database()), "PostgreSQL", args.patients,
                            lambda: server.url(server.create_database()))
        finally:
            server.stop()
    widths = [max(len(r[i]) for r in [("database", "what", "measured", "goal"), *rows]) for i in range(4)]
    for row in [("database", "what", "measured", "goal"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
