"""Safety checks shown live in the oral drug dialog: the label's maximum for the age and weight, what the
label says below its ages, the interactions with the patient's other medicines, and an old weight."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from assess.record import palette
from assess.record.domain import OralMedication, PatientDetails, PatientRecord, Visit
from assess.scoring.limits import LimitTable
from assess.scoring.oral_rules import interaction_alerts, not_established_alerts, oral_weight_alerts
from assess.scoring.safety import Alert, oral_alerts


class DrugChecks(QLabel):
    """The warnings of the drug period as typed, with the patient's other drugs taken on its start day."""

    def __init__(self, details: PatientDetails, weight: tuple[float, dt.date] | None,
                 others: Sequence[OralMedication], limits: LimitTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drug_checks")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {palette.WORSE};")
        self._details, self._weight, self._others, self._limits = details, weight, list(others), limits
        self.found: list[Alert] = []
        self.setVisible(False)

    def update_for(self, drug: OralMedication | None) -> list[Alert]:
        """Check the period as it stands on its start day (None: not enough typed yet)."""
        self.found = [] if drug is None or not drug.dose_mg_per_day else self._check(drug)
        lines = [("⚠ " if a.severity == "warning" else "ℹ ") + a.message for a in self.found]
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
        return self.found

    def _check(self, drug: OralMedication) -> list[Alert]:
        day, mrn, birth = drug.start, self._details.mrn, self._details.birth_date
        drugs = [d for d in self._others if d != drug] + [drug]
        visits = [Visit(self._weight[1], "other", "", weight_kg=self._weight[0])] if self._weight else []
        record = dataclasses.replace(PatientRecord.from_details(self._details), treatments=tuple(drugs))
        mine = [a for a in oral_alerts(mrn, drugs, birth, self._weight[0] if self._weight else None, day,
                                       self._limits) if drug.drug in a.message]
        return (mine + not_established_alerts(mrn, [drug], birth, day, self._limits)
                + [a for a in interaction_alerts(mrn, record, day, self._limits) if drug.drug in a.message]
                + oral_weight_alerts(mrn, [drug], birth, visits, day, self._limits))

    @property
    def warnings(self) -> list[Alert]:
        return [a for a in self.found if a.severity == "warning"]

    @property
    def needing_reason(self) -> list[Alert]:
        """The warnings about the dose or drug as entered (over the maximum, contraindicated, not for use at
        the age): saving past one asks for a reason. A missing or old weight is shown, not asked about: it is
        about the record, not the prescription."""
        return [a for a in self.warnings if a.code in ("drug_interaction", "oral_not_established")
                or (a.code == "oral_dose_limit" and "over the maximum" in a.message)]
