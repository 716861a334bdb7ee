"""The toxin session dialog checks doses and the interval live, and asks a reason to save past a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from assess.record.domain import Injection, PatientDetails, ToxinSession
from assess.ui.injection_table import InjectionRow
from assess.ui.toxin_checks import OVERRIDE_PREFIX, override_note
from assess.ui.toxin_dialog import ToxinSessionDialog

CHILD = PatientDetails("C-1", "Child", "Ann", dt.date(2016, 1, 1), "female", "cerebral_palsy")
DAY = dt.date(2025, 4, 2)


def _dialog(qtbot: QtBot, earlier: tuple[ToxinSession, ...] = ()) -> ToxinSessionDialog:
    dialog = ToxinSessionDialog(None, CHILD, 20.0, None, earlier)
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.product.setCurrentIndex(dialog.product.findData("onabotulinumtoxinA"))
    return dialog


def test_the_warning_appears_as_the_units_pass_the_childs_limit(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 100.0, 2)])
    assert dialog.checks.warnings == []  # 100 U is under 6 U/kg x 20 kg = 120 U
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 100.0, 2),
                           InjectionRow("biceps_brachii", "right", 30.0, 1)])
    assert dialog.checks.warnings == []  # BOTOX 2.6: 6 U/kg or 200 U per upper limb: 100 U and 30 U are within
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 100.0, 2),
                           InjectionRow("brachialis", "left", 30.0, 1)])
    assert [a.code for a in dialog.checks.warnings] == ["toxin_dose_limit"]
    assert "130 U" in dialog.checks.text() and "120 U" in dialog.checks.text()
    assert dialog.checks.isVisibleTo(dialog)


def test_the_interval_since_the_last_session_of_any_product_is_checked(qtbot: QtBot) -> None:
    earlier = ToxinSession(DAY - dt.timedelta(weeks=8), "abobotulinumtoxinA", (Injection("soleus", "left", 100.0),))
    dialog = _dialog(qtbot, (earlier,))
    dialog.model.set_rows([InjectionRow("soleus", "left", 40.0, 2)])
    assert [a.code for a in dialog.checks.warnings] == ["toxin_interval"]


def test_saving_past_a_warning_needs_a_reason_kept_with_the_session(qtbot: QtBot,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _dialog(qtbot)
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 150.0, 2)])
    monkeypatch.setattr(dialog, "ask_override", lambda warnings: None)
    dialog._on_buttons_accepted()
    assert dialog.result_session is None  # no reason: nothing is returned, the dialog stays open
    monkeypatch.setattr(dialog, "ask_override", lambda warnings: "Severe elbow contracture; parents consent")
    dialog._on_buttons_accepted()
    assert dialog.result_session is not None
    assert dialog.result_session.notes is not None
    assert dialog.result_session.notes.startswith(OVERRIDE_PREFIX)
    assert "Severe elbow contracture; parents consent" in dialog.result_session.notes
    assert "150 U" in dialog.result_session.notes


def test_a_session_within_the_limits_saves_without_asking(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _dialog(qtbot)
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 60.0, 2)])
    monkeypatch.setattr(dialog, "ask_override", lambda warnings: pytest.fail("asked without a warning"))
    dialog._on_buttons_accepted()
    assert dialog.result_session is not None and dialog.result_session.notes is None


def test_override_note_keeps_earlier_notes() -> None:
    note = override_note("Ultrasound guided.", "reason", [])
    assert note.startswith("Ultrasound guided.\n" + OVERRIDE_PREFIX)


def test_the_cumulative_3_month_dose_shows_as_units_are_typed(qtbot: QtBot) -> None:
    """BOTOX: 10 U/kg or 340 U in a 3-month interval for children: 20 kg -> 200 U (issue 13, item 3)."""
    earlier = ToxinSession(DAY - dt.timedelta(weeks=6), "onabotulinumtoxinA", (Injection("soleus", "left", 150.0),))
    dialog = _dialog(qtbot, (earlier,))
    dialog.model.set_rows([InjectionRow("soleus", "right", 50.0, 2)])
    assert "toxin_cumulative" not in [a.code for a in dialog.checks.warnings]
    dialog.model.set_rows([InjectionRow("soleus", "right", 51.0, 2)])
    assert "toxin_cumulative" in [a.code for a in dialog.checks.warnings]
    assert "201 U within 12 weeks" in dialog.checks.text()


def test_a_child_under_2_is_flagged_in_the_dialog(qtbot: QtBot) -> None:
    baby = PatientDetails("B-1", "Baby", "Bea", DAY - dt.timedelta(days=500), "female", "cerebral_palsy")
    dialog = ToxinSessionDialog(None, baby, 10.0, None, ())
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.product.setCurrentIndex(dialog.product.findData("abobotulinumtoxinA"))
    dialog.model.set_rows([InjectionRow("soleus", "left", 40.0, 2)])
    assert [a.code for a in dialog.checks.warnings] == ["toxin_age"]
