"""What guards a SQLite file without reading it whole before each command: SQLite's own checks of every page a
command reads (named as damage, never a traceback), the whole-file check at the window's start, before backups,
upgrades and restores, and on demand ('assess db check')."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from samples import sample_document

from assess.cli.main import main
from assess.interchange.read import read_document
from assess.services.demo import add_demo_patients
from assess.services.interchange import import_records
from assess.storage.db import open_database


def _filled(path: Path) -> None:
    db = open_database(f"sqlite:///{path}")
    with db.transaction() as session:
        import_records(session, read_document(sample_document()))
        add_demo_patients(session, 20)
    db.close()


def _pages_of(path: Path, table: str) -> list[int]:
    """The pages holding a table's rows (its b-tree), read through SQLite's dbstat view."""
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))]


def _damage_pages(path: Path, pages: list[int]) -> None:
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as file:
        for page in pages:
            file.seek(size * (page - 1))
            file.write(b"\xa5" * size)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "assess.db"
    _filled(path)
    return path


def test_a_command_that_reads_a_damaged_page_says_the_file_is_damaged(path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _damage_pages(path, _pages_of(path, "patient"))
    before = path.read_bytes()
    assert main(["--db", f"sqlite:///{path}", "patients"]) == 1
    error = capsys.readouterr().err
    # Damaged, or read through connections another program made stale (the window's case): trying again tells.
    assert error.startswith(f"assess: the database file {path} could not be read (database disk image is "
                            "malformed): nothing was saved")
    assert "If this happens again, the file is damaged" in error
    assert "'assess db restore FILE'" in error and "Traceback" not in error
    assert path.read_bytes() == before


def test_a_save_onto_a_damaged_page_saves_nothing_and_says_so(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _damage_pages(path, _pages_of(path, "visit"))
    assert main(["--db", f"sqlite:///{path}", "demo", "--patients", "25"]) == 1
    error = capsys.readouterr().err
    assert f"the database file {path} could not be read" in error and "nothing was saved" in error
    with sqlite3.connect(path) as connection:
        # The sample's two patients and the twenty of the first demo, none of the second.
        assert connection.execute("SELECT count(*) FROM patient").fetchone()[0] == 2 + 20


def test_a_truncated_copy_is_refused_by_every_command(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copy taken while it was written, or cut short on a full disk: SQLite compares the header's page count
    with the file's length when it opens each transaction."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size - size // 3)
    assert main(["--db", f"sqlite:///{path}", "patients"]) == 1
    error = capsys.readouterr().err
    assert f"the database file {path} is damaged" in error or f"the database file {path} could not be read" in error


def test_damage_elsewhere_is_found_by_db_check_not_by_every_command(path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{path}"
    assert main(["--db", url, "db", "check"]) == 0
    assert capsys.readouterr().out.startswith(f"{path} passed SQLite's quick_check (every page) in ")
    _damage_pages(path, _pages_of(path, "finding")[-2:])
    # The patient list reads no finding: it works, as the rest of the file is sound.
    assert main(["--db", url, "patients"]) == 0
    assert "DEMO-000001" in capsys.readouterr().out
    for check in (["db", "check"], ["db", "check", "--full"]):
        assert main(["--db", url, *check]) == 1
        error = capsys.readouterr().err
        assert error.startswith(f"assess: the database file {path} is damaged (SQLite's check: "), check
        assert "nothing was changed" in error


def test_a_backup_of_a_damaged_file_is_refused(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _damage_pages(path, _pages_of(path, "finding")[-2:])
    assert main(["--db", f"sqlite:///{path}", "db", "backup", "--out", str(tmp_path / "copy.db")]) == 1
    assert "is damaged" in capsys.readouterr().err
    assert not (tmp_path / "copy.db").exists()


def test_db_check_of_a_server_says_the_server_checks_its_own(capsys: pytest.CaptureFixture[str],
                                                              db_url: str) -> None:
    assert main(["--db", db_url, "db", "check"]) == 0
    out = capsys.readouterr().out
    expected = "passed SQLite's quick_check" if db_url.startswith("sqlite") else "keeps and checks its own"
    assert expected in out
