"""The patient view: who, the timeline of visits and treatments, the latest findings with change, goals;
the trend charts and the response to each toxin cycle on pages of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assess.record import palette
from assess.record.domain import PatientRecord, age_in_years
from assess.record.labels import words
from assess.scoring.arrows import ANGLE_NOTE, LEGEND
from assess.scoring.change import latest_findings
from assess.scoring.response import cycle_responses
from assess.scoring.safety import Alert
from assess.services.goals import Withdrawal
from assess.services.history import last_weight
from assess.ui.patient_models import GoalsModel, LatestFindingsModel, TimelineModel, t_scores, timeline
from assess.ui.response_table import ResponseModel
from assess.ui.trends import TrendsPanel

if TYPE_CHECKING:
    from assess.services.integrity import Problem

SIDE_BY_SIDE_WIDTH = 1150  # the timeline and the latest findings both whole, side by side, from this width


def header_text(record: PatientRecord, today: dt.date) -> str:
    """'Müller, Zoë · 8 y · born 2017-03-02 · MRN LB-100234 · cerebral palsy, GMFCS III · 22.6 kg · PCP ...'."""
    parts = [f"<b>{record.display_name}</b>", f"{age_in_years(record.birth_date, today)} y",
             f"born {record.birth_date}", f"MRN {record.mrn}",
             words(record.diagnosis) + (f" ({record.diagnosis_note})" if record.diagnosis_note else "")
             + (f", GMFCS {record.gmfcs}" if record.gmfcs else "")]
    weight = last_weight(record)
    if weight:
        parts.append(f"{weight[0]:g} kg ({weight[1]})")
    if record.primary_care:
        phone = f", {record.primary_care.phone}" if record.primary_care.phone else ""
        parts.append(f"PCP {record.primary_care.name}{phone}")
    return " · ".join(parts)


def _table(model: TimelineModel | LatestFindingsModel | GoalsModel | ResponseModel, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


class PatientView(QWidget):
    """Shows one patient; the buttons ask the main window to act (it owns dialogs and editors)."""

    new_visit_requested = Signal()
    visit_open_requested = Signal(object, str)  # date, visit type
    treatment_edit_requested = Signal(object)  # the stored Treatment
    toxin_requested = Signal()
    treatment_requested = Signal(str)  # kind
    goal_requested = Signal()
    goal_edit_requested = Signal(object)  # the stored Goal
    goal_withdraw_requested = Signal(object)
    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: PatientRecord | None = None
        self.header = QLabel()
        self.header.setObjectName("patient_header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-size: 14pt; padding: 4px 2px;")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for text, signal, name in (("New visit (Ctrl+N)", self.new_visit_requested, "New visit"),
                                   ("Toxin session (Ctrl+T)", self.toxin_requested, "Toxin session"),
                                   ("Goal…", self.goal_requested, "New goal"),
                                   ("Edit patient (Ctrl+E)", self.edit_requested, "Edit patient")):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        self.other_treatment = QPushButton("Other treatment…")
        self.other_treatment.setAccessibleName("Other treatment")
        buttons.insertWidget(2, self.other_treatment)
        buttons.addStretch(1)
        self.timeline_model = TimelineModel()
        self.timeline = _table(self.timeline_model, "Timeline of visits and treatments")
        self.timeline.horizontalHeader().setSectionResizeMode(TimelineModel.DETAILS, QHeaderView.ResizeMode.Stretch)
        # The details are the point of the timeline: wrapped onto a second line, never cut to "…".
        self.timeline.setWordWrap(True)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Row heights worked out once per record and per width, not at every layout pass (as ResizeToContents
        # would: it asks every row's every cell again each time, which made opening a patient twice as slow).
        self._rows_fit = QTimer(self)
        self._rows_fit.setSingleShot(True)
        self._rows_fit.setInterval(0)
        self._rows_fit.timeout.connect(self.timeline.resizeRowsToContents)
        self.timeline.horizontalHeader().sectionResized.connect(lambda *_: self._rows_fit.start())
        self.timeline.activated.connect(self._on_timeline_activated)
        self.findings_model = LatestFindingsModel()
        self.findings = _table(self.findings_model, "Latest findings with change since the previous visit")
        self.findings.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.findings.setWordWrap(True)  # two examination days on two lines (rows fitted in show_record)
        self.goals_model = GoalsModel()
        self.goals = _table(self.goals_model, "Goals")
        self.goals.horizontalHeader().setSectionResizeMode(GoalsModel.TEXT, QHeaderView.ResizeMode.Stretch)
        self.t_score = QLabel()
        self.t_score.setObjectName("t_scores")
        self.t_score.setWordWrap(True)
        goals_page = QWidget()
        goals_layout = QVBoxLayout(goals_page)
        goals_layout.addWidget(self.goals)
        goal_buttons = QHBoxLayout()
        self.edit_goal_button = QPushButton("Edit goal…")
        self.withdraw_goal_button = QPushButton("Withdraw goal…")
        for button, signal, tip in ((self.edit_goal_button, self.goal_edit_requested,
                                     "Correct the chosen goal's wording, weights or baseline"),
                                    (self.withdraw_goal_button, self.goal_withdraw_requested,
                                     "Give up the chosen goal from a day on; its scores so far are kept")):
            button.setAccessibleDescription(tip)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, signal=signal: self._emit_goal(signal))
            goal_buttons.addWidget(button)
        goal_buttons.addStretch(1)
        goals_layout.addLayout(goal_buttons)
        goals_layout.addWidget(self.t_score)
        self.alerts = QListWidget()
        self.alerts.setAccessibleName("Open alerts of this patient")
        self.alerts.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.findings, "Latest findings")
        self.tabs.addTab(goals_page, "Goals")
        self.tabs.addTab(self.alerts, "Alerts")
        legend = QLabel(f"{LEGEND} ({ANGLE_NOTE})")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555;")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs)
        right_layout.addWidget(legend)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Timeline (Enter opens a visit or a treatment to correct it)"))
        left_layout.addWidget(self.timeline)
        splitter = self.splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)
        splitter.setSizes([550, 450])  # the timeline's details need the room more than empty grid cells
        splitter.setChildrenCollapsible(False)
        self.trends = TrendsPanel()
        self.response_model = ResponseModel()
        self.responses = _table(self.response_model, "Response to each botulinum toxin cycle")
        self.responses.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.responses.horizontalHeader().setStretchLastSection(True)
        self.response_rule = QLabel(
            "Responder: MAS down by 1 grade or more, or the Tardieu catch angle R1 opened by 10° or more, at the "
            "best examination 2–16 weeks after the session, against the last one before it.")
        self.response_rule.setWordWrap(True)
        self.response_rule.setStyleSheet("color: #555;")
        responses_page = QWidget()
        responses_layout = QVBoxLayout(responses_page)
        responses_layout.addWidget(self.responses, 1)
        responses_layout.addWidget(self.response_rule)
        # Pages with Alt+O / Alt+R / Alt+X, the main window's keys (they work from an exam tab too, so the tab
        # titles carry no mnemonic of their own: two owners of one key would make Qt ignore it).
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(splitter, "Overview (Alt+O)")
        self.pages.addTab(self.trends, "Trends (Alt+R)")
        self.pages.addTab(responses_page, "Toxin response (Alt+X)")
        self.pages.currentChanged.connect(self._on_pages_current_changed)
        # Said in red above everything: what the seal check found changed outside assess (services/integrity.py).
        self.changed_outside = QLabel()
        self.changed_outside.setObjectName("changed_outside")
        self.changed_outside.setWordWrap(True)
        self.changed_outside.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changed_outside.setStyleSheet("background: #fde8e8; color: #8a1010; border: 1px solid #d08080; "
                                           "padding: 6px;")
        self.changed_outside.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.changed_outside)
        layout.addWidget(self.header)
        layout.addLayout(buttons)
        layout.addWidget(self.pages, 1)

    def _emit_goal(self, signal: SignalInstance) -> None:
        row = self.goals.currentIndex().row()
        if self.record is not None and 0 <= row < self.goals_model.rowCount():
            signal.emit(self.goals_model.row(row))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        # Side by side when there is room for both tables whole; on a laptop one above the other, each full width.
        vertical = event.size().width() < SIDE_BY_SIDE_WIDTH
        wanted = Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
            total = event.size().height() if vertical else event.size().width()
            self.splitter.setSizes([total * 11 // 20, total * 9 // 20])

    def show_record(self, record: PatientRecord, today: dt.date | None = None,
                    withdrawn: Mapping[str, Withdrawal] | None = None) -> None:
        self.record = record
        self.header.setText(header_text(record, today or dt.date.today()))
        self.timeline_model.set_rows(timeline(record))
        self.timeline.resizeColumnToContents(TimelineModel.DATE)
        self.timeline.resizeColumnToContents(TimelineModel.WHAT)
        self.timeline.setColumnWidth(TimelineModel.WHAT, min(self.timeline.columnWidth(TimelineModel.WHAT),
                                                             22 * self.fontMetrics().averageCharWidth() + 16))
        self.findings_model.set_changes(latest_findings(record.visits))
        self.findings.resizeRowsToContents()
        self._rows_fit.start()
        self.goals_model.set_record(record, withdrawn)
        if record.goals:
            self.goals.selectRow(0)
        for button in (self.edit_goal_button, self.withdraw_goal_button):
            button.setEnabled(bool(record.goals))
        self.trends.set_record(record)
        responses = cycle_responses(record.visits, record.treatments)
        self.response_model.set_rows(sorted(responses, key=lambda r: r.session.date, reverse=True))
        self.pages.setTabText(2, f"Toxin response ({len(responses)}) (Alt+X)")
        scores = t_scores(record)
        self.t_score.setText("GAS T-score by visit (50 = goals met as expected): "
                             + ", ".join(f"{day} {t:.1f} {part}".rstrip() for day, t, part in scores) if scores
                             else "No goals scored yet.")

    def show_changed_outside(self, problems: Sequence[Problem]) -> None:
        """The records of this patient (or the users) changed behind assess's back, each in a line."""
        self.changed_outside.setVisible(bool(problems))
        if problems:
            lines = "".join(f"<li>{escape(p.text)}</li>" for p in problems)
            self.changed_outside.setText("<b>Changed outside assess since it was signed — do not rely on these "
                                         "records; tell the clinic's IT person (assess audit verify):</b>"
                                         f"<ul style='margin: 2px'>{lines}</ul>")

    def show_alerts(self, found: Sequence[Alert]) -> None:
        """The patient's open alerts: warnings first, each with its source when a limit is behind it."""
        self.alerts.clear()
        for alert in found:
            mark = "⚠" if alert.severity == "warning" else "ℹ"
            source = f"\n    Source: {alert.source}" if alert.source else ""
            item = QListWidgetItem(f"{mark} {alert.date}  {alert.message}{source}")
            if alert.severity == "warning":
                item.setForeground(QBrush(QColor(palette.WORSE)))
            self.alerts.addItem(item)
        warnings = sum(a.severity == "warning" for a in found)
        self.tabs.setTabText(self.tabs.indexOf(self.alerts), f"Alerts ⚠ {warnings}" if warnings
                             else f"Alerts ({len(found)})")

    def focus_target(self) -> QWidget:
        """Where the keys go on the current page: the timeline, the group chooser (Up/Down), the responses."""
        return (self.timeline, self.trends.what, self.responses)[max(0, self.pages.currentIndex())]

    def _on_pages_current_changed(self, _page: int) -> None:
        if self.isVisible():
            self.focus_target().setFocus()

    def show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.focus_target().setFocus()

    def show_trend(self, group: str, chart: str = "mas") -> None:
        """Opens the Trends page on one muscle group."""
        self.pages.setCurrentWidget(self.trends)
        self.trends.show_group(group, chart)

    def _on_timeline_activated(self, index: object) -> None:
        entry = self.timeline_model.entry(self.timeline.currentIndex().row())
        if entry.visit is not None:
            self.visit_open_requested.emit(entry.visit.date, entry.visit.type)
        elif entry.treatment is not None:
            self.treatment_edit_requested.emit(entry.treatment)
