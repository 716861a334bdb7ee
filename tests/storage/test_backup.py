"""Nothing lost: damaged files named at start, backups taken while in use, restores that check first and
never leave half of anything; on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from pg_cluster import PostgresServer
from samples import sample_document
from sqlalchemy import text

from assess.cli.main import main
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.errors import DatabaseError
from assess.services.demo import add_demo_patients
from assess.services.interchange import export_records, import_records
from assess.services.patients import find_patients
from assess.storage.backup import backup_database, check_postgres_backup, check_sqlite_backup, restore_database
from assess.storage.db import SCHEMA_REVISION, Database, open_database


def _exported(db: Database) -> object:
    with db.transaction() as session:
        return write_document(export_records(session))


def _filled(url: str, demo: int = 0) -> Database:
    db = open_database(url)
    with db.transaction() as session:
        import_records(session, read_document(sample_document()))
        if demo:
            add_demo_patients(session, demo)
    return db


def _damage(path: Path) -> None:
    """Overwrite three pages in the middle of the file, as a failing disk or a torn copy would."""
    pages = path.stat().st_size // 4096
    with path.open("r+b") as file:
        file.seek(4096 * (pages // 2))
        file.write(b"\xa5" * 4096 * 3)


# --- the SQLite file -------------------------------------------------------------------------------

def test_the_file_its_folder_and_its_journal_are_private_to_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "data" / "assess.db"
    db = _filled(f"sqlite:///{path}")
    try:
        with db.engine.connect() as connection:  # an open connection keeps the -wal and -shm files present
            connection.execute(text("SELECT count(*) FROM patient"))
            assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
            for name in ("assess.db", "assess.db-wal", "assess.db-shm"):
                assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600, name
    finally:
        db.close()


def test_a_damaged_file_is_named_at_start_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    _filled(f"sqlite:///{path}", demo=20).close()
    _damage(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match=r"the database file .*assess.db is damaged \(SQLite's check: .*\); "
                                            r"nothing was changed. Restore the latest backup with 'assess db "
                                            r"restore FILE'"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")) == []  # no upgrade was tried


def test_a_backup_taken_while_another_connection_writes_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    db = _filled(f"sqlite:///{path}")
    try:
        session = db.sessions()
        codes: list[int] = []
        with session.begin():  # a write in progress, not committed, while the backup is taken
            add_demo_patients(session, 3)
            # The copy is taken at once; its audit event waits for the write to commit (SQLite's one writer).
            backing_up = threading.Thread(target=lambda: codes.append(main(
                ["--db", f"sqlite:///{path}", "db", "backup", "--out", str(tmp_path / "copy.db")])))
            backing_up.start()
            deadline = time.monotonic() + 60
            while not (tmp_path / "copy.db").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        backing_up.join()
        assert codes == [0]
        session.close()
        assert check_sqlite_backup(tmp_path / "copy.db") == SCHEMA_REVISION
        assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file
        copy = open_database(f"sqlite:///{tmp_path / 'copy.db'}")
        with copy.transaction() as s:  # the committed patients, not those of the write still in progress
            assert sorted(p.mrn for p in find_patients(s)) == sorted(r.mrn for r in read_document(sample_document()))
        copy.close()
    finally:
        db.close()


def test_restore_replaces_the_records_and_keeps_the_replaced_database(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    url = f"sqlite:///{path}"
    db = _filled(url)
    saved = _exported(db)
    assert main(["--db", url, "db", "backup", "--out", str(tmp_path / "monday.db")]) == 0
    with db.transaction() as session:
        add_demo_patients(session, 2)  # Tuesday's work, to be undone by the restore
    tuesday = _exported(db)
    # The window on another workstation stays open through the restore: it then reads the restored records.
    assert main(["--db", url, "db", "restore", str(tmp_path / "monday.db")]) == 0
    assert _exported(db) == saved
    db.close()
    [kept] = tmp_path.glob("assess.db.before-restore-*.bak")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    kept_db = open_database(f"sqlite:///{kept}")
    assert _exported(kept_db) == tuesday
    kept_db.close()


def test_a_damaged_database_is_restored_and_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    url = f"sqlite:///{path}"
    db = _filled(url, demo=20)
    saved = _exported(db)
    assert main(["--db", url, "db", "backup", "--out", str(tmp_path / "good.db")]) == 0
    db.close()
    _damage(path)
    damaged = path.read_bytes()
    restored = restore_database(url, tmp_path / "good.db")
    assert restored.revision == SCHEMA_REVISION and restored.kept is not None
    assert restored.kept.read_bytes() == damaged
    db = open_database(url)
    assert _exported(db) == saved
    db.close()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_text("a shopping list\n" * 500), "is not a readable SQLite database"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(), "not an assess database"),
    (lambda p: None, "no such file"),
])
def test_a_backup_that_is_not_fit_is_refused_and_nothing_is_touched(tmp_path: Path, make: object,
                                                                    message: str) -> None:
    path = tmp_path / "assess.db"
    url = f"sqlite:///{path}"
    _filled(url).close()
    make(tmp_path / "backup.db")  # type: ignore[operator]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(DatabaseError, match=message):
        restore_database(url, tmp_path / "backup.db")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no file changed, none added


def test_damaged_and_future_backups_are_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assess.db'}"
    _filled(url).close()
    for name in ("damaged.db", "future.db"):
        _filled(f"sqlite:///{tmp_path / name}", demo=20).close()
    _damage(tmp_path / "damaged.db")
    with sqlite3.connect(tmp_path / "future.db") as future:
        future.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    with pytest.raises(DatabaseError, match=r"damaged.db is damaged .* it cannot be restored"):
        restore_database(url, tmp_path / "damaged.db")
    with pytest.raises(DatabaseError, match=r"at schema revision 0099_from_the_future, unknown to this version"):
        restore_database(url, tmp_path / "future.db")
    assert main(["--db", url, "db", "restore", str(tmp_path / "future.db")]) == 1


# --- PostgreSQL ------------------------------------------------------------------------------------

@pytest.fixture
def pg_url(postgres_server: PostgresServer, postgres_template: str) -> str:
    return postgres_server.url(postgres_server.create_database(template=postgres_template))


def test_postgres_backup_and_restore_for_real(pg_url: str, tmp_path: Path) -> None:
    db = open_database(pg_url)
    with db.transaction() as session:
        import_records(session, read_document(sample_document()))
    saved = _exported(db)
    archive = tmp_path / "monday.dump"
    assert main(["--db", pg_url, "db", "backup", "--out", str(archive)]) == 0
    assert check_postgres_backup(archive) == SCHEMA_REVISION
    with db.transaction() as session:
        add_demo_patients(session, 2)
    tuesday = _exported(db)
    db.close()  # pg_restore's DROP TABLE waits for open sessions' locks: the clinic closes assess first

    assert main(["--db", pg_url, "db", "restore", str(archive)]) == 0
    db = open_database(pg_url)
    assert _exported(db) == saved
    with db.transaction() as session:  # new records get fresh ids after the restore (sequences restored too)
        add_demo_patients(session, 1)
    db.close()
    [kept] = tmp_path.glob("*.before-restore-*.dump")
    assert check_postgres_backup(kept) == SCHEMA_REVISION
    assert tuesday != saved


def test_postgres_restore_refuses_what_is_not_an_assess_archive(pg_url: str, tmp_path: Path) -> None:
    db = _filled(pg_url)
    saved = _exported(db)
    db.close()
    sqlite_file = tmp_path / "assess.db"
    _filled(f"sqlite:///{sqlite_file}").close()
    with pytest.raises(DatabaseError, match=r"reading .*assess.db as a pg_dump archive failed"):
        restore_database(pg_url, sqlite_file)
    db = open_database(pg_url)
    assert _exported(db) == saved
    db.close()
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_backup_without_pg_dump_says_what_to_install(pg_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no PostgreSQL tools anywhere this process can see
    monkeypatch.setattr("glob.glob", lambda pattern: [])
    with pytest.raises(DatabaseError, match="pg_dump is not installed on this computer"):
        backup_database(pg_url, tmp_path / "x.dump")
    (tmp_path / "old.dump").write_bytes(b"PGDMP")
    with pytest.raises(DatabaseError, match="pg_restore is not installed on this computer"):
        restore_database(pg_url, tmp_path / "old.dump")
    assert sorted(os.listdir(tmp_path)) == ["bin", "old.dump"]


def test_the_window_says_the_file_is_damaged(qtbot: object, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from assess.ui.app import run_window

    path = tmp_path / "assess.db"
    _filled(f"sqlite:///{path}", demo=20).close()
    _damage(path)
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    assert run_window(f"sqlite:///{path}") == 1
    assert len(shown) == 1 and "is damaged" in shown[0] and "assess db restore" in shown[0]


def test_a_database_upgraded_by_a_newer_assess_is_refused_untouched(tmp_path: Path) -> None:
    """A workstation still on the older version, after another one upgraded the shared database."""
    path = tmp_path / "assess.db"
    _filled(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match=r"schema revision 0099_from_the_future, made by a newer version of "
                                            r"assess .* install the newer version on this computer"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before and not list(tmp_path.glob("*.bak"))
