"""`assess alerts` from the stored items gives what working out every record gives; `assess db due` rebuilds them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from assess.cli.main import main
from assess.services import due
from assess.services.alerts import alerts
from assess.services.demo import add_demo_patients
from assess.storage.db import open_database


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_alerts_from_the_stored_items_equal_the_records_worked_out(capsys: pytest.CaptureFixture[str],
                                                                    db_url: str) -> None:
    today = dt.date.today()
    db = open_database(db_url)
    try:
        with db.transaction() as session:
            add_demo_patients(session, 40, today=today)
        with db.transaction() as session:
            expected = alerts(session, today)  # every record loaded and judged, nothing stored read
    finally:
        db.close()
    code, out, err = run(capsys, db_url, "alerts", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [{"code": a.code, "severity": a.severity, "mrn": a.mrn, "date": a.date.isoformat(),
                                "message": a.message, **({"source": a.source} if a.source else {})}
                               for a in expected]
    assert expected
    code, out, _ = run(capsys, db_url, "alerts", "--patient", "DEMO-000007", "--json")
    assert code == 0 and json.loads(out) == [a for a in json.loads(run(capsys, db_url, "alerts", "--json")[1])
                                             if a["mrn"] == "DEMO-000007"]


def test_db_due_works_out_what_is_out_of_date_or_everything(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.transaction() as session:
            add_demo_patients(session, 6)
        code, out, _ = run(capsys, db_url, "db", "due")
        assert code == 0 and out.startswith("Worked out the due items of 0 patients")
        with db.transaction() as session:  # as after a change to the rules
            session.execute(update(due.STATE).where(due.STATE.c.patient_id <= 2).values(rules="old"))
        code, out, _ = run(capsys, db_url, "db", "due")
        assert code == 0 and out.startswith("Worked out the due items of 2 patients")
        code, out, _ = run(capsys, db_url, "db", "due", "--rebuild")
        assert code == 0 and out.startswith("Worked out the due items of 6 patients")
        with db.transaction() as session:
            assert due.stale_ids(session, dt.date.today()) == []
    finally:
        db.close()


def test_a_restored_database_has_its_due_items_for_today(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assess.db'}"
    db = open_database(url)
    try:
        with db.transaction() as session:
            add_demo_patients(session, 4)
        assert main(["--db", url, "db", "backup", "--out", str(tmp_path / "monday.db")]) == 0
        with db.transaction() as session:  # as if Monday's items had been worked out by older rules
            session.execute(update(due.STATE).values(rules="old"))
        backup = open_database(f"sqlite:///{tmp_path / 'monday.db'}")
        with backup.transaction() as session:
            session.execute(update(due.STATE).values(rules="old"))
        backup.close()
        capsys.readouterr()
        assert main(["--db", url, "db", "restore", str(tmp_path / "monday.db")]) == 0
        assert "Worked out the due items of 4 patients" in capsys.readouterr().out
        with db.transaction() as session:
            assert due.stale_ids(session, dt.date.today()) == []
    finally:
        db.close()
