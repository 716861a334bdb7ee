"""The chart machinery made ready while the window is idle after its start: the first trend chart opened then
is drawn at once. Nothing of it is on the start path (the start imports no matplotlib; a test checks)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, QTimer

from assess.ui.trends import TrendsPanel

# After the window is shown and its first screen has started loading: the imports then share the computer with
# the worklist's reading (both off the window's thread), never with the start itself.
IDLE_MS = 250


class _ChartImports(QThread):
    """matplotlib, its Qt canvas and assess's drawing functions imported off the window's thread (about a
    second of Python; the window keeps answering, as the thread gives up Python's lock every few ms)."""

    MODULES = ("matplotlib.figure", "matplotlib.backends.backend_qtagg", "matplotlib.patches",
               "assess.reports.charts", "assess.reports.body_map")

    def run(self) -> None:
        import importlib

        for name in self.MODULES:
            importlib.import_module(name)
        from assess.reports.body_map import drawing

        drawing()  # the body map's outlines, read and parsed once


class ChartWarmUp(QObject):
    """Imports in a thread when the window has been idle IDLE_MS, then builds and draws the Trends page's
    canvas once, empty, in the window's thread (widgets belong to it): fonts and the renderer are loaded."""

    def __init__(self, trends: TrendsPanel) -> None:
        super().__init__(trends)
        self.trends = trends
        self.imports = _ChartImports(self)
        self.imports.finished.connect(self._build)
        self._idle = QTimer(self, singleShot=True, interval=IDLE_MS)
        self._idle.timeout.connect(self.imports.start)
        self._idle.start()

    def _build(self) -> None:
        self.trends.prepare()

    def wait(self) -> None:
        """Before the window goes: an import still running finishes first (a thread is never cut off), and one
        not started yet never starts. The window can end within IDLE_MS of its start; the start left pending
        then fired in whatever event loop ran next and the thread was still importing when the window was
        deleted: Qt aborts the process ("QThread: Destroyed while thread is still running")."""
        self._idle.stop()
        self.imports.wait()
