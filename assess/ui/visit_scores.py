"""The visit's own scores beside the grid: weight, Penn, pain, SCATS and the Disability Assessment Scale."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from assess.record.domain import Visit, VisitScores
from assess.scoring.scales import (
    DAS_DOMAINS,
    PAIN_NRS,
    PENN_FREQUENCY,
    PENN_SEVERITY,
    SCATS_CLONUS,
    SCATS_EXTENSOR,
    SCATS_FLEXOR,
    WEIGHT,
)
from assess.ui.visit_fields import NumberField, ScaleCombo

SCORE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(VisitScores))


def severity_allowed(frequency: int | None) -> bool:
    """Penn severity is recorded only when spasm frequency is above 0 (the record format's rule)."""
    return frequency is not None and frequency > 0


class VisitScoresPanel(QObject):
    """The score fields, in `sections` (group boxes) the editor places beside or under the grid.

    Edits are reported as edited(name, before, after); the editor turns them into undo commands.
    """

    edited = Signal(str, object, object)
    refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.weight = NumberField(WEIGHT, "Weight in kilograms")
        self.weight.edited.connect(lambda before, after: self.edited.emit("weight_kg", before, after))
        self.weight.refused.connect(self.refused)
        self.combos: dict[str, ScaleCombo] = {
            "penn_frequency": ScaleCombo(PENN_FREQUENCY, "Penn spasm frequency"),
            "penn_severity": ScaleCombo(PENN_SEVERITY, "Penn spasm severity"),
            "pain_nrs": ScaleCombo(PAIN_NRS, "Pain, numeric rating 0 to 10"),
            "scats_clonus": ScaleCombo(SCATS_CLONUS, "SCATS clonus"),
            "scats_flexor_spasm": ScaleCombo(SCATS_FLEXOR, "SCATS flexor spasm"),
            "scats_extensor_spasm": ScaleCombo(SCATS_EXTENSOR, "SCATS extensor spasm"),
        }
        for domain, scale in DAS_DOMAINS.items():
            self.combos[f"das_{domain}"] = ScaleCombo(scale, scale.name)
        for name, combo in self.combos.items():
            combo.edited.connect(lambda before, after, name=name: self.edited.emit(name, before, after))
        self.das_total = QLabel()
        self.das_total.setAccessibleName("DAS total")
        self.severity_note = QLabel("Severity is scored when spasm frequency is above 0.")
        self.severity_note.setStyleSheet("color: palette(mid);")

        self.sections: list[QWidget] = [self._group("Weight and spasms", [
            # Alt+letters the window does not use (its menus take P, V, T, W, H; its pages O, R, X): a shared one
            # opened the menu instead of the field (tests/ui/test_keyboard.py).
            ("Wei&ght (kg)", self.weight), ("Penn &frequency", self.combos["penn_frequency"]),
            ("Penn s&everity", self.combos["penn_severity"]), ("", self.severity_note),
            ("P&ain (0–10)", self.combos["pain_nrs"])]),
            self._group("SCATS (spinal cord injury)", [
            ("Clonus", self.combos["scats_clonus"]), ("Flexor spasm", self.combos["scats_flexor_spasm"]),
            ("Extensor spasm", self.combos["scats_extensor_spasm"])]),
            self._group("Disability Assessment Scale", [
            (scale.abbreviation.removeprefix("DAS ").capitalize(), self.combos[f"das_{domain}"])
            for domain, scale in DAS_DOMAINS.items()] + [("Total", self.das_total)])]
        self._refresh()

    @staticmethod
    def _group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in rows:
            if label:
                form.addRow(label, widget)
            else:
                form.addRow(widget)
        return box

    def focus_chain(self) -> list[QWidget]:
        return [self.weight, *self.combos.values()]

    # --- values ----------------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        return self.weight.value() if name == "weight_kg" else self.combos[name].value()

    def set_field(self, name: str, value: Any) -> None:
        if name == "weight_kg":
            self.weight.set_value(value)
        else:
            self.combos[name].set_value(value)
        self._refresh()

    def changes_for(self, name: str, before: Any, after: Any) -> dict[str, tuple[Any, Any]]:
        """The fields one edit changes: frequency 0 (or none) clears the severity in the same step."""
        changes = {name: (before, after)}
        severity = self.combos["penn_severity"].value()
        if name == "penn_frequency" and not severity_allowed(after) and severity is not None:
            changes["penn_severity"] = (severity, None)
        return changes

    def scores(self) -> VisitScores:
        return VisitScores(**{name: self.combos[name].value() for name in SCORE_FIELDS})

    def load(self, visit: Visit) -> None:
        self.weight.set_value(visit.weight_kg)
        for name in SCORE_FIELDS:
            self.combos[name].set_value(getattr(visit.scores, name))
        self._refresh()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.weight.setReadOnly(read_only)
        for combo in self.combos.values():
            combo.setEnabled(not read_only)
        self._refresh()

    _read_only = False

    def _refresh(self) -> None:
        allowed = severity_allowed(self.combos["penn_frequency"].value())
        self.combos["penn_severity"].setEnabled(allowed and not self._read_only)
        self.severity_note.setVisible(not allowed)
        total = self.scores().das_total
        self.das_total.setText("not scored" if total is None else f"{total} of 12")
