"""A throwaway PostgreSQL cluster on loopback, for the tests and the benchmarks."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def postgres_bindir() -> Path | None:
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A throwaway cluster on loopback; as root, the server runs as the 'postgres' user (initdb refuses root).

    With `folder` the cluster is kept there between runs (the benchmarks' cached clinics): created on the first
    start, started again as it is later, shut down cleanly and left in place by stop()."""

    def __init__(self, bindir: Path, folder: Path | None = None) -> None:
        self.bindir = bindir
        self.kept = folder is not None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.dir = folder if folder is not None else Path(tempfile.mkdtemp(prefix="assess-pg-"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._numbers = itertools.count(1)

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.dir, "postgres")
        data = str(self.dir / "data")
        if not (self.dir / "data" / "PG_VERSION").exists():
            self._run("initdb", "-D", data, "-U", "app", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        self._run("pg_ctl", "-D", data, "-w", "-l", str(self.dir / "log"), "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off", "start")

    def stop(self) -> None:
        if self.kept:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
            return
        try:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://app@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        import psycopg

        name = f"test_{next(self._numbers)}"
        with psycopg.connect(f"postgresql://app@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name
