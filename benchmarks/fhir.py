"""Benchmark of the FHIR R4 export (issue 20's goal: 1,000 patients in under 10 s); prints a table.

Run: uv run python benchmarks/fhir.py [--patients 1000]. Builds the demo database with the real `assess demo`
command, then times the whole `assess export --format fhir-r4` command (a new process, as a clinic runs it),
the assess-record/1 export of the same patients for comparison, and `assess import --format fhir-r4` of the
Bundle into an empty database.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _seconds(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assess", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _in_process(url: str, out: Path) -> tuple[float, float]:
    from assess.interchange.fhir.write import Sender, bundle_chunks
    from assess.services.interchange import export_records, export_stamp
    from assess.storage.bulk import collector_paused
    from assess.storage.db import open_database
    from assess.storage.files import write_chunks_atomically

    db = open_database(url)
    with collector_paused():
        start = time.perf_counter()
        with db.transaction() as session:
            records = export_records(session)
        loaded = time.perf_counter()
        write_chunks_atomically(out, bundle_chunks(records, Sender("Benchmark clinic"), export_stamp()))
        written = time.perf_counter()
    db.close()
    return loaded - start, written - loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        _seconds("--db", url, "demo", "--patients", str(args.patients))
        bundle = Path(folder) / "bundle.json"
        fhir = [_seconds("--db", url, "export", "--format", "fhir-r4", "--out", str(bundle))
                for _ in range(args.repeats)]
        record = [_seconds("--db", url, "export", "--out", f"{folder}/record.json") for _ in range(args.repeats)]
        size = bundle.stat().st_size / 1e6
        rows.append((f"assess export --format fhir-r4, {args.patients:,} patients ({size:.0f} MB), whole command",
                     f"{statistics.median(fhir):.1f} s ({min(fhir):.1f}–{max(fhir):.1f})", "< 10 s"))
        rows.append(("assess export (assess-record/1) of the same patients, for comparison",
                     f"{statistics.median(record):.1f} s ({min(record):.1f}–{max(record):.1f})", ""))
        split = _in_process(url, Path(folder) / "split.json")
        rows.append(("  in one process: reading the records from the database, then building and writing the "
                     "Bundle", f"{split[0]:.1f} s + {split[1]:.1f} s", ""))
        imported = [_seconds("--db", f"sqlite:///{folder}/import-{i}.db", "import", "--format", "fhir-r4",
                             str(bundle)) for i in range(args.repeats)]
        rows.append(("assess import --format fhir-r4 of that Bundle into an empty database",
                     f"{statistics.median(imported):.1f} s", ""))
    widths = [max(len(r[i]) for r in [("what", "measured", "goal"), *rows]) for i in range(3)]
    for row in [("what", "measured", "goal"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
