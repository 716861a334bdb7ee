"""The toxin session dialog checks doses and the interval live, and asks a reason to save past a warning."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from assess.record.domain import Injection, PatientDetails, PatientRecord, ToxinSession, Visit
from assess.scoring.limits import load_limits
from assess.scoring.safety import patient_alerts
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


def _weighed(qtbot: QtBot, weighed_on: dt.date, details: PatientDetails = CHILD) -> ToxinSessionDialog:
    dialog = ToxinSessionDialog(None, details, 20.0, None, (), weighed_on=weighed_on)
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.product.setCurrentIndex(dialog.product.findData("onabotulinumtoxinA"))
    return dialog


def test_a_childs_weight_older_than_3_months_is_said_as_units_are_typed(qtbot: QtBot,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13, item 8 (the clinic's rule, not a label figure): the per-kg limits of BOTOX on a weight of
    2024-12-01, 4 months before the session, say so; the same alert `assess alerts` gives for the session."""
    old = dt.date(2024, 12, 1)
    dialog = _weighed(qtbot, old)
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 60.0, 2)])
    assert [a.code for a in dialog.checks.warnings] == ["weight_out_of_date"]
    assert "recorded on 2024-12-01, more than 3 months before" in dialog.checks.text()
    assert dialog.per_kg.text() == "3.0 U/kg at 20 kg (weighed 2024-12-01)"
    record = dataclasses.replace(PatientRecord.from_details(CHILD),
                                 visits=(Visit(old, "follow_up", "Dr A", weight_kg=20.0),),
                                 treatments=(ToxinSession(DAY, "onabotulinumtoxinA",
                                                          (Injection("biceps_brachii", "left", 60.0, 2),)),))
    assert [a for a in patient_alerts(record, DAY, load_limits()) if a.code == "weight_out_of_date"] \
        == dialog.checks.warnings
    # Shown, not asked about: it is about the record (weigh the child), not the injection.
    monkeypatch.setattr(dialog, "ask_override", lambda warnings: pytest.fail("asked for a reason"))
    dialog._on_buttons_accepted()
    assert dialog.result_session is not None and dialog.result_session.notes is None


def test_a_weight_of_3_months_ago_or_an_adults_weight_is_quiet(qtbot: QtBot) -> None:
    dialog = _weighed(qtbot, dt.date(2025, 1, 2))  # 3 months to the day before 2025-04-02
    dialog.model.set_rows([InjectionRow("biceps_brachii", "left", 60.0, 2)])
    assert dialog.checks.warnings == []
    just_over = _weighed(qtbot, dt.date(2025, 1, 1))
    just_over.model.set_rows([InjectionRow("biceps_brachii", "left", 60.0, 2)])
    assert [a.code for a in just_over.checks.warnings] == ["weight_out_of_date"]
    adult = dataclasses.replace(CHILD, birth_date=dt.date(1980, 1, 1))
    grown = _weighed(qtbot, dt.date(2024, 1, 1), adult)
    grown.model.set_rows([InjectionRow("biceps_brachii", "left", 60.0, 2)])
    assert grown.checks.warnings == []
