"""The main window wired to a real database: first start, patients, visits, treatments, recovery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from assess.record.domain import Injection, OralMedication, PatientDetails, ToxinSession
from assess.services.history import patient_history
from assess.services.patients import create_patient
from assess.services.visits import record_treatment
from assess.storage.db import Database, open_database
from assess.storage.drafts import DraftStore
from assess.ui import main_window as main_window_module
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings
from assess.ui.visit_editor import VisitEditor

ZOE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy", gmfcs="III")


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    yield database
    database.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(tmp_path / "config" / "assess.ini")
    s.clinician = "Dr K. Osei"
    return s


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(main_window_module, "show_error", lambda parent, title, error: shown.append(str(error)))
    return shown


def _window(qtbot: QtBot, db: Database, settings: Settings) -> MainWindow:
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts (Ctrl+N, Ctrl+T...) act in the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _with_zoe(db: Database) -> None:
    with db.transaction() as session:
        create_patient(session, ZOE)


def test_an_empty_database_offers_first_patient_and_demo(qtbot: QtBot, db: Database, settings: Settings) -> None:
    window = _window(qtbot, db, settings)
    assert window.patient_page.currentWidget() is window.welcome
    assert window.first_patient.isVisible() and window.demo_button.isVisible()
    assert "no patients in this database yet" in window.welcome_text.text()
    qtbot.mouseClick(window.demo_button, Qt.MouseButton.LeftButton)
    assert window.patients.model.rowCount() == main_window_module.DEMO_PATIENTS
    assert not window.demo_button.isVisible()
    assert "Added 40 demo patients" in window.statusBar().currentMessage()


def test_new_patient_is_saved_and_opened(qtbot: QtBot, db: Database, settings: Settings,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_ask(parent: Any, initial: Any, save: Any) -> PatientDetails:
        save(ZOE)  # the dialog calls save; a refusal would keep it open
        return ZOE

    monkeypatch.setattr(main_window_module.PatientDialog, "ask", staticmethod(fake_ask))
    window = _window(qtbot, db, settings)
    window.new_patient()
    assert window.mrn == "LB-1"
    assert "<b>Müller, Zoë</b>" in window.view.header.text()
    assert settings.recent_mrns() == ["LB-1"]
    assert window.recent.count() == 1


def test_search_then_enter_opens_the_patient(qtbot: QtBot, db: Database, settings: Settings) -> None:
    _with_zoe(db)
    window = _window(qtbot, db, settings)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.patients.search.hasFocus()
    qtbot.keyClicks(window.patients.search, "mull")
    qtbot.keyClick(window.patients.search, Qt.Key.Key_Return)
    assert window.mrn == "LB-1" and window.tabs.tabText(0) == "Müller, Zoë"


def test_ctrl_n_opens_todays_exam_in_one_keystroke(qtbot: QtBot, db: Database, settings: Settings) -> None:
    _with_zoe(db)
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    assert (editor.mrn, editor.visit_date, editor.visit_type) == ("LB-1", dt.date.today(), "initial")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # the same exam, not a second
    assert window.tabs.count() == 2


def test_toxin_session_from_the_dialog_is_saved(qtbot: QtBot, db: Database, settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    session_ = ToxinSession(dt.date(2025, 3, 10), "onabotulinumtoxinA", (Injection("soleus", "left", 40.0, 2),))
    from assess.ui import toxin_dialog

    monkeypatch.setattr(toxin_dialog.ToxinSessionDialog, "ask", classmethod(lambda cls, *a, **k: session_))
    _with_zoe(db)
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    with db.transaction() as s:
        assert patient_history(s, "LB-1").treatments == (session_,)
    assert window.view.timeline_model.entry(0).what == "Botulinum toxin 40 U"


def test_a_refused_treatment_shows_the_reason_and_saves_nothing(qtbot: QtBot, db: Database, settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 errors: list[str]) -> None:
    before_birth = OralMedication("baclofen", 10.0, dt.date(2010, 1, 1))
    from assess.ui import treatment_dialog

    monkeypatch.setattr(treatment_dialog.TreatmentDialog, "ask", classmethod(lambda cls, *a, **k: before_birth))
    _with_zoe(db)
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    window.add_treatment("oral_medication")
    assert errors == ["oral_medication on 2010-01-01 (baclofen) is before the birth date 2017-03-02"]
    with db.transaction() as s:
        assert patient_history(s, "LB-1").treatments == ()


def test_dose_change_closes_the_old_period_and_opens_the_new(qtbot: QtBot, db: Database, settings: Settings,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _with_zoe(db)
    old = OralMedication("baclofen", 15.0, dt.date(2025, 1, 1))
    with db.transaction() as s:
        record_treatment(s, "LB-1", old)
    today = dt.date.today()
    stopped = OralMedication("baclofen", 15.0, dt.date(2025, 1, 1), stop=today)
    new = OralMedication("baclofen", 20.0, today)
    from assess.ui import treatment_dialog

    monkeypatch.setattr(treatment_dialog.TreatmentDialog, "ask_dose_change",
                        classmethod(lambda cls, parent, details, chosen, **_: (stopped, new) if chosen == old
                                    else None))
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    window.change_drug_dose()
    with db.transaction() as s:
        assert set(patient_history(s, "LB-1").treatments) == {stopped, new}


def test_an_unknown_recent_patient_is_forgotten(qtbot: QtBot, db: Database, settings: Settings,
                                                errors: list[str]) -> None:
    settings.add_recent("GONE-1")
    window = _window(qtbot, db, settings)
    assert window.recent.count() == 0
    window.open_patient("GONE-1")
    assert errors == ["no patient with MRN 'GONE-1'"]
    assert settings.recent_mrns() == []


def test_recovered_drafts_are_offered_and_reopened(qtbot: QtBot, db: Database, settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.record.domain import Finding, Visit
    from assess.storage.drafts import VisitDraft

    _with_zoe(db)
    visit = Visit(dt.date(2025, 5, 1), "follow_up", "Dr K. Osei", findings=(Finding("elbow_flexors", "left", "2"),))
    DraftStore(settings.drafts_folder).save(
        VisitDraft("LB-1", visit, None, dt.datetime(2025, 5, 1, 10, tzinfo=dt.UTC)))
    asked: list[str] = []

    def fake_question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(fake_question))
    window = _window(qtbot, db, settings)
    window.offer_restored_drafts()
    assert "LB-1: follow-up on 2025-05-01" in asked[0]
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    assert editor.visit().findings == visit.findings


def test_clinic_hidden_rows_and_the_exam_order_reach_a_new_exam(qtbot: QtBot, db: Database, settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.reports.content import Clinic
    from assess.ui import clinic_dialog

    chosen = (frozenset({"great_toe_extensor", "toe_flexors"}), Clinic("Elm Clinic", phone="555-0199"),
              "extension_deficit")
    monkeypatch.setattr(clinic_dialog.ClinicSettingsDialog, "ask",
                        classmethod(lambda cls, parent, hidden, letterhead, convention: chosen))
    _with_zoe(db)
    window = _window(qtbot, db, settings)
    window.edit_clinic_settings()
    window.open_patient("LB-1")
    window.new_visit()
    editor = window.tabs.currentWidget()
    assert isinstance(editor, VisitEditor)
    assert "great_toe_extensor" not in editor.model.groups and "toe_flexors" not in editor.model.groups
    assert "hip_flexors" in editor.model.groups
    assert editor.model.popliteal_convention == "extension_deficit"  # how its knee flexors' angles are typed
    editor.set_order("all_left_then_right")
    assert settings.exam_order == "all_left_then_right"  # remembered for the next exam on this workstation


def test_enter_on_a_treatment_in_the_timeline_corrects_it(qtbot: QtBot, db: Database, settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    typo = OralMedication("baclofen", 150.0, dt.date(2025, 1, 1))
    fixed = OralMedication("baclofen", 15.0, dt.date(2025, 1, 1))
    from assess.ui import treatment_dialog

    def fake_ask(cls: Any, parent: Any, kind: str, details: Any, initial: Any = None) -> OralMedication | None:
        return fixed if initial == typo else None

    monkeypatch.setattr(treatment_dialog.TreatmentDialog, "ask", classmethod(fake_ask))
    _with_zoe(db)
    with db.transaction() as s:
        record_treatment(s, "LB-1", typo)
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    window.view.timeline.setFocus()
    window.view.timeline.setCurrentIndex(window.view.timeline_model.index(0, 0))
    qtbot.keyClick(window.view.timeline, Qt.Key.Key_Return)
    with db.transaction() as s:
        assert patient_history(s, "LB-1").treatments == (fixed,)
    assert "Oral medication corrected" in window.statusBar().currentMessage()


def test_the_first_screen_is_todays_worklist_and_enter_opens_the_patient_on_its_overview(
        qtbot: QtBot, db: Database, settings: Settings) -> None:
    from assess.record.domain import Sdr

    _with_zoe(db)
    with db.transaction() as s:
        record_treatment(s, "LB-1", Sdr(dt.date.today() - dt.timedelta(days=200), "L2-S1"))
    window = _window(qtbot, db, settings)
    assert window.patient_page.currentWidget() is window.welcome and window.worklist.isVisible()
    assert not window.welcome_text.isVisible()
    qtbot.waitUntil(lambda: window.worklist.model.rowCount() > 0, timeout=10_000)
    assert "overdue follow-ups" in window.worklist.status.text()
    window.worklist.list.setFocus()
    qtbot.keyClick(window.worklist.list, Qt.Key.Key_Return)
    assert window.mrn == "LB-1" and window.view.pages.currentIndex() == 0
    alerts_tab = window.view.tabs.indexOf(window.view.alerts)
    assert window.view.tabs.tabText(alerts_tab).startswith("Alerts ⚠")  # the 3-month visit after SDR is missed
    window.view.pages.setCurrentIndex(1)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # back to the worklist
    assert window.patient_page.currentWidget() is window.welcome and window.tabs.tabText(0) == "Worklist"
    window.worklist.wait()
    qtbot.waitUntil(lambda: window.worklist.current() is not None, timeout=10_000)
    qtbot.keyClick(window.worklist.list, Qt.Key.Key_Return)
    assert window.view.pages.currentIndex() == 0  # on its Overview, whatever page was showing before


def test_export_report_writes_the_pdf_off_the_window_thread(qtbot: QtBot, db: Database, settings: Settings,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assess.record.domain import Visit
    from assess.reports.content import Clinic
    from assess.services.visits import record_visit
    from assess.ui import report_export

    _with_zoe(db)
    with db.transaction() as s:
        record_visit(s, "LB-1", Visit(dt.date(2025, 5, 1), "initial", "Dr K. Osei"))
    out = tmp_path / "report.pdf"
    offered: list[tuple[str, bool]] = []
    asked: list[Clinic] = []

    def fill_in(cls: Any, parent: Any, letterhead: Clinic) -> Clinic:
        asked.append(letterhead)
        return Clinic("Elm Clinic", phone="555-0199", paper="a4")

    monkeypatch.setattr(report_export.LetterheadDialog, "ask", classmethod(fill_in))
    monkeypatch.setattr(report_export, "choose_report_file", lambda parent, mrn: out)
    monkeypatch.setattr(report_export, "offer_to_open", lambda parent, path, draft: offered.append((path, draft)))
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    window.export_report()
    window.report_worker.wait()
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    assert offered == [(str(out), True)]
    assert asked == [Clinic("", paper="letter")]  # asked once, before the first report: nothing was set
    assert out.read_bytes().startswith(b"%PDF")
    assert "Report written to" in window.statusBar().currentMessage()
    window.export_report()  # the second report does not ask again
    window.report_worker.wait()
    qtbot.waitUntil(lambda: len(offered) == 2, timeout=10_000)
    assert len(asked) == 1


def test_export_report_without_the_clinic_name_and_phone_writes_nothing(qtbot: QtBot, db: Database,
                                                                          settings: Settings, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from assess.reports.content import Clinic
    from assess.ui import report_export
    from assess.ui.report_export import LetterheadDialog

    _with_zoe(db)
    chosen: list[str] = []
    monkeypatch.setattr(LetterheadDialog, "ask", classmethod(lambda cls, parent, letterhead: None))  # Cancel
    monkeypatch.setattr(report_export, "choose_report_file", lambda parent, mrn: chosen.append(mrn))
    window = _window(qtbot, db, settings)
    window.open_patient("LB-1")
    window.export_report()
    assert chosen == [] and not hasattr(window, "report_worker")  # no file asked for, nothing built

    dialog = LetterheadDialog(None, Clinic("", paper="letter"))
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()  # the name and phone are needed: every report is headed with them
    dialog.name.setText("Elm Clinic")
    assert not save.isEnabled()
    dialog.phone.setText("555-0199")
    assert save.isEnabled()
    assert dialog.letterhead() == Clinic("Elm Clinic", phone="555-0199", paper="letter")
