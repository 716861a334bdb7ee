"""Demo clinics for the benchmarks, built once per schema revision with `assess demo` and kept (--cache DIR).

A SQLite clinic is DIR/sqlite-N.REVISION.db; a PostgreSQL clinic is the database demo_N_REVISION of a server
whose data directory is DIR/pg. Beside each, DIR/KIND-N.REVISION.json says when and how fast it was built. A
clinic kept at an older revision is copied and upgraded (assess's own migration) rather than built again.
Every run measures a copy (a file copy; CREATE DATABASE ... TEMPLATE), so the kept clinics never change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.storage.db import SCHEMA_REVISION, open_database


def timed_command(*args: str) -> tuple[float, float]:
    """Run `python -m assess ARGS`; its wall and CPU seconds (its own and its worker processes')."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assess", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                           cwd=Path(__file__).parent)
    return found.stdout.strip() or "?"


@dataclass
class Clinic:
    """A demo clinic of one kind and size, and a copy of it to measure."""

    kind: str  # "sqlite" or "postgresql"
    patients: int
    built: dict[str, Any]  # the build's record: date, seconds, cpu_seconds, load, commit, how
    url: str  # the copy's URL


class Clinics:
    """Kept clinics (under `cache`, or a temporary folder kept for this run only) and their copies."""

    def __init__(self, cache: Path | None, postgres: bool) -> None:
        self._temporary = None if cache else tempfile.TemporaryDirectory(prefix="assess-bench-")
        self.folder = cache or Path(self._temporary.name)  # type: ignore[union-attr]
        self.folder.mkdir(parents=True, exist_ok=True)
        self.server: Any = None
        if postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
            from pg_cluster import PostgresServer, postgres_bindir

            bindir = postgres_bindir()
            if bindir is None:
                sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
            self.server = PostgresServer(bindir, self.folder / "pg" if cache else None)
            self.server.start()
        self._copies: list[tuple[str, str]] = []

    def close(self) -> None:
        for kind, where in self._copies:
            if kind == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(where + suffix).unlink(missing_ok=True)
            else:
                self._admin(f"DROP DATABASE IF EXISTS {where}")
        if self.server is not None:
            self.server.stop()
        if self._temporary is not None:
            self._temporary.cleanup()

    # --- PostgreSQL administration --------------------------------------------------------------
    def _admin(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"postgresql://app@127.0.0.1:{self.server.port}/postgres", autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def _pg_url(self, name: str) -> str:
        return str(self.server.url(name))

    def _pg_names(self) -> set[str]:
        return {row[0] for row in self._admin("SELECT datname FROM pg_database")}

    # --- kept clinics ---------------------------------------------------------------------------
    def _info_path(self, kind: str, patients: int, revision: str = SCHEMA_REVISION) -> Path:
        return self.folder / f"{kind}-{patients}.{revision}.json"

    def _kept(self, kind: str, patients: int, revision: str) -> str | None:
        """Where the clinic at `revision` is kept, if it is."""
        if not self._info_path(kind, patients, revision).exists():
            return None
        if kind == "sqlite":
            path = self.folder / f"sqlite-{patients}.{revision}.db"
            return str(path) if path.exists() else None
        name = f"demo_{patients}_{revision}".lower()
        return name if name in self._pg_names() else None

    def _older(self, kind: str, patients: int) -> str | None:
        """The revision of a clinic of this size kept at an older schema (the newest such), if any."""
        found = []
        for info in self.folder.glob(f"{kind}-{patients}.*.json"):
            revision = info.name[len(f"{kind}-{patients}."):-len(".json")]
            if revision != SCHEMA_REVISION and self._kept(kind, patients, revision):
                found.append((info.stat().st_mtime, revision))
        return max(found)[1] if found else None

    def clinic(self, kind: str, patients: int) -> Clinic:
        """The kept clinic (built or upgraded first when needed) and a fresh copy of it to measure."""
        where = self._kept(kind, patients, SCHEMA_REVISION)
        if where is None:
            older = self._older(kind, patients)
            where = self._upgrade(kind, patients, older) if older else self._build(kind, patients)
        built = json.loads(self._info_path(kind, patients).read_text())
        if kind == "sqlite":
            copy = str(self.folder / f".copy-sqlite-{patients}-{os.getpid()}.db")
            shutil.copyfile(where, copy)
            self._copies.append((kind, copy))
            return Clinic(kind, patients, built, f"sqlite:///{copy}")
        copy_name = f"copy_{patients}_{os.getpid()}"
        self._admin(f"CREATE DATABASE {copy_name} TEMPLATE {where}")
        self._copies.append((kind, copy_name))
        return Clinic(kind, patients, built, self._pg_url(copy_name))

    def empty(self, kind: str) -> str:
        """A new, migrated, empty database of the kind (what a command costs without a clinic's records)."""
        if kind == "sqlite":
            path = str(self.folder / f".empty-{os.getpid()}.db")
            self._copies.append((kind, path))
            url = f"sqlite:///{path}"
        else:
            name = f"empty_{os.getpid()}"
            self._admin(f"CREATE DATABASE {name}")
            self._copies.append((kind, name))
            url = self._pg_url(name)
        open_database(url).close()
        return url

    def _build(self, kind: str, patients: int) -> str:
        """`assess demo --patients N` into a new database, timed; kept under its final name only when done."""
        print(f"building the {kind} clinic of {patients:,} patients with assess demo (kept for later runs)...",
              file=sys.stderr, flush=True)
        load = os.getloadavg()[0]
        if kind == "sqlite":
            building = self.folder / f".building-sqlite-{patients}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{building}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{building}"
        else:
            building_name = f"building_{patients}"
            self._admin(f"DROP DATABASE IF EXISTS {building_name}")
            self._admin(f"CREATE DATABASE {building_name}")
            url = self._pg_url(building_name)
        open_database(url).close()  # a database named with --db must exist: started empty, as `db upgrade` does
        seconds, cpu = timed_command("--db", url, "demo", "--patients", str(patients))
        info = {"patients": patients, "schema": SCHEMA_REVISION, "built_on": dt.date.today().isoformat(),
                "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "load": round(load, 1),
                "load_after": round(os.getloadavg()[0], 1), "commit": _commit(), "cores": os.cpu_count(),
                "how": "built with assess demo"}
        return self._keep(kind, patients, url, info)

    def _upgrade(self, kind: str, patients: int, older: str) -> str:
        """A copy of the clinic kept at an older revision, upgraded by assess's migration (its build's figures
        are those of the older build; the upgrade's own time is added to the record)."""
        source = self._kept(kind, patients, older)
        assert source is not None
        info = json.loads(self._info_path(kind, patients, older).read_text())
        if kind == "sqlite":
            building = self.folder / f".building-sqlite-{patients}.db"
            shutil.copyfile(source, building)
            url = f"sqlite:///{building}"
        else:
            building_name = f"building_{patients}"
            self._admin(f"DROP DATABASE IF EXISTS {building_name}")
            self._admin(f"CREATE DATABASE {building_name} TEMPLATE {source}")
            url = self._pg_url(building_name)
        print(f"upgrading the {kind} clinic of {patients:,} patients from {older} to {SCHEMA_REVISION}...",
              file=sys.stderr, flush=True)
        seconds, _ = timed_command("--db", url, "db", "upgrade")
        for backup in self.folder.glob(f".building-sqlite-{patients}.db.before-*.bak"):
            backup.unlink()  # the upgrade's own safety copy: the older clinic is kept anyway
        info.update(how=f"{info['how']}, then upgraded from {older} in {seconds:.0f} s", schema=SCHEMA_REVISION)
        return self._keep(kind, patients, url, info)

    def _keep(self, kind: str, patients: int, url: str, info: dict[str, Any]) -> str:
        if kind == "sqlite":
            building = Path(url.removeprefix("sqlite:///"))
            with contextlib.closing(__import__("sqlite3").connect(building)) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file to copy
            final = self.folder / f"sqlite-{patients}.{SCHEMA_REVISION}.db"
            os.replace(building, final)
            where = str(final)
        else:
            where = f"demo_{patients}_{SCHEMA_REVISION}".lower()
            self._admin(f"DROP DATABASE IF EXISTS {where}")
            self._admin(f"ALTER DATABASE {url.rsplit('/', 1)[1]} RENAME TO {where}")
        self._info_path(kind, patients).write_text(json.dumps(info, indent=1))
        return where


@contextlib.contextmanager
def clinics(cache: Path | None, postgres: bool) -> Iterator[Clinics]:
    kept = Clinics(cache, postgres)
    try:
        yield kept
    finally:
        kept.close()


def add_dense_patient(url: str) -> str:
    """BENCH-60, ten years of care: 60 visits of 20 findings and a toxin session after each (the report's and
    the window's longest history). Returns the MRN."""
    from assess.interchange.read import read_document
    from assess.interchange.write import write_document
    from assess.record.domain import Finding, Injection, PatientRecord, ToxinSession, Visit
    from assess.services.interchange import import_records

    groups = ("hip_flexors", "hip_adductors", "knee_flexors", "knee_extensors", "plantarflexors_knee_extended",
              "plantarflexors_knee_flexed", "ankle_invertors", "toe_flexors", "great_toe_extensor", "elbow_flexors")
    start = dt.date(2015, 1, 5)
    visits, toxins = [], []
    for n in range(60):
        day = start + dt.timedelta(days=61 * n)
        visits.append(Visit(day, "follow_up", "Dr K. Osei", weight_kg=20 + n * 0.5, findings=tuple(
            Finding(g, side, mas=("1", "1+", "2", "3")[(n + i) % 4], tardieu_r1=-10.0 + n % 7)
            for i, g in enumerate(groups) for side in ("left", "right"))))
        toxins.append(ToxinSession(day + dt.timedelta(days=3), "onabotulinumtoxinA",
                                   (Injection("soleus", "left", 40.0, 2), Injection("soleus", "right", 40.0, 2))))
    record = PatientRecord("BENCH-60", "Dense", "History", dt.date(2010, 1, 1), "female", "cerebral_palsy",
                           visits=tuple(visits), treatments=tuple(toxins))
    db = open_database(url, check_file=False)
    try:
        with db.transaction() as session:
            import_records(session, read_document(write_document([record])))
    finally:
        db.close()
    return record.mrn
