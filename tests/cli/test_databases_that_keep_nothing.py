"""Setups that would silently keep nothing are refused in one line: an in-memory SQLite database, a database
file named on the command line that is missing or empty, and the database's own files given as a document,
a report or a backup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from samples import sample_document

from assess.cli.main import main
from assess.storage.db import default_database_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(sample_document()), encoding="utf-8")
    return path


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite:///file.db?mode=memory"])
def test_an_in_memory_database_is_refused_before_anything_is_imported(
        capsys: pytest.CaptureFixture[str], document: Path, url: str) -> None:
    code, out, err = _run(capsys, "--db", url, "import", str(document))
    assert (code, out) == (1, "")
    assert err == (f"assess: {url!r} is an in-memory database: everything written to it is lost when assess ends; "
                   "name a file instead, e.g. sqlite:///path/to/assess.db\n")


def test_an_in_memory_restore_target_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "--db", "sqlite://", "db", "restore", str(tmp_path / "backup.db"))
    assert code == 1 and "in-memory database" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", [["import", "IN"], ["patients"], ["show", "LB-100234"], ["export", "--out", "-"],
                                     ["demo", "--patients", "1"], ["db", "backup", "--out", "OUT"]])
def test_a_missing_file_named_with_db_is_reported_and_not_created(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, document: Path, command: list[str]) -> None:
    path = tmp_path / "clinc.db"  # a typing slip for clinic.db
    args = [str(document) if a == "IN" else str(tmp_path / "copy.db") if a == "OUT" else a for a in command]
    code, out, err = _run(capsys, "--db", f"sqlite:///{path}", *args)
    assert (code, out) == (1, "")
    assert err == (f"assess: the database file {path} does not exist (nothing was created); to start a new "
                   f"database there, run: assess --db sqlite:///{path} db upgrade\n")
    assert not path.exists() and not (tmp_path / "copy.db").exists()


def test_an_empty_file_named_with_db_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 document: Path) -> None:
    path = tmp_path / "clinic.db"
    path.touch()
    code, _, err = _run(capsys, "--db", f"sqlite:///{path}", "import", str(document))
    assert code == 1 and f"the database file {path} is empty (0 bytes), not an assess database" in err
    assert path.stat().st_size == 0


def test_the_environment_variable_names_a_database_as_explicitly(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'gone.db'}")
    code, _, err = _run(capsys, "patients")
    assert code == 1 and "does not exist (nothing was created)" in err


def test_db_upgrade_starts_the_named_database_and_then_it_is_used(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, document: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'clinic.db'}"
    code, out, _ = _run(capsys, "--db", url, "db", "upgrade")
    assert code == 0 and "is at schema revision" in out
    code, out, _ = _run(capsys, "--db", url, "import", str(document))
    assert code == 0 and "added 2 new patients" in out


def test_a_restore_may_start_a_named_database(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                              tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert _run(capsys, "--db", sqlite_url, "db", "backup", "--out", str(backup))[0] == 0
    trial = tmp_path / "trial.db"
    code, out, _ = _run(capsys, "--db", f"sqlite:///{trial}", "db", "restore", str(backup))
    assert code == 0 and out.startswith(f"Restored {trial}")


def test_the_default_first_run_file_is_still_created(tmp_path: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if k != "ASSESS_DATABASE_URL"},
           "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "from assess.storage.db import default_database_path as d; "
                             "print(d())"], capture_output=True, text=True, env=env, check=True)
    path = Path(result.stdout.strip())
    assert not path.exists()
    result = subprocess.run([sys.executable, "-m", "assess", "patients"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "No patients yet" in result.stdout
    assert path.is_file() and path.stat().st_size > 0
    assert default_database_path() != path  # this test's own data folder, not the user's


@pytest.mark.parametrize("command", [["import", "DB"], ["export", "--out", "DB"],
                                     ["report", "LB-100234", "--out", "DB"], ["db", "backup", "--out", "DB"],
                                     ["db", "restore", "DB"], ["export", "--out", "WAL"]])
def test_the_database_s_own_file_is_never_read_as_a_document_nor_written_over(
        capsys: pytest.CaptureFixture[str], sqlite_url: str, document: Path, command: list[str]) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    assert _run(capsys, "--db", sqlite_url, "import", str(document))[0] == 0
    before = path.read_bytes()
    args = [str(path) if a == "DB" else f"{path}-wal" if a == "WAL" else a for a in command]
    code, out, err = _run(capsys, "--db", sqlite_url, *args)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "is the database itself" in err, err
    assert path.read_bytes() == before
    code, out, _ = _run(capsys, "--db", sqlite_url, "patients", "--json")
    assert code == 0 and len(json.loads(out)) == 2


def test_the_window_says_a_missing_named_file_and_creates_nothing(qtbot: object, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from assess.ui.app import run_window

    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    assert run_window(f"sqlite:///{tmp_path / 'clinc.db'}") == 1
    assert len(shown) == 1 and "does not exist (nothing was created)" in shown[0]
    assert not (tmp_path / "clinc.db").exists()
