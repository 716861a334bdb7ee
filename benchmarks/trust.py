"""What the trust features cost: audited reads, seals, verify, login, the upgrade that seals as found.

Run: uv run python benchmarks/trust.py [--from FILE.db] [--patients N] [--postgres]

--from copies an existing SQLite database (an older schema is upgraded through the clinician's path, and the
upgrade timed); otherwise `assess demo --patients N` builds one. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from assess.interchange.write import write_document
from assess.services import audit
from assess.services.access import has_users
from assess.services.history import patient_history
from assess.services.integrity import check_database
from assess.services.interchange import export_records
from assess.services.patients import find_patients
from assess.services.reads import open_patient, recorded_export
from assess.services.seals import visit_entry
from assess.services.upkeep import bring_up_to_date, open_unmigrated
from assess.services.users import add_user, log_in
from assess.storage.db import current_revision, open_database
from assess.storage.files import write_atomically

Row = tuple[str, str, str]
PASSWORD = "benchmark password"


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(url: str, label: str) -> list[Row]:
    rows: list[Row] = []
    db = open_unmigrated(url)
    revision = current_revision(db.engine)
    start = time.perf_counter()
    bring_up_to_date(db)
    if revision != current_revision(db.engine):
        rows.append((label, f"upgrade from {revision}, sealing every signed record as found",
                     f"{time.perf_counter() - start:.1f} s"))
    with db.transaction() as session:
        mrns = [p.mrn for p in find_patients(session, "", limit=None)]
        first_user = not has_users(session)
        if first_user:
            add_user(session, "bench", "clinician", PASSWORD)
    if first_user:
        from assess.services.users import _HASHER

        hashed = _HASHER.hash(PASSWORD)
        argon2 = _median_ms(lambda: _HASHER.verify(hashed, PASSWORD), 5)
        login = _median_ms(lambda: log_in(db, "bench", PASSWORD), 5)
        rows.append((label, "one login: the argon2id check alone", f"{argon2:.0f} ms"))
        rows.append((label, "one login, whole (row locked, counts, token, the user's seal, its event, commit)",
                     f"{login:.0f} ms (+{login - argon2:.0f} ms)"))
    sample = random.Random(7).sample(mrns, min(200, len(mrns)))

    def read_only(mrn: str) -> None:
        with db.transaction() as session:
            patient_history(session, mrn)

    def audited(mrn: str) -> None:
        with db.transaction() as session:
            open_patient(session, mrn)

    def view_event_only(mrn: str) -> None:
        with db.transaction() as session:
            audit.record(session, audit.Change("view", "patient", mrn, mrn, after={"via": "benchmark"}))

    for what, action in (("open a patient, unaudited (the record read, as before)", read_only),
                         ("the view event alone (append and commit)", view_event_only),
                         ("open a patient audited: view event, record, seals of the patient and users", audited)):
        times = []
        for mrn in sample:
            start = time.perf_counter()
            action(mrn)
            times.append((time.perf_counter() - start) * 1000)
        rows.append((label, f"{what} (median of {len(sample)})", f"{statistics.median(times):.1f} ms"))

    thousand = sorted(mrns)[:1000]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.json"

        def export(recorded: bool) -> None:
            with db.transaction() as session:
                records = export_records(session, thousand)
            data = json.dumps(write_document(records), ensure_ascii=False).encode()
            if recorded:
                with recorded_export(db, thousand, out):
                    write_atomically(out, data)
            else:
                write_atomically(out, data)

        def events_only() -> None:
            with recorded_export(db, thousand, out):
                pass

        whole = _median_ms(lambda: export(True), 3)
        events = _median_ms(events_only, 5)
    rows.append((label, f"export {len(thousand):,} patients, the whole export with its events (median of 3)",
                 f"{whole / 1000:.2f} s"))
    rows.append((label, f"... of which the {len(thousand):,} export events (append and commit, median of 5)",
                 f"{events:.0f} ms"))
    with db.transaction() as session:
        records = export_records(session, thousand)
    signed = [(r.mrn, v) for r in records for v in r.visits if v.status == "signed"]
    start = time.perf_counter()
    for mrn, visit in signed:
        visit_entry(mrn, visit, None, content=False)
    rows.append((label, f"seals of the signed visits of {len(thousand):,} patients ({len(signed):,} visits: the "
                 "import's extra work)", f"{time.perf_counter() - start:.2f} s"))
    start = time.perf_counter()
    with db.transaction() as session:
        chain, checked = check_database(session)
    rows.append((label, f"assess audit verify: {chain.events:,} events, {checked.visits:,} signed visits, "
                 f"{checked.toxin_sessions:,} toxin sessions", f"{time.perf_counter() - start:.1f} s"))
    db.close()
    return rows


def _downgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from assess.storage.db import make_engine

    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--from", dest="source", type=Path, help="a SQLite database to copy and measure")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="also measure on a PostgreSQL server")
    parser.add_argument("--older", metavar="REVISION", help="take the SQLite database back to this schema revision "
                        "first, to time the upgrade that seals what was signed (e.g. 0003_trust)")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        if args.source:
            shutil.copyfile(args.source, path)
        else:
            subprocess.run([sys.executable, "-m", "assess", "--db", f"sqlite:///{path}", "demo", "--patients",
                            str(args.patients)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.older:
            _downgrade(f"sqlite:///{path}", args.older)
        rows += measure(f"sqlite:///{path}", "SQLite")
    if args.postgres:
        from pg_cluster import PostgresServer, postgres_bindir

        bindir = postgres_bindir()
        if bindir is None:
            sys.exit("PostgreSQL server binaries not found")
        server = PostgresServer(bindir)
        server.start()
        try:
            url = server.url(server.create_database())
            open_database(url).close()
            subprocess.run([sys.executable, "-m", "assess", "--db", url, "demo", "--patients", str(args.patients)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rows += measure(url, "PostgreSQL")
        finally:
            server.stop()
    header = ("database", "what", "measured")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    print(f"{dt.date.today()}")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
