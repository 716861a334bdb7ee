"""The demo made by worker processes (what `assess demo` does) is the demo made in one process: the same
records and the same stored due items, on both databases; patients from any number on are the same patients."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from assess.cli.main import main
from assess.demo.patients import demo_patients
from assess.interchange.write import write_document
from assess.services import demo, due
from assess.services.interchange import export_records
from assess.storage.db import open_database


def _made(url: str) -> tuple[object, list[tuple[object, ...]]]:
    db = open_database(url)
    try:
        with db.transaction() as session:
            document = write_document(export_records(session))
            items = sorted(map(tuple, session.execute(select(
                due.ITEM.c.patient_id, due.ITEM.c.code, due.ITEM.c.day, due.ITEM.c.message, due.ITEM.c.item_key))))
            states = sorted(map(tuple, session.execute(select(
                due.STATE.c.patient_id, due.STATE.c.fresh_until, due.STATE.c.rules, due.STATE.c.last_seen))))
            assert not due.stale_ids(session, dt.date.today())  # every patient's items stored with the demo
        return document, items + states
    finally:
        db.close()


def test_the_demo_of_worker_processes_is_the_demo_of_one(db_url: str, tmp_path: object,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(demo, "BATCH", 15)  # 50 patients in four batches: more batches than workers
    in_one = f"sqlite:///{tmp_path}/one.db"
    single = open_database(in_one)
    with single.transaction() as session:
        demo.add_demo_patients(session, 50, workers=0)
    single.close()
    assert main(["--db", db_url, "demo", "--patients", "50", "--workers", "2"]) == 0
    assert "Added 50 demo patients" in capsys.readouterr().out
    assert _made(db_url) == _made(in_one)


def test_patients_from_any_number_on_are_the_same_patients() -> None:
    assert list(demo_patients(40, seed=2, first=31)) == list(demo_patients(40, seed=2))[30:]
