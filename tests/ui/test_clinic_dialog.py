"""Clinic settings in the window: the popliteal angle convention chosen, saved for every workstation and audited,
refused when another workstation changed it since (issue 13, item 14)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from assess.record.errors import StaleEditError
from assess.reports.content import Clinic
from assess.services import audit
from assess.services.clinic import popliteal_convention, set_popliteal_convention
from assess.storage.db import Database
from assess.ui import clinic_dialog
from assess.ui.clinic_dialog import ClinicSettingsDialog, edit_clinic_settings


def _answer(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, choose: str | None,
            seen: list[ClinicSettingsDialog]) -> None:
    """The dialog opens as a clinician sees it; the choice is made in its combo box and Save pressed."""
    def exec_(dialog: ClinicSettingsDialog) -> int:
        qtbot.addWidget(dialog)
        seen.append(dialog)
        dialog.name.setText("Elm Clinic")  # the letterhead needs a name to save the settings
        dialog.popliteal.setCurrentIndex(dialog.popliteal.findData(choose))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ClinicSettingsDialog, "exec", exec_)
    monkeypatch.setattr(clinic_dialog, "show_error", lambda _parent, _title, error: pytest.fail(str(error)))


def test_the_convention_is_chosen_in_clinic_settings_saved_and_audited(qtbot: QtBot, database: Database,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ClinicSettingsDialog] = []
    _answer(qtbot, monkeypatch, "extension_deficit", seen)
    said = edit_clinic_settings(None, database)
    assert said is not None and said.startswith("Clinic settings saved")
    assert seen[0].popliteal.currentText() == "Degrees short of full extension (larger = tighter)"
    with database.transaction() as session:
        assert popliteal_convention(session) == "extension_deficit"
        changes = [e for e in audit.events(session) if e.key == "exam.popliteal_convention"]
    assert [(e.action, e.before, e.after) for e in changes] == [("update", None, "extension_deficit")]
    _answer(qtbot, monkeypatch, None, seen)
    edit_clinic_settings(None, database)
    assert seen[1].popliteal.currentData() is None
    assert seen[1].popliteal.itemText(1) == "Degrees short of full extension (larger = tighter)"
    with database.transaction() as session:
        assert popliteal_convention(session) is None


def test_the_dialog_opens_on_the_stored_convention(qtbot: QtBot) -> None:
    dialog = ClinicSettingsDialog(None, frozenset(), Clinic("Elm Clinic"), "extension_deficit")
    qtbot.addWidget(dialog)
    assert dialog.convention() == "extension_deficit"
    assert dialog.popliteal.accessibleName() == "Popliteal angle typed as"


def test_a_convention_changed_on_another_workstation_meanwhile_is_not_overwritten(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def exec_(dialog: ClinicSettingsDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.name.setText("Elm Clinic")
        with database.transaction() as session:  # the other workstation saves while this dialog is open
            set_popliteal_convention(session, "extension_deficit")
        return QDialog.DialogCode.Accepted.value

    shown: list[Exception] = []
    monkeypatch.setattr(ClinicSettingsDialog, "exec", exec_)
    monkeypatch.setattr(clinic_dialog, "show_error", lambda _parent, _title, error: shown.append(error))
    assert edit_clinic_settings(None, database) is None
    assert isinstance(shown[0], StaleEditError) and "popliteal angle settings" in str(shown[0])
    with database.transaction() as session:
        assert popliteal_convention(session) == "extension_deficit"
