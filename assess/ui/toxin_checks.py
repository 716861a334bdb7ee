"""Safety checks shown live in the toxin session dialog, and the reason asked to save past a warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QInputDialog, QLabel, QWidget

from assess.record import palette
from assess.record.domain import PatientDetails, ToxinSession
from assess.scoring.limits import LimitTable
from assess.scoring.safety import Alert, toxin_session_alerts
from assess.scoring.toxin_rules import toxin_weight_alerts

OVERRIDE_PREFIX = "Safety warning overridden"


def override_note(notes: str | None, reason: str, warnings: Sequence[Alert]) -> str:
    """The session's notes with the override recorded: it travels with the session (and its export)."""
    what = " ".join(a.message for a in warnings)
    line = f"{OVERRIDE_PREFIX} on {dt.date.today()}: {reason.strip()} (warnings: {what})"
    return f"{notes.rstrip()}\n{line}" if notes else line


class ToxinChecks(QLabel):
    """The warnings of the session as typed: dose against the label's limits, interval since the last, and a
    child's weight (recorded on `weighed_on`) too old for the per-kg limits."""

    def __init__(self, details: PatientDetails, weight_kg: float | None, earlier: Sequence[ToxinSession],
                 limits: LimitTable, parent: QWidget | None = None, *, weighed_on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toxin_checks")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {palette.WORSE};")
        self._details, self._weight, self._earlier, self._limits = details, weight_kg, list(earlier), limits
        self._weighed_on = weighed_on if weight_kg is not None else None
        self.found: list[Alert] = []

    def update_for(self, session: ToxinSession | None) -> list[Alert]:
        """Check the session as it stands (None: not enough typed yet); returns and shows what applies."""
        if session is None or not session.injections:
            self.found = []
        else:
            mrn, birth = self._details.mrn, self._details.birth_date
            self.found = (toxin_session_alerts(mrn, session, birth, self._weight, self._earlier, self._limits)
                          + toxin_weight_alerts(mrn, session, birth, self._weighed_on, self._limits))
        lines = [("⚠ " if a.severity == "warning" else "ℹ ") + a.message for a in self.found]
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
        return self.found

    @property
    def warnings(self) -> list[Alert]:
        return [a for a in self.found if a.severity == "warning"]

    @property
    def needing_reason(self) -> list[Alert]:
        """The warnings about the doses and dates as entered: saving past one asks for a reason. A weight too
        old is shown, not asked about (as in the drug dialog): it is about the record, not the injection."""
        return [a for a in self.warnings if a.code != "weight_out_of_date"]


def ask_override_reason(parent: QWidget | None, warnings: Sequence[Alert]) -> str | None:
    """The clinician's reason to go ahead despite the warnings; None (or empty) keeps the dialog open."""
    text = "\n\n".join(f"⚠ {a.message}" for a in warnings)
    reason, ok = QInputDialog.getMultiLineText(
        parent, "Save past a safety warning",
        f"{text}\n\nTo save the session as entered, give the reason (it is kept with the session):")
    return reason.strip() if ok and reason.strip() else None
