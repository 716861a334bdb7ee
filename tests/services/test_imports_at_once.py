"""Four real processes import the same file at the same moment: what is new is stored once, the others are told
it is already stored; on SQLite and on PostgreSQL.

Before, each read the database before any had written: a new orthosis was stored two to four times (after
which the database's own export no longer imported), and new patients failed with a raw UNIQUE error.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

from samples import sample_document

from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.services.demo import add_demo_patients
from assess.services.interchange import export_records, import_records
from assess.storage.db import open_database

PROCESSES = 4
SCRIPT = Path(__file__).with_name("import_at_once.py")
NEW_ORTHOSIS = {"kind": "orthosis", "orthosis": "splint", "start": "2025-07-01", "side": "left",
                "body_region": "wrist"}
NEW_NO_SIDE = {"kind": "orthosis", "orthosis": "brace", "start": "2025-07-02"}


def _import_at_once(url: str, document: Path, folder: Path) -> list[dict[str, object]]:
    go = folder / "go"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    processes = [subprocess.Popen([sys.executable, str(SCRIPT), url, str(document), str(go)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(PROCESSES)]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready", process.stderr.read() if process.stderr else ""
        go.touch()  # all four start importing within a millisecond or two
        results = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            results.append(json.loads(out))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    return results


def test_the_same_new_records_imported_at_once_are_stored_once(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    try:
        with db.transaction() as session:  # a clinic's database: enough stored that reading it takes a while
            import_records(session, read_document(sample_document()))
            add_demo_patients(session, 30)
            stored = write_document(export_records(session))
        document = copy.deepcopy(stored)
        document["patients"][0].setdefault("treatments", []).extend([NEW_ORTHOSIS, NEW_NO_SIDE])
        newcomer = copy.deepcopy(sample_document()["patients"][0])
        newcomer["mrn"] = "NEW-1"
        document["patients"].append(newcomer)
        path = tmp_path / "at-once.json"
        path.write_text(json.dumps(document), encoding="utf-8")

        results = _import_at_once(db_url, path, tmp_path)

        assert [r["err"] for r in results] == [""] * PROCESSES  # no raw UNIQUE error, no error at all
        assert [r["code"] for r in results] == [0] * PROCESSES
        added = [r for r in results if "added 1 new patient" in str(r["out"])]
        assert len(added) == 1, results
        assert "7 treatments" in str(added[0]["out"])  # the newcomer's 5 and the two orthoses
        others = [str(r["out"]) for r in results if r is not added[0]]
        assert all("added 0 new patients, 0 goals, 0 visits (0 findings), 0 treatments" in out for out in others)
        with db.transaction() as session:
            again = write_document(export_records(session))
        [first] = [p for p in again["patients"] if p["mrn"] == stored["patients"][0]["mrn"]]
        new = [t for t in first["treatments"] if t["kind"] == "orthosis" and t["start"] in ("2025-07-01", "2025-07-02")]
        assert len(new) == 2  # each stored once
        with db.transaction() as session:  # the database's own export imports: everything already stored
            report = import_records(session, read_document(again), dry_run=True)
        assert report.new_patients == 0 and report.total("treatments") == 0
    finally:
        db.close()
