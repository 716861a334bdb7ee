"""The clinic's worklist: today's due items by urgency, each row in full; Enter opens the patient, A acknowledges,
S snoozes until a date (both with a reason, seen by every workstation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from assess.record.errors import AssessError
from assess.services import worklist as wl
from assess.services.due import refresh_stale, stale_ids
from assess.storage.bulk import collector_paused
from assess.storage.db import Database

Index = QModelIndex | QPersistentModelIndex
Row = int | wl.WorkItem  # a group's heading (its number) or an item
GROUP_COLOURS = {wl.URGENT: "#a40000", wl.WARNINGS: "#8a3b00", wl.OVERDUE: "#8a3b00", wl.LOST: "#555555",
                 wl.SNOOZED: "#555555"}
PADDING = 6


class WorklistModel(QAbstractListModel):
    """Headings and items in one list; a heading is not enabled, so the keyboard moves over it."""

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.rows: list[Row] = []

    def set_items(self, items: list[wl.WorkItem]) -> None:
        self.beginResetModel()
        self.rows = []
        for item in items:
            if not self.rows or self._group(self.rows[-1]) != item.group:
                self.rows.append(item.group)
            self.rows.append(item)
        self.endResetModel()

    @staticmethod
    def _group(row: Row) -> int:
        return row if isinstance(row, int) else row.group

    def item(self, row: int) -> wl.WorkItem | None:
        found = self.rows[row] if 0 <= row < len(self.rows) else None
        return found if isinstance(found, wl.WorkItem) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if isinstance(self.rows[index.row()], int):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def lines(self, row: int) -> tuple[str, str]:
        """The row's first line (when, who, status) and its words."""
        found = self.rows[row]
        if isinstance(found, int):
            count = 0
            for later in self.rows[row + 1:]:
                if isinstance(later, int):
                    break
                count += 1
            return f"{wl.GROUP_NAMES[found]} ({count})", ""
        status = ""
        if found.ack is not None:
            status = (f"   ✓ acknowledged by {found.ack.by}: {found.ack.reason}" if found.ack.action == wl.ACKNOWLEDGED
                      else f"   ⏸ snoozed until {found.ack.until} by {found.ack.by}: {found.ack.reason}")
        seen = f", last seen {found.last_seen}" if found.group == wl.LOST and found.last_seen else ""
        return f"{found.when(self.today)} · {found.name} · {found.mrn}{seen}{status}", found.alert.message

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            head, words = self.lines(index.row())
            return f"{head}\n{words}" if words else head
        return None


class WorklistDelegate(QStyledItemDelegate):
    """A heading in bold on a band, or an item's first line in bold and its words wrapped under it, in full."""

    def __init__(self, model: WorklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def _width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        return max(200, width - 2 * PADDING)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt's name
        bold, plain = self._fonts(option)
        head, words = self.model.lines(index.row())
        width = self._width(option)
        height = QFontMetrics(bold).boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, head).height()
        if words:
            height += QFontMetrics(plain).boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap,
                                                       words).height() + 2
        return QSize(width, height + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        bold, plain = self._fonts(option)
        rect: QRect = option.rect
        row = self.model.rows[index.row()]
        heading = isinstance(row, int)
        group = row if isinstance(row, int) else row.group
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        painter.save()
        if heading:
            painter.fillRect(rect, QColor("#e8e8e8"))
        elif selected:
            painter.fillRect(rect, palette.highlight())
        head, words = self.model.lines(index.row())
        inner = rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        colour = palette.highlightedText().color() if selected else QColor(GROUP_COLOURS.get(group, "#1a1a1a"))
        painter.setPen(colour)
        painter.setFont(bold)
        drawn = painter.drawText(inner, int(Qt.TextFlag.TextWordWrap), head)
        if words:
            painter.setFont(plain)
            painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
            painter.drawText(inner.adjusted(0, drawn.height() + 2, 0, 0), int(Qt.TextFlag.TextWordWrap), words)
        if not heading:
            painter.setPen(QColor("#dddddd"))
            painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()


class MarkDialog(QDialog):
    """Acknowledge or snooze: the reason, and for a snooze the day it comes back."""

    def __init__(self, item: wl.WorkItem, action: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle("Acknowledge" if action == wl.ACKNOWLEDGED else "Snooze until a date")
        intro = QLabel(f"<b>{item.name} · {item.mrn}</b><br>{item.alert.message}")
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.until = QDateEdit(_qdate(today + dt.timedelta(days=14)))
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.until.setMinimumDate(_qdate(today + dt.timedelta(days=1)))
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        if action == wl.SNOOZE:
            form.addRow("&Until", self.until)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def until_day(self) -> dt.date | None:
        return self.until.date().toPython() if self.action == wl.SNOOZE else None  # type: ignore[return-value]


class _Loader(QThread):
    """Reads the worklist off the window's thread (patients out of date are worked out first)."""

    # (the items, whether some patients are still being brought up to date): one object, as the other workers
    # of the window send theirs
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, today: dt.date) -> None:
        super().__init__()
        self._db, self._today = db, today

    def run(self) -> None:
        try:
            # The list is read as of one moment (read); only the working out of stale items writes.
            with collector_paused(), self._db.read() as session:
                stale = bool(stale_ids(session, self._today))
                if stale:  # the first look of the day: what holds now, then the rest once worked out
                    self.loaded.emit((wl.worklist(session, self._today, refresh=False), True))
            if stale:
                with collector_paused(), self._db.transaction() as session:
                    refresh_stale(session, self._today)
            with collector_paused(), self._db.read() as session:
                self.loaded.emit((wl.worklist(session, self._today, refresh=False), False))
        except Exception as error:  # shown as a sentence; the list stays usable
            self.failed.emit(str(error))


class WorklistView(QWidget):
    """Today's worklist. `patient_chosen` carries the MRN of the row Enter (or a double click) opens."""

    patient_chosen = Signal(str)

    def __init__(self, db: Database, today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.today = today or dt.date.today()
        self.ask: Callable[[QDialog], int] = lambda dialog: dialog.exec()  # tests answer the dialog themselves
        self.status = QLabel("Working out today's worklist…")
        self.status.setObjectName("worklist_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 11pt; padding: 4px 0;")
        self.model = WorklistModel(self.today)
        self.list = QListView()
        self.list.setObjectName("worklist")
        self.list.setAccessibleName("Today's worklist")
        self.list.setModel(self.model)
        self.list.setItemDelegate(WorklistDelegate(self.model, self.list))
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-wrap when the window is resized
        self.list.setLayoutMode(QListView.LayoutMode.Batched)  # a long list lays out in steps, never freezing
        self.list.setBatchSize(300)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.activated.connect(self._open)
        self.list.installEventFilter(self)
        self.acknowledge = QPushButton("&Acknowledge… (A)")
        self.snooze = QPushButton("&Snooze until… (S)")
        self.reopen = QPushButton("Re&open")
        self.acknowledge.clicked.connect(lambda: self.mark(wl.ACKNOWLEDGED))
        self.snooze.clicked.connect(lambda: self.mark(wl.SNOOZE))
        self.reopen.clicked.connect(self.unmark)
        buttons = QHBoxLayout()
        for button in (self.acknowledge, self.snooze, self.reopen):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Enter opens the patient"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._loader: _Loader | None = None

    # --- loading --------------------------------------------------------------------------------
    def refresh_soon(self) -> None:
        """refresh() once the event loop runs: at start the window is shown first (the worklist's reading holds
        Python's lock part of the time, so started earlier it would hold the first paint up)."""
        QTimer.singleShot(0, self, self.refresh)

    def refresh(self) -> None:
        self.wait()
        self._loader = _Loader(self._db, self.today)
        # Bound methods, not lambdas: Qt drops the connection when this view is destroyed (a window closed while
        # the worklist is still read would otherwise be handed the result).
        self._loader.loaded.connect(self._loaded)
        self._loader.failed.connect(self._not_loaded)
        self._loader.start()

    def _loaded(self, loaded: tuple[list[wl.WorkItem], bool]) -> None:
        self.show_items(*loaded)

    def _not_loaded(self, message: str) -> None:
        self.status.setText(f"Could not read the worklist: {message}")

    def wait(self) -> None:
        """For tests and closing: let a running read finish."""
        if self._loader is not None:
            self._loader.wait()

    def show_items(self, items: list[wl.WorkItem], updating: bool = False) -> None:
        current = self.current()
        self.model.set_items(items)
        counts = [sum(1 for i in items if i.group == g and i.ack is None) for g in range(len(wl.GROUP_NAMES))]
        self.status.setText(
            f"<b>Today, {self.today}</b>: {counts[wl.URGENT]} urgent (pump), {counts[wl.WARNINGS]} warnings, "
            f"{counts[wl.OVERDUE]} overdue follow-ups, {counts[wl.THIS_WEEK]} due this week, "
            f"{counts[wl.COMING]} in the coming weeks · {counts[wl.LOST]} lost to follow-up · "
            f"{sum(1 for i in items if i.ack is not None)} acknowledged or snoozed."
            + (" <i>Bringing the patients whose items changed with the date up to date…</i>" if updating else ""))
        row = next((n for n, r in enumerate(self.model.rows) if isinstance(r, wl.WorkItem) and current is not None
                    and r.item_key == current.item_key), 1 if len(self.model.rows) > 1 else -1)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    # --- acting ---------------------------------------------------------------------------------
    def current(self) -> wl.WorkItem | None:
        index = self.list.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _open(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.patient_chosen.emit(item.mrn)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
        if watched is self.list and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open(self.list.currentIndex())
                return True
            if event.key() == Qt.Key.Key_A:
                self.mark(wl.ACKNOWLEDGED)
                return True
            if event.key() == Qt.Key.Key_S:
                self.mark(wl.SNOOZE)
                return True
        return super().eventFilter(watched, event)

    def mark(self, action: str) -> None:
        item = self.current()
        if item is None:
            return
        dialog = MarkDialog(item, action, self.today, self)
        if self.ask(dialog) != QDialog.DialogCode.Accepted:
            return
        self._save(lambda session: wl.mark(session, item.mrn, item.item_key, action, dialog.reason.text(),
                                           dialog.until_day(), self.today))

    def unmark(self) -> None:
        item = self.current()
        if item is not None and item.ack is not None:
            self._save(lambda session: wl.unmark(session, item.mrn, item.item_key))

    def _save(self, change: Callable[[Any], None]) -> None:
        try:
            with self._db.transaction() as session:
                change(session)
        except AssessError as error:
            self.status.setText(f"Not saved: {error}")
            return
        self.refresh()
        self.list.setFocus()


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
