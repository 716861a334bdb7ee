"""Every save on SQLite lands or is refused, never lost: even after something in this process opened and
closed the database file (which drops the process's locks on it) and another program then ran on it.

Real processes throughout: `assess` commands as the other program and as the reader that checks what is
stored; the window's side is this process, with its live connections.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from samples import sample_document

from assess.record.domain import PatientDetails
from assess.record.errors import DatabaseError
from assess.services.patients import create_patient, find_patients
from assess.storage.db import Database, open_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks: Windows locks belong to a handle")


def _patient(mrn: str) -> PatientDetails:
    return PatientDetails(mrn, "Okafor", "Ada", dt.date(2015, 6, 1), "female", "cerebral_palsy")


def _add(db: Database, mrn: str) -> None:
    with db.transaction() as session:
        create_patient(session, _patient(mrn))


def _assess(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Another program on the same file: a whole `assess` process, which closes the file when it ends."""
    return subprocess.run([sys.executable, "-m", "assess", "--db", url, *args], capture_output=True, text=True,
                          timeout=120, check=False)


def _stored_mrns(url: str) -> list[str]:
    """What a third process reads from the file."""
    result = _assess(url, "patients", "--json")
    assert result.returncode == 0, result.stderr
    return sorted(p["mrn"] for p in json.loads(result.stdout))


def _touch(path: Path) -> None:
    """What Qt's file dialog did: open the file in this process, read its header, close it."""
    with path.open("rb") as file:
        file.read(16)


@pytest.fixture
def live(tmp_path: Path) -> tuple[Database, Path, str]:
    path = tmp_path / "clinic.db"
    url = f"sqlite:///{path}"
    db = open_database(url)
    _add(db, "A-1")
    yield db, path, url
    db.close()


def test_without_the_guard_such_a_save_is_lost(tmp_path: Path) -> None:
    """The fault itself, on a bare SQLite connection: the save is 'done' and no other process ever sees it."""
    import sqlite3

    path = tmp_path / "bare.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    _touch(path)
    other = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT * FROM t').fetchall(); c.close()"
    subprocess.run([sys.executable, "-c", other, str(path)], check=True)
    assert not Path(f"{path}-wal").exists()  # the other process took itself for the last user: WAL deleted
    connection.execute("INSERT INTO t VALUES (2)")  # no error: it went into the deleted WAL
    assert connection.execute("SELECT x FROM t").fetchall() == [(1,), (2,)]
    reader = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT x FROM t').fetchall())"
    seen = subprocess.run([sys.executable, "-c", reader, str(path)], capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == "[(1,)]"  # lost
    # (not closed: closing it would checkpoint the deleted WAL's pages into the file)


def test_a_save_after_the_locks_were_dropped_and_another_program_ran_lands(live: tuple[Database, Path, str]) -> None:
    db, path, url = live
    _touch(path)
    assert _stored_mrns(url) == ["A-1"]  # the other program ran and closed
    _add(db, "A-2")
    assert _stored_mrns(url) == ["A-1", "A-2"]
    _add(db, "A-3")
    assert _stored_mrns(url) == ["A-1", "A-2", "A-3"]
    with db.transaction() as session:  # and this process reads what the others wrote
        assert [p.mrn for p in find_patients(session, "", limit=None)] == ["A-1", "A-2", "A-3"]


def test_any_transaction_takes_the_lock_back_so_the_journal_stays(live: tuple[Database, Path, str]) -> None:
    db, path, url = live
    _touch(path)
    with db.transaction() as session:  # a read: the window refreshing its list
        find_patients(session, "", limit=None)
    assert _stored_mrns(url) == ["A-1"]
    assert Path(f"{path}-wal").exists()  # the other program could not take the file for its own at the end


def test_after_an_import_by_another_program_reads_are_not_malformed(live: tuple[Database, Path, str],
                                                                   tmp_path: Path) -> None:
    """The issue's second symptom: with an import as the other program, every read failed as 'malformed'."""
    db, path, url = live
    source = tmp_path / "in.json"
    source.write_text(json.dumps(sample_document()), encoding="utf-8")
    _touch(path)
    result = _assess(url, "import", str(source))
    assert result.returncode == 0, result.stderr
    with db.transaction() as session:
        assert sorted(p.mrn for p in find_patients(session, "", limit=None)) == ["A-1", "ITB-7", "LB-100234"]
    _add(db, "A-2")
    assert _stored_mrns(url) == ["A-1", "A-2", "ITB-7", "LB-100234"]


def test_a_journal_deleted_while_the_save_is_written_is_refused_not_reported_saved(
        live: tuple[Database, Path, str]) -> None:
    db, path, url = live
    def save_while_the_journal_goes() -> None:
        with db.transaction() as session:
            create_patient(session, _patient("A-2"))
            _touch(path)  # the locks go in the middle of the save...
            assert _stored_mrns(url) == ["A-1"]  # ...and the other program deletes the journal before the commit

    with pytest.raises(DatabaseError, match=r"could not be confirmed as saved.*save again"):
        save_while_the_journal_goes()
    assert _stored_mrns(url) == ["A-1"]  # not stored: and the user was told so
    _add(db, "A-2")  # saving again lands
    assert _stored_mrns(url) == ["A-1", "A-2"]


def test_the_file_replaced_by_a_restore_is_reopened(live: tuple[Database, Path, str], tmp_path: Path) -> None:
    """A restore of a damaged file renames the checked copy into place: this process then uses the new file."""
    db, path, url = live
    copy = tmp_path / "copy.db"
    assert _assess(url, "db", "backup", "--out", str(copy)).returncode == 0
    _add(db, "A-2")
    # What restore_sqlite does when the current file is damaged: it and its journal moved aside, the copy in.
    for suffix in ("", "-wal", "-shm"):
        os.replace(f"{path}{suffix}", tmp_path / f"kept{suffix}")
    os.replace(copy, path)
    with db.transaction() as session:
        assert [p.mrn for p in find_patients(session, "", limit=None)] == ["A-1"]
    _add(db, "A-3")
    assert _stored_mrns(url) == ["A-1", "A-3"]


def test_a_malformed_read_reopens_instead_of_failing_forever(live: tuple[Database, Path, str]) -> None:
    """A page that reads as damaged once (a torn write by another program, put right since) fails that read
    with a plain sentence; the next read reopens the file and works."""
    db, path, _url = live
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the table's pages are in the file
        page = connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'patient'").scalar_one()
    db.engine.pool.dispose()  # no page in any connection's cache
    with path.open("r+b") as file:
        file.seek(4096 * (page - 1))
        original = file.read(4096)
        file.seek(4096 * (page - 1))
        file.write(b"\xa5" * 4096)
    with pytest.raises(DatabaseError, match=r"could not be read.*malformed.*reopened it"), \
            db.transaction() as session:
        find_patients(session, "", limit=None)
    with path.open("r+b") as file:
        file.seek(4096 * (page - 1))
        file.write(original)
    _add(db, "A-2")
    with db.transaction() as session:
        assert [p.mrn for p in find_patients(session, "", limit=None)] == ["A-1", "A-2"]


def test_two_windows_in_one_process_and_a_command_keep_every_save(tmp_path: Path) -> None:
    """Several engines of one process share the file's guard; closing one leaves the other's locks alone."""
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    first, second = open_database(url), open_database(url)
    try:
        _add(first, "A-1")
        _add(second, "A-2")
        first.close()
        assert _stored_mrns(url) == ["A-1", "A-2"]
        assert Path(f"{tmp_path / 'clinic.db'}-wal").exists()  # the second still holds the file
        _add(second, "A-3")
        assert _stored_mrns(url) == ["A-1", "A-2", "A-3"]
    finally:
        second.close()
