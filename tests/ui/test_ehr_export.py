"""Patient ▸ Export for EHR…: the open patient's FHIR Bundle with the letter, written off the window's thread."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fhir_kinds import TODAY
from fhirclient.models.bundle import Bundle
from pypdf import PdfReader
from pytestqt.qtbot import QtBot
from samples import document, pump_patient

from assess.interchange.read import read_document
from assess.reports.content import Clinic
from assess.services.interchange import import_records
from assess.storage.db import Database, open_database
from assess.ui import ehr_export, report_export
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    with database.transaction() as session:
        import_records(session, read_document(document(pump_patient()), today=TODAY))
    yield database
    database.close()


def test_export_for_ehr_writes_the_bundle_with_the_letter(qtbot: QtBot, db: Database, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ehr.json"
    monkeypatch.setattr(ehr_export, "choose_bundle_file", lambda parent, mrn: out)
    # The letter travels with the Bundle: the first export asks for the clinic's letterhead, as the report does.
    asked: list[Clinic] = []
    monkeypatch.setattr(report_export.LetterheadDialog, "ask", classmethod(
        lambda cls, parent, seen: asked.append(seen) or Clinic("Elm Spasticity Clinic", "", "555-0199")))
    window = MainWindow(db, Settings(tmp_path / "config" / "assess.ini"))
    qtbot.addWidget(window)
    window.open_patient("ITB-7")
    patient_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Patient")
    action = next(a for a in patient_menu.actions() if a.text() == "Export for &EHR…")
    action.trigger()
    qtbot.waitUntil(lambda: "written to" in window.statusBar().currentMessage(), timeout=30_000)
    for worker in list(ehr_export._RUNNING):
        worker.wait()
    assert window.statusBar().currentMessage() == (f"FHIR R4 Bundle for the EHR written to {out}, with the letter "
                                                   "of 2024-01-15")
    bundle = json.loads(out.read_text("utf-8"))
    Bundle(bundle, strict=True)
    (letter,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference"]
    pdf = PdfReader(io.BytesIO(base64.b64decode(letter["content"][0]["attachment"]["data"])))
    assert "ITB-7" in pdf.pages[0].extract_text() and "Elm Spasticity Clinic" in pdf.pages[0].extract_text()
    assert len(asked) == 1


def test_export_for_ehr_without_a_patient_says_so(qtbot: QtBot, db: Database, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    chosen: list[str] = []
    monkeypatch.setattr(ehr_export, "choose_bundle_file", lambda parent, mrn: chosen.append(mrn))
    window = MainWindow(db, Settings(tmp_path / "config" / "assess.ini"))
    qtbot.addWidget(window)
    patient_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Patient")
    next(a for a in patient_menu.actions() if a.text() == "Export for &EHR…").trigger()
    assert chosen == []
    assert window.statusBar().currentMessage() == "Open a patient first (Ctrl+F to search)."
