"""Adding and correcting a patient's treatments and goals: the dialog that asks, then the service that saves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QWidget

from assess.record.domain import OralMedication, PatientRecord, PumpEvent, ToxinSession, Treatment
from assess.record.errors import AssessError
from assess.record.labels import words
from assess.services.history import last_weight
from assess.services.visits import add_goal, add_treatment, replace_treatment
from assess.storage.db import Database


class TreatmentActions:
    """What the Treatment menu does for the open patient. Each action asks in its dialog and saves through the
    services; `saved(mrn, message)` follows a save, `failed(title, error)` a refusal (nothing was saved)."""

    def __init__(self, parent: QWidget, db: Database, saved: Callable[[str, str], None],
                 failed: Callable[[str, AssessError], None], say: Callable[[str], None]) -> None:
        self.parent, self.db = parent, db
        self._saved, self._failed, self._say = saved, failed, say

    def add(self, record: PatientRecord, kind: str) -> None:
        treatment: Treatment | None
        if kind == "botulinum_toxin":
            from assess.ui.toxin_dialog import ToxinSessionDialog

            weight = last_weight(record)
            earlier = [t for t in record.treatments if isinstance(t, ToxinSession)]
            treatment = ToxinSessionDialog.ask(self.parent, record.details, weight[0] if weight else None, None,
                                               earlier, weighed_on=weight[1] if weight else None)
        else:
            from assess.ui.treatment_dialog import TreatmentDialog

            drugs = [t for t in record.treatments if isinstance(t, OralMedication)]
            pumps = [t for t in record.treatments if isinstance(t, PumpEvent)]  # for the pump's dates and rules
            treatment = TreatmentDialog.ask(self.parent, kind, record.details, weight=last_weight(record), others=drugs,
                                            pump_events=pumps)
        if treatment is None:
            return
        try:
            with self.db.transaction() as session:
                add_treatment(session, record.mrn, treatment)
        except AssessError as error:
            self._failed("Treatment not saved", error)
            return
        self._saved(record.mrn, f"{words(kind).capitalize()} saved")

    def correct(self, record: PatientRecord, stored: Treatment) -> None:
        """Correct a stored treatment in its own dialog (a drug's dose change is a new period instead)."""
        corrected: Treatment | None
        if isinstance(stored, ToxinSession):
            from assess.ui.signing import refuse_if_signed
            from assess.ui.toxin_dialog import ToxinSessionDialog

            if refuse_if_signed(self.parent, self.db, record.mrn, stored):
                return
            weight = last_weight(record, stored.date)
            earlier = [t for t in record.treatments if isinstance(t, ToxinSession) and t != stored]
            corrected = ToxinSessionDialog.ask(self.parent, record.details, weight[0] if weight else None, stored,
                                               earlier, weighed_on=weight[1] if weight else None)
        else:
            from assess.ui.treatment_dialog import TreatmentDialog

            if isinstance(stored, PumpEvent):  # checked against the pump's other events, as when it was added
                corrected = TreatmentDialog.ask(
                    self.parent, stored.kind, record.details, stored,
                    others=[t for t in record.treatments if isinstance(t, OralMedication)],
                    pump_events=[t for t in record.treatments if isinstance(t, PumpEvent) and t != stored])
            else:
                corrected = TreatmentDialog.ask(self.parent, stored.kind, record.details, stored)
        if corrected is None or corrected == stored:
            return
        try:
            with self.db.transaction() as session:
                replace_treatment(session, record.mrn, stored, corrected)
        except AssessError as error:
            self._failed("Correction not saved", error)
            return
        self._saved(record.mrn, f"{words(corrected.kind).capitalize()} corrected")

    def change_drug_dose(self, record: PatientRecord) -> None:
        """A dose change closes the current period and opens a new one the same day, saved together."""
        from assess.scoring.current import current_treatments
        from assess.ui.treatment_dialog import TreatmentDialog

        drugs = current_treatments(record.treatments, dt.date.today()).drugs
        if not drugs:
            self._say("No current oral drug to change: add one with Treatment > Oral medication.")
            return
        labels = [f"{words(d.drug).capitalize()} {d.dose_mg_per_day:g} mg/day since {d.start}" for d in drugs]
        if len(drugs) == 1:
            old = drugs[0]
        else:
            chosen, ok = QInputDialog.getItem(self.parent, "Change dose", "Which drug?", labels, 0, False)
            if not ok:
                return
            old = drugs[labels.index(chosen)]
        change = TreatmentDialog.ask_dose_change(
            self.parent, record.details, old, weight=last_weight(record),
            others=[t for t in record.treatments if isinstance(t, OralMedication)])
        if change is None:
            return
        try:
            stopped, new = change
            with self.db.transaction() as session:
                # Against the period as read: a correction saved elsewhere meanwhile is not overwritten.
                replace_treatment(session, record.mrn, old, stopped)
                add_treatment(session, record.mrn, new)
        except AssessError as error:
            self._failed("Dose change not saved", error)
            return
        self._saved(record.mrn, f"{words(old.drug).capitalize()} dose change saved")

    def add_goal(self, record: PatientRecord) -> None:
        from assess.ui.goal_dialog import GoalDialog

        goal = GoalDialog.ask(self.parent, record.details, record.goals)
        if goal is None:
            return
        try:
            with self.db.transaction() as session:
                add_goal(session, record.mrn, goal)
        except AssessError as error:
            self._failed("Goal not saved", error)
            return
        self._saved(record.mrn, "Goal saved")
