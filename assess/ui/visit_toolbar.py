"""The visit editor's bars: the tools row (template, order, copy, undo, save, sign) with its keys, and the banners."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assess.record.actor import SIGN, allows
from assess.ui.signing import ADDENDUM_KEYS, SIGN_KEYS

TEMPLATE_NAMES = {"both": "Upper and lower limbs", "lower": "Lower limbs", "upper": "Upper limbs"}
ORDER_NAMES = {"pairs": "Left, right, next group", "all_left_then_right": "All left, then all right"}


class VisitToolbar(QWidget):
    """The row above the exam grid, and the actions behind its keys (the editor connects and owns them)."""

    def __init__(self, undo_stack: QUndoStack, role: str, last_exam: dt.date | None, template: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = QComboBox()
        self.template.setAccessibleName("Template: muscle groups shown")
        for code, name in TEMPLATE_NAMES.items():
            self.template.addItem(name, code)
        self.template.setCurrentIndex(self.template.findData(template))
        self.order = QComboBox()
        self.order.setAccessibleName("Order the cursor follows")
        for code, name in ORDER_NAMES.items():
            self.order.addItem(name, code)
        self.copy_button = QPushButton("&Copy last visit")
        self.copy_button.setAccessibleName("Copy from last visit")
        self.copy_button.setEnabled(last_exam is not None)
        self.copy_button.setToolTip(f"Fill empty cells with the values of the last visit ({last_exam}), shown grey "
                                    "until confirmed" if last_exam else "No earlier visit with findings")
        self.confirm_button = QPushButton("Confirm copied")
        self.confirm_button.setAccessibleName("Confirm all copied values")
        self.confirm_button.setToolTip("Keep every grey copied value as today's finding (Space confirms one)")
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.redo_action = QAction("Redo", self)
        # Ctrl+Y everywhere (UX.md), besides the platform's own redo keys; each once, or Qt finds it ambiguous.
        redo_keys = [QKeySequence("Ctrl+Y"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
        self.redo_action.setShortcuts(list(dict.fromkeys(redo_keys)))
        self.save_action = QAction("Save", self)
        self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        # Signing and addenda: what the logged-in role may not do is greyed out (the services refuse it anyway).
        self.sign_action = QAction("Sign visit…", self)
        self.sign_action.setShortcut(QKeySequence(SIGN_KEYS))
        self.sign_action.setEnabled(allows(role, SIGN))
        self.addendum_action = QAction("Add addendum…", self)
        self.addendum_action.setShortcut(QKeySequence(ADDENDUM_KEYS))
        self.addendum_action.setEnabled(False)
        self.sign_button = QPushButton("Sig&n…")
        self.sign_button.setAccessibleName("Sign visit")
        self.sign_button.setToolTip(f"Sign the visit ({SIGN_KEYS}); it can then no longer be changed"
                                    if allows(role, SIGN) else "Only a clinician signs visits")
        self.sign_button.setEnabled(allows(role, SIGN))
        self.addendum_button = QPushButton("Add a&ddendum…")
        self.addendum_button.setAccessibleName("Add addendum")
        self.addendum_button.setToolTip(f"Add a correction beside the signed visit ({ADDENDUM_KEYS})")
        self.addendum_button.hide()
        undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        undo_button, redo_button = QToolButton(), QToolButton()
        undo_button.setDefaultAction(self.undo_action)
        redo_button.setDefaultAction(self.redo_action)
        undo_button.setToolTip("Undo (Ctrl+Z)")
        redo_button.setToolTip("Redo (Ctrl+Y)")
        self.status = QLabel("No changes yet")
        self.status.setObjectName("visit_status")
        self.status.setAccessibleName("Save status")
        # "Signed by … on …" or "Draft restored from … — not saved yet" must not widen the row (and the window)
        # past a laptop's screen: it wraps onto a second line instead.
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(self.status.fontMetrics().averageCharWidth() * 16)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save the visit to the record (Ctrl+S)")
        self.save_button.setAccessibleName("Save visit")

        tools = QHBoxLayout(self)
        tools.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("Te&mplate", self.template), ("C&ursor order", self.order)):  # not Alt+T, Alt+O
            caption = QLabel(label)
            caption.setBuddy(widget)
            tools.addWidget(caption)
            tools.addWidget(widget)
        tools.addWidget(self.copy_button)
        tools.addWidget(self.confirm_button)
        tools.addStretch(1)
        tools.addWidget(undo_button)
        tools.addWidget(redo_button)
        tools.addWidget(self.status)
        tools.addWidget(self.save_button)
        tools.addWidget(self.sign_button)
        tools.addWidget(self.addendum_button)

    def set_read_only(self, may_correct: bool) -> None:
        """A signed (or reader's) visit: nothing to copy, save or sign; an addendum when the role may correct."""
        for widget in (self.copy_button, self.confirm_button, self.save_button):
            widget.setEnabled(False)
        self.save_action.setEnabled(False)
        self.sign_action.setEnabled(False)
        self.sign_button.hide()
        self.addendum_button.setVisible(may_correct)
        self.addendum_action.setEnabled(may_correct)

    def key_actions(self) -> tuple[QAction, ...]:
        """The actions with keys, for the editor to hold (so their keys work wherever its focus is)."""
        return self.undo_action, self.redo_action, self.save_action, self.sign_action, self.addendum_action


class VisitBanners(QWidget):
    """Under the tools: the signature or draft banner, the addenda, and the buttons a banner offers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4d6; color: #4a3500; padding: 4px 8px; border-radius: 3px;")
        self.banner.hide()
        self.addenda_label = QLabel()
        self.addenda_label.setObjectName("visit_addenda")
        self.addenda_label.setAccessibleName("Addenda")
        self.addenda_label.setWordWrap(True)
        self.addenda_label.setStyleSheet("background: #eef3fb; color: #1d2a3a; padding: 4px 8px; border-radius: 3px;")
        self.addenda_label.hide()
        self.restore_button = QPushButton("Restore the autosaved draft")
        self.restore_button.hide()
        self.put_back_button = QPushButton("Put back my values")
        self.put_back_button.setAccessibleName("Put back the values that were not saved")
        self.put_back_button.setToolTip("Your values, refused because the visit was saved elsewhere, over theirs")
        self.put_back_button.hide()

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        banners = QVBoxLayout()  # the signature banner, with the addenda under it
        banners.addWidget(self.banner)
        banners.addWidget(self.addenda_label)
        row.addLayout(banners, 1)
        row.addWidget(self.restore_button)
        row.addWidget(self.put_back_button)
