"""Opening, creating, migrating and backing up databases."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from assess.record.errors import DatabaseError
from assess.storage.db import (
    SCHEMA_REVISION,
    backup_sqlite,
    current_revision,
    database_url,
    open_database,
)
from assess.storage.models import Base


def test_schema_revision_constant_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_migrations_create_exactly_the_models(db_url: str) -> None:
    """The tables the migrations build are the tables the code expects, on both databases."""
    db = open_database(db_url)
    try:
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        assert current_revision(db.engine) == SCHEMA_REVISION
    finally:
        db.close()


def test_first_start_creates_the_file_private_to_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "assess.db"
    db = open_database(f"sqlite:///{path}")
    db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        db.close()


def test_upgrading_an_old_file_backs_it_up_first(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    db = open_database(f"sqlite:///{path}")
    with db.transaction() as session:
        session.execute(text("INSERT INTO patient (mrn, family_name, given_name, birth_date, sex, diagnosis, "
                             "search_key, created_at, updated_at, version) VALUES ('M1', 'A', 'B', '2000-01-01', "
                             "'female', 'stroke', 'a b m1', '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1)"))
        # Pretend the file was made by an earlier version of assess whose revision is unknown here.
        session.execute(text("DELETE FROM alembic_version"))
    db.close()
    with pytest.raises(DatabaseError, match=r"could not be upgraded from revision none .*left unchanged; a copy"):
        open_database(f"sqlite:///{path}")
    backups = list(tmp_path.glob("assess.db.before-unversioned-*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT mrn FROM patient").fetchall() == [("M1",)]
    copy.close()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    path.write_text("this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(DatabaseError, match=r"cannot open the database .*not a database"):
        open_database(f"sqlite:///{path}")


def test_an_unreachable_server_gives_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot open the database postgresql"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_a_malformed_url_gives_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        open_database("this is not a url")


def test_database_url_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_DATABASE_URL", "sqlite:////x/env.db")
    assert database_url("sqlite:////x/flag.db") == "sqlite:////x/flag.db"
    assert database_url() == "sqlite:////x/env.db"
    monkeypatch.delenv("ASSESS_DATABASE_URL")
    assert database_url().startswith("sqlite:///") and database_url().endswith("assess.db")


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    path = tmp_path / "assess.db"
    db = open_database(f"sqlite:///{path}")
    try:
        target = backup_sqlite(path, tmp_path / "copy.db")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        with sqlite3.connect(target) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_REVISION,)
    finally:
        db.close()


def test_a_database_of_the_first_schema_is_upgraded_with_every_record_intact(tmp_path: Path) -> None:
    """A clinic's file made by the first release: migrated at start, nothing lost, a backup beside it."""
    import sys

    from alembic import command
    from sqlalchemy import create_engine

    sys.path.insert(0, str(Path(__file__).parent))
    from samples import sample_document

    from assess.interchange.read import read_document
    from assess.interchange.write import write_document
    from assess.services.interchange import export_records

    path = tmp_path / "assess.db"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", "assess.storage:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_initial")
    engine.dispose()
    original = read_document(sample_document())
    # The records are copied into the first schema's own tables as that schema has them (the store of today
    # writes columns that came later): see test_migration_from_first.
    from test_migration_from_first import _copy_rows

    from assess.services.interchange import import_records

    scratch = open_database(f"sqlite:///{tmp_path / 'scratch.db'}")
    with scratch.transaction() as session:
        import_records(session, original)
    _copy_rows(scratch.engine, engine)
    scratch.close()
    engine.dispose()
    db = open_database(f"sqlite:///{path}")
    try:
        assert current_revision(db.engine) == SCHEMA_REVISION
        with db.transaction() as session:
            by_mrn = sorted(original, key=lambda record: record.mrn)  # export writes patients by MRN
            assert write_document(export_records(session)) == write_document(by_mrn)
    finally:
        db.close()
    assert list(tmp_path.glob("assess.db.before-0001_initial-*.bak"))
