"""Where the visit's own fields sit: in a column beside the grid on a wide screen, in tabs under it otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assess.ui.exam_grid import ExamGrid
from assess.ui.exam_parts import exam_legend

WIDE = 1500  # from this editor width the grid keeps its room with a column of fields beside it
SIDE_WIDTH = 560  # the column of fields beside the grid on a wide screen
FIELDS_HEIGHT_LINES = 14  # the most the fields under the grid are given before the grid gets the rest


class VisitSections(QStackedWidget):
    """The same section widgets, moved between tabs (narrow) and one scrolling column (wide)."""

    def __init__(self, pages: Sequence[tuple[str, Sequence[QWidget]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visit_sections")
        self.pages = [(title, list(sections)) for title, sections in pages]
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Visit scores, goals, triggers and notes")
        self._tab_layouts: list[QBoxLayout] = []
        for title, _sections in self.pages:
            page = QWidget()
            layout = QHBoxLayout(page)
            layout.setContentsMargins(6, 6, 6, 6)
            self._tab_layouts.append(layout)
            self.tabs.addTab(_scrolling(page), title)
        self._column_widget = QWidget()
        self._column = QVBoxLayout(self._column_widget)
        self._column.setContentsMargins(0, 0, 6, 0)
        self.column_area = _scrolling(self._column_widget)
        self.column_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.addWidget(self.tabs)
        self.addWidget(self.column_area)
        self.wide: bool | None = None  # not arranged yet: the editor calls set_wide()

    def set_wide(self, wide: bool) -> None:
        if wide == self.wide:
            return
        self.wide = wide
        for layout in (*self._tab_layouts, self._column):
            while layout.count():
                layout.takeAt(0)
        for (_title, sections), tab_layout in zip(self.pages, self._tab_layouts, strict=True):
            for section in sections:
                if wide:
                    self._column.addWidget(section)
                else:
                    tab_layout.addWidget(section, 1)
            if not wide and len(sections) > 1:
                tab_layout.addStretch(0)
        if wide:
            self._column.addStretch(1)
        self.setCurrentWidget(self.column_area if wide else self.tabs)

    def column_width(self) -> int:
        """The narrowest the column can be without cutting a field (read after the layout has settled)."""
        scrollbar = self.column_area.verticalScrollBar().sizeHint().width()
        return self._column_widget.minimumSizeHint().width() + scrollbar + 4

    def set_tab_title(self, index: int, title: str) -> None:
        self.tabs.setTabText(index, title)


class VisitSplitter(QSplitter):
    """The exam (grid, help line) and the visit's fields: side by side when wide, one above the other otherwise.

    The exam gets the room it needs first and the fields take the rest, until the clinician drags the handle.
    """

    def __init__(self, exam: QWidget, sections: VisitSections, on_arrange: Callable[[bool], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.exam, self.sections = exam, sections
        self._on_arrange = on_arrange
        self.addWidget(exam)
        self.addWidget(sections)
        self.setChildrenCollapsible(False)
        self._by_user = False
        self.splitterMoved.connect(self._on_splitter_moved)

    def arrange(self, width: int) -> None:
        wide = width >= WIDE
        if wide != self.sections.wide:
            self._on_arrange(wide)
            self.sections.set_wide(wide)
            self.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
            self.setStretchFactor(0, 1)
            self.setStretchFactor(1, 0 if wide else 1)
        QTimer.singleShot(0, self.fit)  # once the layouts have settled

    def fit(self) -> None:
        if self._by_user or self.sections.wide is None:
            return
        handle = self.handleWidth()
        if self.sections.wide:
            total = self.width() - handle
            side = max(self.sections.column_width(), SIDE_WIDTH)
            self.setSizes([total - side, side])
            return
        total = self.height() - handle
        # On a laptop (1280x800) the grid scrolls its rows before the scores are squeezed out of sight: the
        # fields keep a third of the height (enough for a section's first fields), at most what they need.
        fields = max(self.sections.minimumSizeHint().height(),
                     min(total // 3, FIELDS_HEIGHT_LINES * self.fontMetrics().lineSpacing()))
        exam = min(self.exam.sizeHint().height(), total - fields)
        self.setSizes([exam, total - exam])

    def _on_splitter_moved(self, _position: int, _index: int) -> None:
        self._by_user = True


def _scrolling(widget: QWidget) -> QScrollArea:
    """Many goals, a long checklist: a section scrolls rather than squeezing its fields."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def exam_column(grid: ExamGrid, last_exam: dt.date | None) -> QWidget:
    """The grid with its help line under it and the legend of its marks: the left of the editor."""
    exam = QWidget()
    layout = QVBoxLayout(exam)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(grid, 1)
    layout.addWidget(grid.help_line)
    layout.addWidget(exam_legend(last_exam))
    layout.addStretch(0)
    return exam


class _WidthWhenShown(QObject):
    """A tab page that claims its width only while shown: a QTabWidget is as wide as its widest page, shown
    or not, so an exam behind the patient tab (with the patient list beside it) pushed the window past a
    1280-pixel screen. Hidden, the page's horizontal policy is Ignored, which layouts count as no width."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide) and isinstance(watched, QWidget):
            policy = watched.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred if event.type() == QEvent.Type.Show
                                       else QSizePolicy.Policy.Ignored)
            watched.setSizePolicy(policy)
            # A hidden widget's change reaches no layout by itself: the ancestors (the tabs, the window) forget
            # their cached sizes now, before the patient list is shown beside the tab that replaced it.
            parent = watched.parentWidget()
            while parent is not None:
                parent.updateGeometry()
                parent = parent.parentWidget()
        return False


def claim_width_only_when_shown(page: QWidget) -> None:
    page.installEventFilter(_WidthWhenShown(page))
