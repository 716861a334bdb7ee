"""Checks shown live in the pump event dialog: the pump rules on the event as typed, the refill date before the
pump's low-reservoir alarm and its replacement date, and a pump fact the record refuses (issue 13)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from assess.record import palette
from assess.record.domain import OralMedication, PatientDetails, PumpEvent
from assess.record.errors import RecordError
from assess.record.labels import words
from assess.scoring.alerting import Alert, add_months, n
from assess.scoring.limits import LimitTable
from assess.scoring.pump_rules import refill_date, replacement_date, stop_alerts
from assess.scoring.safety import pump_alerts, titration_origin
from assess.services.checks import check_treatment

# On the implant event only: the pump's own alarm volume and replacement date (docs/design.md).
IMPLANT_FIELDS = ("alarm_ml", "replacement_due")
# The dates these alerts speak of are what the preview says in full, every time.
_PREVIEWED = ("pump_refill_due", "pump_replacement_due")


class PumpChecks(QWidget):
    """The next refill and replacement dates of the pump as the event leaves it, and the warnings of the rules
    on the event typed, worked out from the patient's earlier pump events and oral drugs."""

    def __init__(self, details: PatientDetails, events: Sequence[PumpEvent], drugs: Sequence[OralMedication],
                 limits: LimitTable, labels: Mapping[str, str], readable: Callable[[str], str] = str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._details, self._events, self._drugs, self._limits = details, list(events), list(drugs), limits
        self._labels, self._readable = labels, readable  # the form's field labels, and its way to word a refusal
        self.found: list[Alert] = []
        self.problem: str | None = None
        self.dates = QLabel()
        self.dates.setObjectName("pump_dates")
        self.messages = QLabel()
        self.messages.setObjectName("pump_checks")
        self.messages.setStyleSheet(f"color: {palette.WORSE};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.dates, self.messages):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        self.setVisible(False)

    def watch(self, fields: Mapping[str, QWidget], show_row: Callable[[str, bool], None],
              values: Callable[[], dict[str, Any]]) -> None:
        """Check again whenever a field of the form changes; `values` reads the form as the record has it."""
        self._fields, self._show_row, self._values = fields, show_row, values
        alarm, default = fields["alarm_ml"], self._limits.itb_low_reservoir()
        if isinstance(alarm, QDoubleSpinBox) and default is not None:
            alarm.setSpecialValueText(f"default {n(default.value)} mL")  # what the refill date is worked out with
            alarm.setToolTip(f"The volume left in the reservoir when this pump's low-reservoir alarm sounds (its "
                             f"programmer or manual says); left empty, {n(default.value)} mL is assumed")
        fields["replacement_due"].setToolTip("The battery / elective replacement indicator (ERI) date the pump's "
                                             "programmer gives")
        for field in fields.values():  # a field, or the parts of one (an optional date's day and box)
            for widget in (field, *field.findChildren(QWidget, "", Qt.FindChildOption.FindDirectChildrenOnly)):
                if isinstance(widget, QComboBox):
                    widget.currentIndexChanged.connect(self._on_form_changed)
                elif isinstance(widget, QDateEdit):
                    widget.dateChanged.connect(self._on_form_changed)
                elif isinstance(widget, QDoubleSpinBox):
                    widget.valueChanged.connect(self._on_form_changed)
                elif isinstance(widget, QLineEdit):
                    widget.textChanged.connect(self._on_form_changed)
                elif isinstance(widget, QCheckBox):
                    widget.toggled.connect(self._on_form_changed)
        self._on_form_changed()

    def _on_form_changed(self, *_: object) -> None:
        values = self._values()
        for name in IMPLANT_FIELDS:  # the pump's own facts belong to its implant event
            self._show_row(name, values["event"] == "implant")
        estimate = replacement_date(PumpEvent("implant", values["date"]), self._limits)
        day = self._fields["replacement_due"].findChild(QDateEdit)
        if values["replacement_due"] is None and estimate is not None and day is not None:
            day.blockSignals(True)  # unticked, it starts from the date the rules assume
            day.setDate(QDate(estimate[0].year, estimate[0].month, estimate[0].day))
            day.blockSignals(False)
        self.update_for(PumpEvent(**values) if values["event"] is not None else None)

    def update_for(self, event: PumpEvent | None) -> list[Alert]:
        """Check the event as it stands (None: its kind or date not chosen yet); returns the warnings shown."""
        self.found, self.problem, lines = [], None, []
        if event is not None:
            try:
                check_treatment(self._details, event)
            except RecordError as error:
                where = self._labels.get(error.path, error.path or "Date")
                self.problem = f"{where}: {self._readable(error.message)}"
            history = sorted([e for e in self._events if e.date <= event.date] + [event], key=lambda e: e.date)
            self.found = self._alerts(history, event.date)
            lines = self._dates(history, event.date)
        warnings = ([f"⚠ {self.problem}"] if self.problem else []) + [f"⚠ {a.message}" for a in self.warnings]
        self.dates.setText("\n".join(lines))
        self.messages.setText("\n".join(warnings))
        self.dates.setVisible(bool(lines))
        self.messages.setVisible(bool(warnings))
        self.setVisible(bool(lines or warnings))
        self._fit_window()
        return self.warnings

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_window)  # once the dialog has its first size

    def _fit_window(self) -> None:
        """Grow the dialog to show every line: Qt sizes a new window to at most 2/3 of the screen's height, and
        the wrapped lines here would squeeze the form's fields (the notes) instead."""
        window = self.window()
        layout = window.layout()
        if not window.isVisible() or layout is None:
            return
        layout.activate()
        need = layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth() else -1
        need = max(need, window.sizeHint().height())
        screen = window.screen().availableGeometry().height() if window.screen() else need
        if window.height() < need:
            window.resize(window.width(), min(need, screen - 40))  # the title bar stays on the screen

    @property
    def warnings(self) -> list[Alert]:
        return [a for a in self.found if a.severity == "warning"]

    def _alerts(self, history: list[PumpEvent], day: dt.date) -> list[Alert]:
        mrn, limits = self._details.mrn, self._limits
        origin = titration_origin(self._details.diagnosis, self._details.birth_date, day)
        found = (pump_alerts(mrn, history, day, limits, origin, since=day)
                 + stop_alerts(mrn, history, self._drugs, since=day))
        return [a for a in found if a.date == day and a.code not in _PREVIEWED]

    def _dates(self, history: list[PumpEvent], day: dt.date) -> list[str]:
        """The refill and replacement dates of the pump in place after the event (none after an explant)."""
        implants = [i for i, e in enumerate(history) if e.event == "implant"]
        if not implants or any(e.event == "explant" for e in history[implants[-1]:]):
            return []
        pump = history[implants[-1]:]
        refill = refill_date(pump, self._limits)
        if refill.due is None:
            lines = [f"Next refill: not worked out yet — the {' and '.join(refill.missing)} of the "
                     f"{words(refill.fill.event)} on {refill.fill.date} are not entered."]
        else:
            own = ("the default: enter this pump's own if different" if refill.default_alarm is not None
                   else "this pump's own")
            late = " — OVERDUE" if refill.due < day else ""
            lines = [f"Next refill due by {refill.due}{late}; the low-reservoir alarm ({n(refill.alarm_ml)} mL, "
                     f"{own}) sounds from {refill.due + dt.timedelta(days=1)}."]
        replacement = replacement_date(pump[0], self._limits)
        if replacement is not None:
            due, estimated = replacement
            life = self._limits.first("itb_pump_service_life_years")
            how = (f"estimated: none entered, at most {n(life.value)} years from the implant" if estimated and life
                   else "as entered")
            notice = self._limits.first("itb_replacement_notice_months")
            months = int(notice.value) if notice is not None else 6
            lines.append(f"Pump replacement due by {due} ({how}); schedule it from {add_months(due, -months)}.")
        return lines
