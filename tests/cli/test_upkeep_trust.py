"""Backup, upgrade and restore once a database has users: a clinician's, audited, keeping the users, refusing a
backup that is not whole; and reads audited (show, export, report), failed exports not. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from pg_cluster import PostgresServer
from samples import sample_document
from sqlalchemy import create_engine, text

from assess.cli.main import main
from assess.storage.backup import pg_tool
from assess.storage.db import open_database

PASSWORD = "correct horse battery"


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _backup_name(url: str, tmp_path: Path, name: str) -> Path:
    return tmp_path / (f"{name}.db" if url.startswith("sqlite") else f"{name}.dump")


@pytest.fixture
def early_backup(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> Path:
    """The sample patients in single-user mode, backed up before the clinic added users."""
    source = tmp_path / "in.json"
    source.write_text(json.dumps(sample_document()), encoding="utf-8")
    assert run(capsys, db_url, "import", str(source))[0] == 0
    backup = _backup_name(db_url, tmp_path, "before-users")
    assert run(capsys, db_url, "db", "backup", "--out", str(backup))[0] == 0
    return backup


@pytest.fixture
def staffed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str,
            early_backup: Path) -> str:
    """Then a clinician (osei) and a reader (rhea); osei logged in through the environment."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, db_url, "users", "add", "osei", "--role", "clinician", "--password-stdin")[0] == 0
    monkeypatch.setenv("ASSESS_USER", "osei")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, db_url, "users", "add", "rhea", "--role", "reader", "--password-stdin")[0] == 0
    return db_url


def _events(url: str) -> list[dict[str, object]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(
                "SELECT id, actor, action, entity, entity_key, mrn, after FROM audit_event ORDER BY id"))]
    finally:
        engine.dispose()


def test_backup_upgrade_and_restore_are_a_clinicians(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, staffed: str,
                                                    early_backup: Path, tmp_path: Path) -> None:
    copy = _backup_name(staffed, tmp_path, "copy")
    monkeypatch.delenv("ASSESS_USER")
    code, _, err = run(capsys, staffed, "db", "backup", "--out", str(copy))
    assert code == 2 and "this database has users: log in with --user NAME" in err
    monkeypatch.setenv("ASSESS_USER", "rhea")
    for args in (("db", "backup", "--out", str(copy)), ("db", "upgrade"), ("db", "restore", str(early_backup))):
        code, _, err = run(capsys, staffed, *args)
        assert code == 1 and "rhea is a reader and may not " in err, (args, err)
        assert "back up, restore or upgrade the database" in err or "may not restore the database" in err
    assert not copy.exists()
    assert run(capsys, staffed, "patients")[1].count("LB-100234") == 1  # nothing was restored
    monkeypatch.setenv("ASSESS_USER", "osei")
    code, _, _ = run(capsys, staffed, "db", "backup", "--out", str(copy))
    assert code == 0 and copy.exists()
    [event] = [e for e in _events(staffed) if e["action"] == "backup"][-1:]
    assert (event["actor"], event["entity"], event["entity_key"]) == ("osei", "database", str(copy.resolve()))


def test_restoring_a_backup_from_before_users_keeps_the_users(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch, staffed: str,
                                                              early_backup: Path) -> None:
    code, out, err = run(capsys, staffed, "db", "restore", str(early_backup))
    assert code == 0, err
    assert "Users: the users of the database it replaced were kept." in out
    monkeypatch.delenv("ASSESS_USER")
    assert run(capsys, staffed, "patients")[0] == 2  # still needs a login: not back to single-user mode
    monkeypatch.setenv("ASSESS_USER", "rhea")
    code, out, _ = run(capsys, staffed, "users", "list")
    assert code == 0 and "osei" in out and "rhea" in out
    [restore] = [e for e in _events(staffed) if e["action"] == "restore"]
    after = json.loads(str(restore["after"]))
    assert restore["actor"] == "osei" and after["users"] == "the users of the database it replaced were kept"
    assert after["from"] == str(early_backup.resolve()) and after["replaced_chain_head"]["event"] > 0
    code, out, _ = run(capsys, staffed, "audit", "verify")  # the restored trail knows the kept users' seals
    assert code == 0, out


def test_the_backups_users_only_when_the_clinician_says_so(capsys: pytest.CaptureFixture[str], staffed: str,
                                                          early_backup: Path) -> None:
    code, out, _ = run(capsys, staffed, "db", "restore", str(early_backup), "--users-from-backup")
    assert code == 0 and "Users: no users (single-user mode)." in out
    code, out, _ = run(capsys, staffed, "users", "list")
    assert "single-user mode" in out


def test_an_anchor_noted_before_a_restore_points_to_the_kept_copy(capsys: pytest.CaptureFixture[str],
                                                                  staffed: str, early_backup: Path) -> None:
    code, out, _ = run(capsys, staffed, "audit", "verify")
    anchor = out.split("--expect ")[1].split()[0]
    assert run(capsys, staffed, "db", "restore", str(early_backup))[0] == 0
    code, out, _ = run(capsys, staffed, "audit", "verify", "--expect", anchor)
    assert code == 1 and "NOT FOUND: no event of this chain has the hash you kept" in out
    assert "If you noted it before event " in out and ", kept as " in out and "check it there" in out


def _remove_from_sqlite_backup(backup: Path, *statements: str) -> None:
    connection = sqlite3.connect(backup)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


@pytest.mark.parametrize(("statements", "said"), [
    (["DROP TABLE audit_event"], "lacks table audit_event"),
    (["DROP TABLE app_user"], "lacks table app_user"),
    (["ALTER TABLE visit DROP COLUMN seal"], "lacks column visit.seal"),
    (["DELETE FROM audit_head"], "its audit trail has no head row"),
])
def test_a_sqlite_backup_that_is_not_whole_is_refused_before_anything_changes(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, statements: list[str], said: str) -> None:
    url = f"sqlite:///{tmp_path / 'assess.db'}"
    assert run(capsys, url, "db", "upgrade")[0] == 0  # a database named with --db is started first
    source = tmp_path / "in.json"
    source.write_text(json.dumps(sample_document()), encoding="utf-8")
    assert run(capsys, url, "import", str(source))[0] == 0
    assert run(capsys, url, "db", "backup", "--out", str(tmp_path / "b.db"))[0] == 0
    _remove_from_sqlite_backup(tmp_path / "b.db", *statements)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("assess.db")}
    code, _, err = run(capsys, url, "db", "restore", str(tmp_path / "b.db"))
    assert code == 1 and said in err and "nothing was changed" in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("assess.db")} == before


@pytest.fixture
def pg_url(postgres_server: PostgresServer, postgres_template: str) -> str:
    return postgres_server.url(postgres_server.create_database(template=postgres_template))


def test_a_postgres_archive_that_is_not_whole_is_refused(capsys: pytest.CaptureFixture[str], pg_url: str,
                                                         postgres_server: PostgresServer, postgres_template: str,
                                                         tmp_path: Path) -> None:
    partial = postgres_server.url(postgres_server.create_database(template=postgres_template))
    engine = create_engine(partial)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_event"))
    engine.dispose()
    pg_dump = pg_tool("pg_dump")
    assert pg_dump is not None
    archive = tmp_path / "partial.dump"
    subprocess.run([str(pg_dump), "--format=custom", f"--file={archive}",
                    partial.replace("postgresql+psycopg", "postgresql")], check=True)
    code, _, err = run(capsys, pg_url, "db", "restore", str(archive))
    assert code == 1 and "lacks table audit_event" in err
    assert not list(tmp_path.glob("*.before-restore-*"))
    db = open_database(pg_url)  # untouched, still whole
    with db.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM audit_head")).scalar_one() == 1
    db.close()


def test_reads_are_audited_and_a_failed_export_is_not(capsys: pytest.CaptureFixture[str], staffed: str,
                                                      tmp_path: Path) -> None:
    assert run(capsys, staffed, "clinic", "--name", "Elm Clinic", "--phone", "555-0100")[0] == 0  # reports' heading
    before = len(_events(staffed))
    assert run(capsys, staffed, "show", "LB-100234")[0] == 0
    code, _, err = run(capsys, staffed, "export", "--out", str(tmp_path / "no such folder" / "x.json"))
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, staffed, "report", "LB-100234", "--out", str(tmp_path / "missing" / "r.pdf"))
    assert code == 1
    assert run(capsys, staffed, "export", "--patient", "LB-100234", "--out", str(tmp_path / "one.json"))[0] == 0
    assert run(capsys, staffed, "report", "LB-100234", "--out", str(tmp_path / "r.pdf"))[0] == 0
    done = [(e["action"], e["entity"], e["mrn"]) for e in _events(staffed)[before:] if e["action"] != "login"]
    assert done == [("view", "patient", "LB-100234"), ("export", "patient", "LB-100234"),
                    ("report", "visit", "LB-100234")]


def _damage(path: Path) -> None:
    """Overwrite pages in the middle of the file, as a failing disk would."""
    pages = path.stat().st_size // 4096
    with path.open("r+b") as file:
        file.seek(4096 * (pages // 2))
        file.write(b"\xa5" * 4096 * 3)


@pytest.fixture
def staffed_file(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A SQLite file with the sample patients, demo patients (room to damage), a clinician and a reader."""
    url = f"sqlite:///{tmp_path / 'assess.db'}"
    assert run(capsys, url, "db", "upgrade")[0] == 0  # a database named with --db is started first
    assert run(capsys, url, "demo", "--patients", "30")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, url, "users", "add", "osei", "--role", "clinician", "--password-stdin")[0] == 0
    monkeypatch.setenv("ASSESS_USER", "osei")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, url, "users", "add", "rhea", "--role", "reader", "--password-stdin")[0] == 0
    assert run(capsys, url, "db", "backup", "--out", str(tmp_path / "good.db"))[0] == 0
    return url


def test_a_damaged_database_is_restored_by_a_clinician_of_the_backup(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, staffed_file: str,
        tmp_path: Path) -> None:
    _damage(tmp_path / "assess.db")
    damaged = (tmp_path / "assess.db").read_bytes()
    monkeypatch.setenv("ASSESS_USER", "rhea")
    code, _, err = run(capsys, staffed_file, "db", "restore", str(tmp_path / "good.db"))
    assert code == 1 and "rhea is a reader and may not restore the database" in err
    assert (tmp_path / "assess.db").read_bytes() == damaged
    monkeypatch.setenv("ASSESS_USER", "osei")
    code, out, err = run(capsys, staffed_file, "db", "restore", str(tmp_path / "good.db"))
    assert code == 0, err
    assert "Users: the backup's users." in out
    assert run(capsys, staffed_file, "audit", "verify")[0] == 0
    actions = [(e["actor"], e["action"]) for e in _events(staffed_file)]
    assert ("osei", "restore") in actions and actions.index(("osei", "restore")) > actions.index(("osei", "login"))


def test_a_restore_when_the_users_table_was_changed_outside_assess(
        capsys: pytest.CaptureFixture[str], staffed_file: str, tmp_path: Path) -> None:
    """osei's password hash replaced by sqlite3: no login to this database can be trusted, so the restore
    asks for a clinician of the backup and gives the restored database the backup's (sealed) users."""
    connection = sqlite3.connect(tmp_path / "assess.db")
    with connection:
        connection.execute("UPDATE app_user SET role = 'clinician' WHERE name = 'rhea'")
    connection.close()
    code, _, err = run(capsys, staffed_file, "patients")
    assert code == 0  # osei is untouched
    connection = sqlite3.connect(tmp_path / "assess.db")
    with connection:
        connection.execute("UPDATE app_user SET password_hash = (SELECT password_hash FROM app_user WHERE "
                           "name = 'rhea') WHERE name = 'osei'")
    connection.close()
    code, _, err = run(capsys, staffed_file, "patients")
    assert code == 1 and "osei cannot log in" in err
    code, out, err = run(capsys, staffed_file, "db", "restore", str(tmp_path / "good.db"))
    assert code == 0 and "Users: the backup's users." in out, err
    assert run(capsys, staffed_file, "audit", "verify")[0] == 0
    assert run(capsys, staffed_file, "patients")[0] == 0


def _downgraded(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()


def test_a_backup_of_an_older_schema_is_upgraded_sealed_and_keeps_the_users(
        capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest, staffed: str, tmp_path: Path) -> None:
    """A backup made by the version before seals: restored, upgraded and sealed in the same step, before it
    replaces anything; the current users kept; the whole trail checks out afterwards."""
    from assess.storage.db import SCHEMA_REVISION

    source = tmp_path / "in.json"
    if staffed.startswith("sqlite"):
        old = tmp_path / "old.db"
        scratch = f"sqlite:///{old}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        scratch = server.url(server.create_database())
        old = tmp_path / "old.dump"
    main(["--db", scratch, "db", "upgrade"])  # a database named with --db is started first
    main(["--db", scratch, "import", str(source)])
    capsys.readouterr()
    _downgraded(scratch, "0003_trust")
    if not staffed.startswith("sqlite"):
        pg_dump = pg_tool("pg_dump")
        assert pg_dump is not None
        subprocess.run([str(pg_dump), "--format=custom", f"--file={old}",
                        scratch.replace("postgresql+psycopg", "postgresql")], check=True)
    code, out, err = run(capsys, staffed, "db", "restore", str(old))
    assert code == 0, err
    assert f"(schema revision 0003_trust, now upgraded to {SCHEMA_REVISION})" in out
    assert "the users of the database it replaced were kept" in out
    code, out, _ = run(capsys, staffed, "audit", "verify")
    assert code == 0 and "Seals checked: 1 signed visit" in out and "2 users; all as sealed." in out
