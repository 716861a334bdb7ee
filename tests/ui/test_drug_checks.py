"""The oral drug dialog checks the labels' rules as the dose is typed (issue 13): per-kg maxima for a child,
the interaction with the patient's other medicines, and a reason to save past a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDoubleSpinBox
from pytestqt.qtbot import QtBot

from assess.record.domain import OralMedication, PatientDetails
from assess.ui.toxin_checks import OVERRIDE_PREFIX
from assess.ui.treatment_dialog import TreatmentDialog

START = dt.date(2026, 3, 2)
SIX = PatientDetails("C-6", "Child", "Cas", dt.date(2019, 9, 1), "male", "cerebral_palsy")
ADA = PatientDetails("A-1", "Okafor", "Ada", dt.date(1975, 6, 1), "female", "multiple_sclerosis",
                     other_medicines="Ciprofloxacin 500 mg twice daily")


def _dialog(qtbot: QtBot, details: PatientDetails, weight: tuple[float, dt.date] | None) -> TreatmentDialog:
    dialog = TreatmentDialog(None, "oral_medication", details, weight=weight)
    qtbot.addWidget(dialog)
    start = dialog.fields["start"]
    assert isinstance(start, QDateEdit)
    start.setDate(QDate(START.year, START.month, START.day))
    return dialog


def _type(dialog: TreatmentDialog, drug: str, mg: float) -> None:
    combo, dose = dialog.fields["drug"], dialog.fields["dose_mg_per_day"]
    assert isinstance(combo, QComboBox) and isinstance(dose, QDoubleSpinBox)
    combo.setCurrentIndex(combo.findData(drug))
    dose.setValue(mg)


@pytest.mark.parametrize(("mg", "warns"), [(119, False), (120, False), (121, True)])
def test_dantrolene_for_a_20_kg_child_warns_over_6_mg_per_kg(qtbot: QtBot, mg: float, warns: bool) -> None:
    """DANTRIUM, pediatric: up to 2 mg/kg three times daily: 20 kg -> 120 mg/day."""
    dialog = _dialog(qtbot, SIX, (20.0, START - dt.timedelta(days=10)))
    _type(dialog, "dantrolene", mg)
    assert bool(dialog.checks and dialog.checks.needing_reason) == warns
    assert dialog.checks is not None and dialog.checks.isVisibleTo(dialog) == warns
    if warns:
        assert "120 mg/day" in dialog.checks.text()


def test_an_old_weight_is_said_without_asking_a_reason(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, SIX, (20.0, START - dt.timedelta(days=200)))
    _type(dialog, "dantrolene", 50)
    assert dialog.checks is not None and "weight_out_of_date" in [a.code for a in dialog.checks.warnings]
    assert dialog.checks.needing_reason == []


def test_tizanidine_with_ciprofloxacin_asks_a_reason_kept_in_the_notes(qtbot: QtBot,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _dialog(qtbot, ADA, None)
    _type(dialog, "tizanidine", 12)
    assert dialog.checks is not None and "contraindicated" in dialog.checks.text()
    monkeypatch.setattr(dialog, "ask_override", lambda warnings: None)
    dialog._on_buttons_accepted()
    assert dialog.result_treatment is None
    monkeypatch.setattr(dialog, "ask_override", lambda warnings: "Ciprofloxacin stops tomorrow")
    dialog._on_buttons_accepted()
    saved = dialog.result_treatment
    assert isinstance(saved, OralMedication) and saved.notes is not None
    assert saved.notes.startswith(OVERRIDE_PREFIX) and "Ciprofloxacin stops tomorrow" in saved.notes
