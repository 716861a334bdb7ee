"""After a bulk load on PostgreSQL the planner's statistics are fresh at once, not when autovacuum gets to them
(a patient's history planned before took 0.9 s at 100,000 patients instead of a few ms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_cluster import PostgresServer
from samples import sample_document
from sqlalchemy import create_engine, text

from assess.cli.main import main


def _analyzed(url: str) -> dict[str, bool]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                                           "WHERE relname IN ('patient', 'visit', 'finding')"))
            return {name: bool(done) for name, done in rows}
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(postgres_server: PostgresServer, postgres_template: str) -> str:
    return postgres_server.url(postgres_server.create_database(template=postgres_template))


def test_demo_patients_leave_the_statistics_fresh(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _analyzed(pg_url) == {"patient": False, "visit": False, "finding": False}
    assert main(["--db", pg_url, "demo", "--patients", "3", "--workers", "0"]) == 0
    assert _analyzed(pg_url) == {"patient": True, "visit": True, "finding": True}


def test_a_small_import_leaves_them_to_autovacuum(pg_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A referral of a patient or two is not a bulk load: no ANALYZE of the whole database for it."""
    document = tmp_path / "in.json"
    document.write_text(json.dumps(sample_document()), encoding="utf-8")
    assert main(["--db", pg_url, "import", str(document)]) == 0
    assert _analyzed(pg_url) == {"patient": False, "visit": False, "finding": False}
