"""Focus from the keyboard: back where the user was after any dialog, and the keys every dialog shares."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from assess.ui.accessibility import name_controls

ACCEPT_KEYS = ("Ctrl+Return", "Ctrl+Enter")  # Enter on the main keys and on the keypad
_MARK = "assess_keys"  # a dialog's property once it has the shared keys
_WATCHED = "assess_focus_back"  # ... and once the keeper brings the focus back when it closes

# A visible focus ring (UX.md: driven from the keyboard, the user must see where the keys go). Fields, lists and
# buttons have one in every Qt style; a table's is only a dotted cell, so the focused table gets a frame too.
FOCUS_RING = """
QAbstractItemView:focus { border: 2px solid #1f5fbf; }
"""


def accept_button(dialog: QDialog) -> QAbstractButton | None:
    """The button that says yes in a dialog: its button box's Ok/Save/Yes, or a message box's default."""
    if isinstance(dialog, QMessageBox):
        return dialog.defaultButton()
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            if box.buttonRole(button) in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole,
                                          QDialogButtonBox.ButtonRole.ApplyRole) and button.isEnabled():
                return button
    return None


def give_shared_keys(dialog: QDialog) -> None:
    """Ctrl+Enter accepts (through the dialog's own button, so its checks run); Tab leaves a text box;
    Escape cancels as in every QDialog. Done once per dialog, whoever built it (QInputDialog too)."""
    if dialog.property(_MARK):
        return
    dialog.setProperty(_MARK, True)
    name_controls(dialog)
    for keys in ACCEPT_KEYS:
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda d=dialog: _accept(d))
    for edit in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
        edit.setTabChangesFocus(True)  # a dialog is a form: Tab goes to the next field, never into the text


def _accept(dialog: QDialog) -> None:
    button = accept_button(dialog)
    if button is not None:
        button.click()
    else:
        dialog.accept()


class FocusKeeper(QObject):
    """One place for the whole window: where focus goes when a window (a dialog) closes or a page changes.

    Qt gives the main window its last focused widget back when a dialog closes, unless that widget has gone
    (a list refreshed, a tab closed); then the focus was nowhere and no key worked until a click. Here it
    goes back to the widget last focused if it is still shown, else to `fallback()` (the current page).
    """

    def __init__(self, window: QWidget, fallback: Callable[[], QWidget | None]) -> None:
        super().__init__(window)
        self._window = window
        self._fallback = fallback
        self._last: QWidget | None = None
        self._dialog: QDialog | None = None  # the dialog of ours that was active last
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)
        app.focusWindowChanged.connect(self._on_focus_window_changed)
        window.destroyed.connect(self._stop)

    def _stop(self) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        with contextlib.suppress(RuntimeError, TypeError):  # already gone with the window
            app.focusChanged.disconnect(self._on_focus_changed)
            app.focusWindowChanged.disconnect(self._on_focus_window_changed)

    def _alive(self) -> bool:
        return shiboken6.isValid(self) and shiboken6.isValid(self._window)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self._alive() and new.window() is self._window:
            self._last = new

    def _on_focus_window_changed(self, window: object) -> None:
        if not self._alive():
            return
        if window is None:
            QTimer.singleShot(0, self._on_nothing_active)
            return
        # Which widget's window it is, asked of the widgets (wrapping the QWindow itself is not needed).
        widget = QApplication.activeWindow()
        if isinstance(widget, QDialog):
            self._dialog = widget
            give_shared_keys(widget)
            if not widget.property(_WATCHED):
                widget.setProperty(_WATCHED, True)
                # However it closes (accepted, cancelled, closed by its own code): the keys come back here.
                widget.finished.connect(lambda _result: QTimer.singleShot(0, self._on_nothing_active))
        elif widget is self._window:
            self._dialog = None
            QTimer.singleShot(0, self.restore)

    def _on_nothing_active(self) -> None:
        """No window of assess is active: when that is because our dialog just closed (and not because the user
        went to another program), the main window takes the keys back; a window manager may not give them."""
        if not self._alive() or not self._window.isVisible() or QApplication.activeModalWidget() is not None:
            return  # another dialog is open (the next question already): it keeps the keys
        active = QApplication.activeWindow()
        if active is None or active is self._window:
            self._dialog = None
            if active is None:
                self._window.activateWindow()
            self.restore()

    def restore(self) -> None:
        """Focus into the main window again: the last focused widget when it is still there, else the page."""
        if not self._alive() or not (self._window.isActiveWindow() or QApplication.activeWindow() is None):
            return
        current = QApplication.focusWidget()
        if current is not None and current.window() is self._window and current.isVisible():
            return
        last = self._last if self._last is not None and shiboken6.isValid(self._last) else None
        if last is not None and last.isVisible() and last.isEnabled() and last.window() is self._window:
            last.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
            return
        target = self._fallback()
        if target is not None:
            target.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
