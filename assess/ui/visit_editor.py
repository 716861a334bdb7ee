"""The visit editor: the exam grid, the visit's scores and goals, undo, autosaved drafts and Save."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QUndoStack
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from assess.record.actor import ADDENDUM, RECORD_VISIT, allows
from assess.record.domain import Visit
from assess.record.errors import AssessError, RecordError, StaleEditError
from assess.record.labels import words
from assess.scoring.change import toxin_sessions, worsening
from assess.services.integrity import signed_visit_problems
from assess.services.signing import Signature, add_addendum, addenda, sign_visit, visit_signature
from assess.services.visits import record_visit
from assess.storage.db import Database
from assess.storage.drafts import DraftStore, VisitDraft
from assess.ui import messages
from assess.ui.exam_grid import ExamGrid
from assess.ui.exam_model import ExamGridModel, template_for
from assess.ui.messages import ask_reload
from assess.ui.signing import ADDENDUM_KEYS, AddendumDialog, addenda_html, confirm_signing, db_role, signed_line
from assess.ui.undo import confirm_copied, copy_from_last_visit, field_changes
from assess.ui.visit_context import load_visit_context
from assess.ui.visit_details import VisitDetailsPanel
from assess.ui.visit_layout import VisitSections, VisitSplitter, claim_width_only_when_shown, exam_column
from assess.ui.visit_scores import SCORE_FIELDS, VisitScoresPanel
from assess.ui.visit_toolbar import VisitBanners, VisitToolbar
from assess.ui.worsening_prompt import TriggerDialog, WorseningLine, WorseningRule, worsening_text

WORSENING_DELAY_MS = 150  # the worsening line follows the typing this long after the last key
AUTOSAVE_MS = 1000  # a change is on disk within about a second (UX.md: the clinician must trust it)


def show_error(parent: QWidget | None, title: str, error: Exception) -> None:
    messages.show_error(parent, title, error)  # looked up at call time, so tests can replace either name


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


class VisitEditor(QWidget):
    status_changed = Signal(str)
    visit_saved = Signal(str)  # the patient's MRN

    def __init__(self, db: Database, mrn: str, visit_date: dt.date, visit_type: str, clinician: str,
                 drafts: DraftStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.mrn, self.visit_date, self.visit_type = db, mrn, visit_date, visit_type
        self.clinician, self.drafts = clinician, drafts
        context = load_visit_context(db, mrn, visit_date, visit_type)
        self.record, self.version = context.record, context.version
        self.stored = context.stored
        if self.stored is not None:
            self.clinician = self.stored.clinician  # the examiner of a stored visit stays its author
        self.last_exam = context.last_exam
        # A reader sees every exam and changes none: the same read-only editor, with its own banner.
        self.viewer_only = not allows(db_role(db), RECORD_VISIT)
        self.read_only = (self.stored is not None and self.stored.status == "signed") or self.viewer_only
        self.signature: Signature | None = None
        self.changed_outside: list[str] = []  # what the seal check found changed since it was signed
        with db.transaction() as session:
            if self.read_only and self.stored is not None and self.stored.status == "signed":
                self.signature = visit_signature(session, mrn, visit_date, visit_type)
                self.changed_outside = signed_visit_problems(session, self.record, visit_date, visit_type)
            self.addenda = [a for a in addenda(session, mrn) if a.record == "visit"
                            and (a.record_date, a.record_detail) == (visit_date, visit_type)] if self.stored else []
        self._restored = False
        self._loading = False

        self.undo_stack = QUndoStack(self)
        self.model = ExamGridModel(template_for(self.stored) if self.stored and self.stored.findings
                                   else template_for(self.last_exam), self)
        self.model.popliteal_convention = context.popliteal_convention
        if self.last_exam is not None:
            self.model.set_last_visit(self.last_exam.findings, self.last_exam.date)
        self.grid = ExamGrid(self.model, self.undo_stack)
        self.scores = VisitScoresPanel()
        self.details = VisitDetailsPanel(context.goals, visit_date)
        self._autosave = QTimer(self, singleShot=True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        self._build()
        self._load(self.stored)
        if self.read_only:
            self._set_read_only()
        self.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)
        self.scores.edited.connect(self._on_field_edited)
        self.scores.refused.connect(self.grid.help_line.warn)
        self.details.edited.connect(self._on_field_edited)
        self.setFocusProxy(self.grid)
        claim_width_only_when_shown(self)  # behind another tab, the exam does not widen the window
        self.grid.start()
        self._offer_existing_draft()

    # --- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        patient = self.record
        title = QLabel(f"<b>{patient.display_name}</b> · MRN {patient.mrn} — {words(self.visit_type).capitalize()}"
                       f" on {self.visit_date:%Y-%m-%d} · {self.clinician}")
        title.setAccessibleName("Visit")
        last = self.last_exam.date if self.last_exam else None
        self.toolbar = VisitToolbar(self.undo_stack, db_role(self.db), last, self.model.template)
        bar = self.toolbar
        # The editor's own names for the bar's parts (its methods and the tests reach them so).
        self.template, self.order, self.status = bar.template, bar.order, bar.status
        self.copy_button, self.confirm_button, self.save_button = bar.copy_button, bar.confirm_button, bar.save_button
        self.sign_button, self.addendum_button = bar.sign_button, bar.addendum_button
        self.undo_action, self.redo_action, self.save_action = bar.undo_action, bar.redo_action, bar.save_action
        self.sign_action, self.addendum_action = bar.sign_action, bar.addendum_action
        self.template.currentIndexChanged.connect(self._on_template_changed)
        self.order.currentIndexChanged.connect(lambda _i: self.set_order(self.order.currentData()))
        self.copy_button.clicked.connect(self.copy_from_last_visit)
        self.confirm_button.clicked.connect(self.confirm_copied)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        self.save_action.triggered.connect(self.save)
        self.sign_action.triggered.connect(self.sign)
        self.addendum_action.triggered.connect(self.add_addendum)
        self.save_button.clicked.connect(self.save)
        self.sign_button.clicked.connect(self.sign)
        self.addendum_button.clicked.connect(self.add_addendum)
        for action in bar.key_actions():
            # Window-wide while this tab is shown (hidden tabs' keys sleep): Ctrl+S works from the tab bar too.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.banners = VisitBanners()
        self.banner, self.addenda_label = self.banners.banner, self.banners.addenda_label
        self.restore_button, self.put_back_button = self.banners.restore_button, self.banners.put_back_button
        self.put_back_button.clicked.connect(self.put_back_refused)
        self.worsening_line = WorseningLine()
        self.worsening_rule = WorseningRule()
        self._asked_about = ""  # the worsening the trigger checklist was last asked for at save
        self._worsening_timer = QTimer(self)
        self._worsening_timer.setSingleShot(True)
        self._worsening_timer.setInterval(WORSENING_DELAY_MS)
        self._worsening_timer.timeout.connect(self._refresh_worsening)
        self._refused: Visit | None = None

        exam = exam_column(self.grid, self.last_exam.date if self.last_exam else None)
        details = self.details
        self.sections = VisitSections([
            ("Scores", self.scores.sections),
            ("Goals and notes", [details.goals_box, details.notes_box]),
            ("Triggers and symptoms", [details.triggers_box, details.symptoms_box]),
        ])
        self.details.symptoms.set_columns(2)
        self.splitter = VisitSplitter(exam, self.sections, self._on_splitter_arranged)
        self.splitter.arrange(0)
        self.model.modelReset.connect(lambda: QTimer.singleShot(0, self.splitter.fit))

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banners)
        layout.addWidget(self.worsening_line)
        layout.addWidget(self.worsening_rule)
        layout.addWidget(self.splitter, 1)
        chain = [self.grid, *self.scores.focus_chain(), *self.details.focus_chain(), self.template, self.order,
                 self.copy_button, self.confirm_button, self.save_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._refresh_buttons()

    # --- content ---------------------------------------------------------------------------------
    def _load(self, visit: Visit | None) -> None:
        self._loading = True
        try:
            empty = Visit(self.visit_date, self.visit_type, self.clinician)
            self.model.load(visit.findings if visit else ())
            self.scores.load(visit or empty)
            self.details.load(visit or empty)
        finally:
            self._loading = False
        self._refresh_tab_titles()
        self._refresh_worsening()

    def visit(self) -> Visit:
        """The visit as it stands in the editor (a copied value counts only once confirmed)."""
        stored = self.stored
        return Visit(
            date=self.visit_date, type=self.visit_type, clinician=self.clinician,
            status=stored.status if stored else "draft", signed_at=stored.signed_at if stored else None,
            weight_kg=self.scores.value("weight_kg"), findings=self.model.findings(), scores=self.scores.scores(),
            triggers=self.details.value("triggers"), symptoms=self.details.value("symptoms"),
            goal_scores=self.details.goal_scores(), notes=self.details.value("notes"),
        )

    def set_field(self, name: str, value: Any) -> None:
        """Undo commands land here (FieldTarget)."""
        if name == "weight_kg" or name in SCORE_FIELDS:
            self.scores.set_field(name, value)
        else:
            self.details.set_field(name, value)
        self._refresh_tab_titles()

    def _refresh_tab_titles(self) -> None:
        """In tabs, a glance at the titles says what is filled in behind them."""
        scored = sum(self.scores.value(n) is not None for n in ("weight_kg", *SCORE_FIELDS))
        t = self.details.t_score_value()
        ticked = len(self.details.value("triggers")) + len(self.details.value("symptoms"))
        self.sections.set_tab_title(0, f"Scores ({scored})" if scored else "Scores")
        self.sections.set_tab_title(1, "Goals and notes" + (f" · T {t:.1f}" if t is not None else "")
                                    + (" ✎" if self.details.value("notes") else ""))
        self.sections.set_tab_title(2, f"Triggers and symptoms ({ticked})" if ticked else "Triggers and symptoms")

    def restore(self, draft: VisitDraft) -> None:
        """Show what was autosaved (after a crash), still to be saved; the draft file stays until then."""
        self._load(draft.visit)
        self.clinician = draft.visit.clinician or self.clinician
        self.version = draft.base_version
        self.undo_stack.clear()
        self._restored = True
        self.restore_button.hide()
        saved = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        self._set_banner(f"Restored the exam autosaved on {saved}. Check it, then save (Ctrl+S)."
                         + (" This visit is signed: it cannot be saved over." if self.read_only else ""))
        self._announce(f"Draft restored from {saved} — not saved yet")

    @property
    def dirty(self) -> bool:
        return self._restored or not self.undo_stack.isClean()

    # --- actions ---------------------------------------------------------------------------------
    def set_template(self, name: str) -> None:
        self.model.set_template(name)
        self.template.setCurrentIndex(self.template.findData(name))
        self.grid.start()

    def set_order(self, order: str) -> None:
        self.grid.order = order
        self.order.setCurrentIndex(self.order.findData(order))

    def copy_from_last_visit(self) -> None:
        if self.read_only or self.last_exam is None:
            return
        self.grid.flush()
        if not self.model.copy_candidates():
            self._announce("Nothing to copy: every cell of the last visit has today's value already")
            return
        self.undo_stack.push(copy_from_last_visit(self.model))
        self.grid.setFocus()

    def confirm_copied(self) -> None:
        if self.model.pending_cells():
            self.undo_stack.push(confirm_copied(self.model))

    def undo(self) -> None:
        self.grid.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.grid.flush()
        self.undo_stack.redo()

    def save_draft(self) -> bool:
        """Write the exam as it stands to the draft folder (called by the autosave timer)."""
        self._autosave.stop()
        if self.read_only or not self.dirty:
            return False
        draft = VisitDraft(self.mrn, self.visit(), self.version, dt.datetime.now(dt.UTC))
        try:
            self.drafts.save(draft)
        except OSError as error:
            self._announce(f"Draft NOT saved ({error.strerror or error}) — save the visit now")
            return False
        self._announce(f"Draft saved {_now()}")
        return True

    def save(self) -> bool:
        """Write the visit through record_visit; on any refusal the message is shown and the draft kept."""
        if self.read_only:
            self._announce("This visit is signed and cannot be changed")
            return False
        self.grid.flush()
        visit = self.visit()
        if not self._triggers_asked(visit):
            return False
        visit = self.visit()
        try:
            with self.db.transaction() as session:
                # 0 for a visit not stored when opened: someone creating it meanwhile is then a stale edit.
                version = record_visit(session, self.mrn, visit, expected_version=self.version or 0)
        except AssessError as error:  # a refusal, or the server gone: the draft keeps it all
            self.save_draft()
            self._announce("Not saved — your changes are kept in the draft")
            if isinstance(error, StaleEditError):
                if ask_reload(self, error):
                    self.reload()
                return False
            if isinstance(error, RecordError):
                self.grid.point_at(error.path)
            show_error(self, "Visit not saved", error)
            return False
        self.version = version
        self.stored = visit
        self.drafts.discard(self.mrn, self.visit_date, self.visit_type)
        self._autosave.stop()
        self._restored = False
        self.undo_stack.setClean()
        self.banner.hide()
        self.put_back_button.hide()
        self._refused = None
        self._announce(f"Saved {_now()}")
        self.visit_saved.emit(self.mrn)
        return True

    def sign(self) -> bool:
        """Save what is unsaved, ask, then sign: from now on the visit is read-only and takes addenda."""
        if self.read_only:
            return False
        if (self.dirty or self.stored is None) and not self.save():
            return False
        what = f"the {words(self.visit_type)} visit of {self.record.display_name} on {self.visit_date:%Y-%m-%d}"
        if not confirm_signing(self, what):
            self._announce("Not signed")
            return False
        try:
            with self.db.transaction() as session:
                signature = sign_visit(session, self.mrn, self.visit_date, self.visit_type,
                                       expected_version=self.version)
        except AssessError as error:
            show_error(self, "Visit not signed", error)
            return False
        self.version = (self.version or 0) + 1
        assert self.stored is not None
        self.stored = dataclasses.replace(self.stored, status="signed", signed_at=signature.signed_at)
        self.signature = signature
        self.read_only = True
        self._set_read_only()
        self._announce(signed_line(signature.signed_by, None))
        self.visit_saved.emit(self.mrn)
        return True

    def add_addendum(self) -> bool:
        """A correction beside the signed visit: text and optionally one finding's corrected MAS."""
        if not self.read_only or self.stored is None:
            return False
        what = f"the {words(self.visit_type)} visit on {self.visit_date:%Y-%m-%d}"
        answer = AddendumDialog.ask(self, what, self.stored.findings)
        if answer is None:
            return False
        text, corrected = answer
        try:
            with self.db.transaction() as session:
                added = add_addendum(session, self.mrn, "visit", self.visit_date, self.visit_type, text, corrected)
        except AssessError as error:
            show_error(self, "Addendum not added", error)
            return False
        self.addenda.append(added)
        self._show_addenda()
        self._announce("Addendum added")
        self.visit_saved.emit(self.mrn)
        return True

    def _show_addenda(self) -> None:
        findings = self.stored.findings if self.stored else ()
        self.addenda_label.setText(addenda_html(self.addenda, findings))
        self.addenda_label.setVisible(bool(self.addenda))

    def reload(self) -> None:
        """Show the visit as stored now (saved on another workstation); the values it refused can be put back."""
        self._refused = self.visit()
        context = load_visit_context(self.db, self.mrn, self.visit_date, self.visit_type)
        self.stored, self.version = context.stored, context.version
        if self.stored is not None:
            self.clinician = self.stored.clinician  # as when opened: the examiner of a stored visit stays its author
        self.read_only = self.stored is not None and self.stored.status == "signed"
        self._load(self.stored)
        self.undo_stack.clear()
        self._restored = False
        if self.read_only:
            self._set_read_only()
            return
        clinician = f" by {self.stored.clinician}" if self.stored else ""
        self._set_banner(f"Reloaded: this is the visit as saved on another workstation{clinician}. Your values are "
                         "not saved; put them back over it, or go on from theirs.")
        self.put_back_button.show()
        self._announce("Reloaded the visit saved elsewhere")

    def put_back_refused(self) -> None:
        """The clinician's refused values over the reloaded visit, to be saved knowingly (against its version)."""
        if self._refused is None:
            return
        self.restore(VisitDraft(self.mrn, self._refused, self.version, dt.datetime.now(dt.UTC)))
        self._refused = None
        self.put_back_button.hide()
        self._set_banner("Your values are back, over the visit saved elsewhere. Save (Ctrl+S) to keep them.")

    # --- events ----------------------------------------------------------------------------------
    def _on_field_edited(self, name: str, before: Any, after: Any) -> None:
        if self._loading:
            return
        changes = self.scores.changes_for(name, before, after) if name in SCORE_FIELDS else {name: (before, after)}
        self.undo_stack.push(field_changes(self, f"{name.replace('_', ' ')} = {after}", changes))

    def _on_undo_stack_index_changed(self, _index: int) -> None:
        if not self.read_only and not self._autosave.isActive():
            self._autosave.start()
        self._refresh_buttons()
        # Judged a moment after the typing stops: the keystroke itself stays as fast as before.
        self._worsening_timer.start()

    # --- worsening -------------------------------------------------------------------------------
    def _refresh_worsening(self) -> None:
        visit = self.visit()
        self.worsening_line.show_worsening(worsening(self.record.visits, visit, toxin_sessions(self.record)),
                                           len(visit.triggers))
        self.worsening_rule.setVisible(self.worsening_line.isVisibleTo(self))

    def _triggers_asked(self, visit: Visit) -> bool:
        """At save, worsening with no trigger ticked asks the trigger checklist once; False: back to the exam."""
        # Against earlier days: the stored copy of this visit is left out.
        flag = worsening(self.record.visits, visit, toxin_sessions(self.record))
        if not flag or visit.triggers or self._asked_about == worsening_text(flag):
            return True
        dialog = TriggerDialog(flag, visit.triggers, self)
        if self.ask(dialog) != QDialog.DialogCode.Accepted:
            self._announce("Not saved yet: back to the exam")
            return False
        self._asked_about = worsening_text(flag)
        if dialog.triggers():
            self.undo_stack.push(field_changes(self, f"triggers = {dialog.triggers()}",
                                               {"triggers": (visit.triggers, dialog.triggers())}))
        return True

    def ask(self, dialog: QDialog) -> int:
        """Runs a question modally (its own method, so a test can answer the real dialog while it runs)."""
        return dialog.exec()

    def _on_template_changed(self, _index: int) -> None:
        self.set_template(self.template.currentData())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.splitter.arrange(event.size().width())

    def _on_splitter_arranged(self, wide: bool) -> None:
        self.details.triggers.set_columns(2 if wide else 4)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Leaving the tab (or closing it): what was typed in the last second goes to the draft now.
        if self._autosave.isActive():
            self.save_draft()
        super().hideEvent(event)

    # --- helpers ---------------------------------------------------------------------------------
    def _refresh_buttons(self) -> None:
        pending = len(self.model.pending_cells())
        self.confirm_button.setText(f"Confirm copied ({pending})" if pending else "Confirm copied")
        self.confirm_button.setEnabled(pending > 0 and not self.read_only)

    def _announce(self, text: str) -> None:
        self.status.setText(text)
        self.status_changed.emit(text)

    def _set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def _set_read_only(self) -> None:
        self.undo_stack.clear()  # nothing typed before signing can be undone into the signed visit's screen
        self.model.set_read_only(True)
        self.scores.set_read_only(True)
        self.details.set_read_only(True)
        may_correct = allows(db_role(self.db), ADDENDUM)
        self.toolbar.set_read_only(may_correct)
        signed = self.stored.signed_at if self.stored else None
        if self.viewer_only and signed is None:
            self._set_banner("Read-only: you are logged in as a reader, who sees exams and changes none.")
            self.grid.read_only_note = "You are logged in as a reader: exams are shown here, not changed."
            self.status.setText("Read-only")
            self._show_addenda()
            return
        line = signed_line(self.signature.signed_by if self.signature else None, signed)
        self._set_banner(f"{line}: read-only. A correction is added as an addendum"
                         + (f" ({ADDENDUM_KEYS})." if may_correct else " by a clinician.")
                         + "".join(f"\nCHANGED OUTSIDE ASSESS: {text}" for text in self.changed_outside))
        self.status.setText("Signed")
        self._show_addenda()

    def _offer_existing_draft(self) -> None:
        if self.read_only:
            return
        draft = self.drafts.load(self.mrn, self.visit_date, self.visit_type)
        if draft is None:
            return
        saved = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        self._set_banner(f"An exam of this visit was autosaved on {saved} but not saved. "
                         "Restore it, or go on and it will be replaced by this one.")
        self.restore_button.show()
        self.restore_button.clicked.connect(lambda: self.restore(draft))
