"""The main window's keys between its tabs and pages (Ctrl+Tab, Ctrl+PgDn, Alt+O/R/X), and where they put focus."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from assess.ui.accessibility import name_controls
from assess.ui.focus import FOCUS_RING, FocusKeeper

if TYPE_CHECKING:
    from assess.ui.main_window import MainWindow

PAGES = (("Patient &overview", "Alt+O"), ("T&rends", "Alt+R"), ("To&xin response", "Alt+X"))
TAB_KEYS = (("&Next tab", ("Ctrl+Tab", "Ctrl+PgDown"), 1), ("&Previous tab", ("Ctrl+Shift+Tab", "Ctrl+PgUp"), -1))


class WindowKeys:
    """The View menu: the patient's pages and the tabs, from anywhere (an exam tab included), focus with them."""

    def __init__(self, window: MainWindow, view_menu: QMenu) -> None:
        self.window = window
        window.setStyleSheet(FOCUS_RING)
        self.keeper = FocusKeeper(window, self.page_focus)
        for page, (text, keys) in enumerate(PAGES):
            self._add(view_menu, text, [keys], functools.partial(self.show_patient_page, page))
        view_menu.addSeparator()
        for text, key_pair, step in TAB_KEYS:
            self._add(view_menu, text, list(key_pair), functools.partial(self.step_tab, step))
        name_controls(window)

    def _add(self, menu: QMenu, text: str, keys: list[str], slot: functools.partial[None]) -> None:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.window.addAction(action)

    def step_tab(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+PgDn to the next tab (the patient, then its exams), round; back with Shift or PgUp."""
        tabs = self.window.tabs
        if tabs.count() > 1:
            tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())

    def show_patient_page(self, page: int) -> None:
        """Alt+O / Alt+R / Alt+X: the patient tab on its overview, trends or toxin response, focused."""
        window = self.window
        if window.mrn is None:
            window.statusBar().showMessage("Open a patient first (Ctrl+F to search).")
            return
        window.tabs.setCurrentIndex(0)
        window.view.show_page(page)

    def page_focus(self) -> QWidget | None:
        """Where the keys go on the current tab: the exam grid, the patient's page, or the search."""
        window = self.window
        widget: QWidget | None = window.tabs.currentWidget()
        if widget is None:
            return None
        if widget is window.patient_page:
            return window.view.focus_target() if window.patient_page.currentWidget() is window.view \
                else window.patients.search
        proxy: QWidget | None = widget.focusProxy()
        return proxy or widget

    def focus_page(self) -> None:
        target = self.page_focus()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def tab_changed(self) -> None:
        """A tab became current (Ctrl+N on an open exam, Ctrl+Tab, a click): its page gets the keys; not while
        the window closes and its tabs go one by one."""
        if self.window.isVisible():
            page = self.window.tabs.currentWidget()
            if page is not None:
                name_controls(page)  # an exam tab's controls are made after the window was named
            self.focus_page()
