"""The main window: the patient list on the left, the open patient and its open visits in tabs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assess.record.domain import PatientDetails, PatientRecord, Treatment
from assess.record.errors import AssessError
from assess.record.labels import words
from assess.services.alerts import alerts
from assess.services.clinic import hidden_muscle_groups
from assess.services.goals import withdrawn_goals
from assess.services.patients import create_patient, patient_details, patients_by_mrn, update_patient
from assess.services.reads import open_patient
from assess.storage.db import Database
from assess.storage.drafts import DraftStore, VisitDraft
from assess.ui import ehr_export
from assess.ui.about import add_help_menu
from assess.ui.goal_actions import goal_action
from assess.ui.messages import show_error
from assess.ui.patient_dialog import PatientDialog
from assess.ui.patient_list import PatientList
from assess.ui.patient_view import PatientView
from assess.ui.settings import Settings
from assess.ui.treatment_actions import TreatmentActions
from assess.ui.users_dialog import manage_users
from assess.ui.window_keys import WindowKeys
from assess.ui.worklist_view import WorklistView

if TYPE_CHECKING:
    from assess.ui.visit_editor import VisitEditor

OTHER_TREATMENTS = ("therapy", "orthosis", "oral_medication", "itb_pump", "sdr", "surgery")
DEMO_PATIENTS = 40
MIN_PAGE_WIDTH = 800


class MainWindow(QMainWindow):
    def __init__(self, db: Database, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.drafts = DraftStore(settings.drafts_folder)
        self.mrn: str | None = None
        self.idle_lock: QObject | None = None  # set at start when the database has users (assess.ui.login)
        self.setWindowTitle(db.describe())  # Qt adds " — assess", the application's display name
        self.resize(1280, 800)

        self.patients = PatientList(db)
        self.patients.patient_chosen.connect(self.open_patient)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent patients")
        self.recent.itemActivated.connect(self._on_recent_activated)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        self.recent_label = QLabel("Recent")
        side_layout.addWidget(self.recent_label)
        side_layout.addWidget(self.recent)
        side_layout.addWidget(QLabel("All patients"))
        side_layout.addWidget(self.patients, 1)
        side_layout.setStretch(1, 0)
        dock = self.patients_dock = QDockWidget("Patients")
        dock.setObjectName("patients_dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        dock.setWidget(side)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        side.setMinimumWidth(320)
        self.resizeDocks([dock], [340], Qt.Orientation.Horizontal)

        self.view = PatientView()
        # Failures are shown through this module's show_error, looked up when they happen.
        self.treatments = TreatmentActions(self, db, self._on_treatment_saved,
                                           lambda title, error: show_error(self, title, error),
                                           self.statusBar().showMessage)
        self.welcome = self._welcome_page()
        self.patient_page = QStackedWidget()
        self.patient_page.addWidget(self.welcome)
        self.patient_page.addWidget(self.view)
        self.tabs = QTabWidget()
        # Set, so a hidden exam tab's width (the exam gets the whole window) never widens the patient tab that
        # shares the window with the patient list: on a 1280-pixel screen both fit.
        self.tabs.setMinimumWidth(MIN_PAGE_WIDTH)
        self.tabs.setTabsClosable(True)
        self.tabs.addTab(self.patient_page, "Patient")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self._on_tabs_close_requested)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.setCentralWidget(self.tabs)

        self.view.new_visit_requested.connect(self.new_visit)
        self.view.visit_open_requested.connect(self.open_visit)
        self.view.treatment_edit_requested.connect(self.edit_treatment)
        self.view.toxin_requested.connect(lambda: self.add_treatment("botulinum_toxin"))
        self.view.goal_requested.connect(self.add_goal)
        self.view.goal_edit_requested.connect(lambda goal: goal_action(self, "edit", goal))
        self.view.goal_withdraw_requested.connect(lambda goal: goal_action(self, "withdraw", goal))
        self.view.edit_requested.connect(self.edit_patient)
        menu = QMenu(self)
        for kind in OTHER_TREATMENTS:
            menu.addAction(words(kind).capitalize(), functools.partial(self.add_treatment, kind))
        self.view.other_treatment.setMenu(menu)
        self._build_actions()
        self._refresh_recent()
        self._update_welcome(at_start=True)
        self.statusBar().showMessage(f"Database: {db.describe()}")

    # --- building -------------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, shortcut: str | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        patient = bar.addMenu("&Patient")
        self._action(patient, "&Find patient", "Ctrl+F", self.focus_search)
        self._action(patient, "&New patient…", "Ctrl+Shift+P", self.new_patient)
        self._action(patient, "&Edit patient…", "Ctrl+E", self.edit_patient)
        patient.addSeparator()
        self._action(patient, "&Worklist", "Ctrl+L", self.open_due_list)
        self._action(patient, "Export &report…", "Ctrl+R", self.export_report)
        self._action(patient, "Export for &EHR…", None, lambda: ehr_export.export_for_ehr(
            self, self.db, self.mrn, self.statusBar().showMessage))
        self._action(patient, "History of &changes…", "Ctrl+H", self.show_change_history)
        patient.addSeparator()
        self._action(patient, "Load &demo patients", None, self.load_demo)
        self._action(patient, "Clinic &settings…", None, self.edit_clinic_settings)
        self._action(patient, "&Users…", None, lambda: manage_users(self, self.db))
        self._action(patient, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        visit = bar.addMenu("&Visit")
        self._action(visit, "&New visit today", "Ctrl+N", self.new_visit)
        self._action(visit, "New visit on &another day…", "Ctrl+Shift+N", self.new_visit_on_day)
        self._action(visit, "&Close tab", "Ctrl+W", lambda: self._on_tabs_close_requested(self.tabs.currentIndex()))
        self.keys = WindowKeys(self, view_menu=self.menuBar().addMenu("Vie&w"))
        treatment = bar.addMenu("&Treatment")
        self._action(treatment, "Botulinum &toxin session…", "Ctrl+T", lambda: self.add_treatment("botulinum_toxin"))
        for kind in OTHER_TREATMENTS:
            self._action(treatment, f"{words(kind).capitalize()}…", None, functools.partial(self.add_treatment, kind))
        self._action(treatment, "Change &drug dose…", "Ctrl+D", self.change_drug_dose)
        self._action(treatment, "&Goal…", "Ctrl+G", self.add_goal)
        treatment.addSeparator()
        self._action(treatment, "&Sign toxin session…", None, functools.partial(self._trust_action, "sign_toxin"))
        self._action(treatment, "Toxin session &addendum…", None,
                     functools.partial(self._trust_action, "toxin_addendum"))
        self.about_action = add_help_menu(self, self.db.describe())

    def show_change_history(self) -> None:
        from assess.ui.change_history import ChangeHistoryDialog

        if self.mrn is None or self.view.record is None:
            self.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return
        ChangeHistoryDialog(self.db, self.mrn, self.view.record.display_name, self).exec()

    def _trust_action(self, which: str) -> None:
        """Signing a toxin session or adding an addendum to one (assess.ui.signing asks and confirms)."""
        from assess.ui.signing import sign_toxin_in_window, toxin_addendum_in_window

        if self.mrn is None:
            self.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return
        act = sign_toxin_in_window if which == "sign_toxin" else toxin_addendum_in_window
        message = act(self, self.db, self.mrn)
        if message:
            self.open_patient(self.mrn)
            self.statusBar().showMessage(message)

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.welcome_text = QLabel("There are no patients in this database yet.")
        self.welcome_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome_text.setWordWrap(True)
        self.welcome_text.setStyleSheet("font-size: 14pt;")
        layout.addWidget(self.welcome_text)
        self.worklist = WorklistView(self.db)  # the first screen: today's worklist
        self.worklist.patient_chosen.connect(self.open_patient_overview)
        layout.addWidget(self.worklist, 100)
        self.first_patient = QPushButton("Create the first patient")
        self.first_patient.clicked.connect(self.new_patient)
        self.demo_button = QPushButton(f"Load {DEMO_PATIENTS} demo patients to try assess")
        self.demo_button.clicked.connect(self.load_demo)
        for button in (self.first_patient, self.demo_button):
            button.setMinimumHeight(36)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _update_welcome(self, at_start: bool = False) -> None:
        empty = self.patients.model.rowCount() == 0 and not self.patients.search.text()
        for widget in (self.welcome_text, self.first_patient, self.demo_button):
            widget.setVisible(empty)
        self.worklist.setVisible(not empty)
        if not empty:
            (self.worklist.refresh_soon if at_start else self.worklist.refresh)()

    # --- patients -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.patients_dock.show()
        self.patients.search.setFocus()
        self.patients.search.selectAll()

    def open_patient(self, mrn: str, show: bool = True) -> None:
        """Show the patient's record; `show=False` refreshes it behind the exam tab the user stays on."""
        try:
            audited = mrn != self.mrn  # a read event, unless the patient on screen is refreshed
            # The event's write takes the audit trail's lock first, which every change of a record also takes,
            # so the audited read is of one moment too; the refresh writes nothing: a snapshot.
            with self.db.transaction() if audited else self.db.read() as session:
                opened = open_patient(session, mrn, audited=audited)
                withdrawn = withdrawn_goals(session, mrn)
        except AssessError as error:
            show_error(self, "Cannot open the patient", error)
            self.settings.forget_recent(mrn)
            self._refresh_recent()
            return
        self.mrn = mrn
        record = opened.record
        self.view.show_record(record, withdrawn=withdrawn)
        self.view.show_changed_outside(opened.problems)
        try:
            with self.db.read() as session:
                self.view.show_alerts(alerts(session, dt.date.today(), [mrn]))
        except AssessError as error:
            self.view.show_alerts([])
            self.statusBar().showMessage(f"Alerts could not be worked out: {error}")
        self.patient_page.setCurrentWidget(self.view)
        self.tabs.setTabText(0, record.display_name)
        if not show:
            return
        self.tabs.setCurrentIndex(0)
        self.settings.add_recent(mrn)
        self._refresh_recent()
        self.keys.focus_page()  # Enter in the search opens the patient: the keys (Ctrl+E, Ctrl+N...) act on it

    def _refresh_recent(self) -> None:
        self.recent.clear()
        recent = self.settings.recent_mrns()
        self.recent.setVisible(bool(recent))
        self.recent_label.setVisible(bool(recent))
        if not recent:
            return
        with self.db.read() as session:
            for patient in patients_by_mrn(session, recent):
                item = QListWidgetItem(f"{patient.display_name}  ·  {patient.mrn}")
                item.setData(Qt.ItemDataRole.UserRole, patient.mrn)
                self.recent.addItem(item)
        rows = min(self.recent.count(), 5)
        self.recent.setFixedHeight(rows * (self.recent.fontMetrics().height() + 6) + 8)

    def _on_recent_activated(self, item: QListWidgetItem) -> None:
        self.open_patient(str(item.data(Qt.ItemDataRole.UserRole)))

    def new_patient(self) -> None:
        def save(details):  # type: ignore[no-untyped-def]
            with self.db.transaction() as session:
                create_patient(session, details)

        details = PatientDialog.ask(self, None, save)
        if details is not None:
            self.patients.refresh()
            self._update_welcome()
            self.open_patient(details.mrn)
            self.statusBar().showMessage(f"Patient {details.mrn} saved {_now()}")

    def edit_patient(self) -> None:
        if self.mrn is None:
            return
        mrn = self.mrn
        with self.db.read() as session:
            current, version = patient_details(session, mrn)
        read_at = [version]  # the version the form shows; a reload moves it on

        def save(details):  # type: ignore[no-untyped-def]
            with self.db.transaction() as session:
                read_at[0] = update_patient(session, mrn, details, read_at[0])

        def reload() -> PatientDetails:
            with self.db.read() as session:
                stored, read_at[0] = patient_details(session, mrn)
            return stored

        details = PatientDialog.ask(self, current, save, reload)
        if details is not None:
            self.patients.refresh()
            self.open_patient(details.mrn)
            self.statusBar().showMessage(f"Patient {details.mrn} saved {_now()}")

    def load_demo(self) -> None:
        from assess.services.demo import add_demo_patients
        from assess.storage.bulk import collector_paused

        self.statusBar().showMessage("Adding demo patients…")
        try:
            with collector_paused(), self.db.transaction() as session:
                report = add_demo_patients(session, DEMO_PATIENTS)
        except AssessError as error:
            show_error(self, "Demo patients not added", error)
            return
        self.patients.refresh()
        self._update_welcome()
        self.statusBar().showMessage(f"Added {report.new_patients} demo patients {_now()}")

    # --- visits ---------------------------------------------------------------------------------
    def _clinician(self) -> str | None:
        if self.settings.clinician:
            return self.settings.clinician
        name, ok = QInputDialog.getText(self, "Clinician", "Your name as it should appear on visits:")
        if not ok or not name.strip():
            return None
        self.settings.clinician = name.strip()
        return self.settings.clinician

    def new_visit(self, day: dt.date | None = None, visit_type: str | None = None) -> None:
        """One keystroke (Ctrl+N) opens today's exam on its first cell."""
        if self.mrn is None or self.view.record is None:
            self.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return
        day = day or dt.date.today()
        if visit_type is None:
            visit_type = "follow_up" if self.view.record.visits else "initial"
        self.open_visit(day, visit_type)

    def new_visit_on_day(self) -> None:
        from assess.ui.new_visit_dialog import NewVisitDialog

        if self.mrn is None:
            return
        chosen = NewVisitDialog.ask(self)
        if chosen is not None:
            self.new_visit(*chosen)

    def open_visit(self, day: dt.date, visit_type: str, draft: VisitDraft | None = None) -> VisitEditor | None:
        # Imported here: the exam editor is not needed to show the first screen (start-up is measured).
        from assess.ui.visit_editor import VisitEditor

        mrn = draft.mrn if draft else self.mrn
        if mrn is None:
            return None
        for i in range(1, self.tabs.count()):
            editor = self.tabs.widget(i)
            if isinstance(editor, VisitEditor) and (editor.mrn, editor.visit_date, editor.visit_type) == (
                    mrn, day, visit_type):
                self.tabs.setCurrentIndex(i)
                return editor
        clinician = draft.visit.clinician if draft else self._clinician()
        if clinician is None:
            return None
        editor = VisitEditor(self.db, mrn, day, visit_type, clinician, self.drafts)
        if draft is not None:
            editor.restore(draft)
        with self.db.read() as session:
            editor.model.hidden_groups = hidden_muscle_groups(session)
        editor.set_order(self.settings.exam_order)
        editor.grid.start()
        editor.order.currentIndexChanged.connect(
            lambda _index: setattr(self.settings, "exam_order", editor.order.currentData()))
        editor.status_changed.connect(self.statusBar().showMessage)
        editor.visit_saved.connect(self._on_editor_visit_saved)
        index = self.tabs.addTab(editor, f"{mrn} · {day} {words(visit_type)}")
        self.tabs.setCurrentIndex(index)
        return editor

    def _on_editor_visit_saved(self, mrn: str) -> None:
        self.patients.refresh()
        if mrn == self.mrn:
            # Refreshed behind the exam: no tab switch there and back (the patient list would show for a moment
            # and widen the window), and the field the save key was pressed in keeps the keys.
            self.open_patient(mrn, show=False)

    def _on_tabs_current_changed(self, index: int) -> None:
        # During an exam the grid gets the whole width; the patient list returns with the patient tab.
        self.patients_dock.setVisible(index <= 0)
        mrn = getattr(self.tabs.widget(index), "mrn", self.mrn)  # an exam's patient is the open one (Ctrl+T, ...)
        if isinstance(mrn, str) and mrn != self.mrn:
            self.open_patient(mrn, show=False)
        self.keys.tab_changed()  # the one place a tab that becomes current gets the keys

    def _on_tabs_close_requested(self, index: int) -> None:
        if index <= 0:
            return
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def offer_restored_drafts(self) -> None:
        """After a crash or power cut: offer the exams that were autosaved but not saved."""
        drafts = self.drafts.load_all()
        if not drafts:
            return
        lines = "\n".join(f"• {d.mrn}: {words(d.visit.type)} on {d.visit.date}, autosaved "
                          f"{d.saved_at.astimezone():%Y-%m-%d %H:%M:%S}" for d in drafts)
        answer = QMessageBox.question(
            self, "Unsaved exams recovered",
            f"These exams were not saved when assess last closed:\n{lines}\n\nOpen them to review and save?")
        if answer == QMessageBox.StandardButton.Yes:
            for draft in drafts:
                self.restore_draft(draft)

    def restore_draft(self, draft: VisitDraft) -> VisitEditor | None:
        return self.open_visit(draft.visit.date, draft.visit.type, draft)

    # --- treatments and goals -----------------------------------------------------------------
    def _open_record(self) -> PatientRecord | None:
        if self.mrn is None or self.view.record is None:
            self.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return None
        return self.view.record

    def _on_treatment_saved(self, mrn: str, message: str) -> None:
        self.open_patient(mrn)
        self.statusBar().showMessage(f"{message} {_now()}")

    def add_treatment(self, kind: str) -> None:
        record = self._open_record()
        if record is not None:
            self.treatments.add(record, kind)

    def edit_treatment(self, stored: Treatment) -> None:
        """Correct a stored treatment in its own dialog (a drug's dose change is a new period instead)."""
        if self.view.record is not None:
            self.treatments.correct(self.view.record, stored)

    def change_drug_dose(self) -> None:
        """A dose change closes the current period and opens a new one the same day, saved together."""
        if self.view.record is None:
            self.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return
        self.treatments.change_drug_dose(self.view.record)

    def add_goal(self) -> None:
        if self.view.record is not None:
            self.treatments.add_goal(self.view.record)

    def export_report(self) -> None:
        """The PDF for the primary care doctor of the open patient's latest visit, built off this thread."""
        from assess.ui import report_export

        if self.mrn is None:
            self.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return
        worker = report_export.start_report(self, self.db, self.mrn, self.statusBar().showMessage,
                                            lambda message: show_error(self, "Report not written",
                                                                       AssessError(message)))
        if worker is not None:
            self.report_worker = worker

    def open_due_list(self) -> None:
        self.patient_page.setCurrentWidget(self.welcome)
        self.tabs.setCurrentIndex(0)
        self.tabs.setTabText(0, "Worklist")
        self.worklist.refresh()
        self.worklist.list.setFocus()

    def open_patient_overview(self, mrn: str) -> None:
        self.open_patient(mrn)
        self.view.pages.setCurrentIndex(0)

    def edit_clinic_settings(self) -> None:
        from assess.ui.clinic_dialog import edit_clinic_settings

        said = edit_clinic_settings(self, self.db)  # the letterhead, hidden rows and popliteal convention
        if said is not None:
            self.statusBar().showMessage(said)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Open exams keep their autosaved drafts: nothing typed is lost by closing the window.
        self.worklist.wait()
        event.accept()


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")

