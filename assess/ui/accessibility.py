"""Every control named and described for screen readers: from its label, text or tip where it has none of its own."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

# How each kind of control is worked from the keyboard: said after its name when nothing more specific is set.
HOW = (
    (QCheckBox, "Space ticks or clears it"),
    (QAbstractButton, "Space or Enter presses it"),
    (QComboBox, "Up and Down choose; typing a first letter jumps to it"),
    (QAbstractSpinBox, "Type the value; Up and Down change it"),
    (QLineEdit, "Type the text"),
    (QPlainTextEdit, "Type the text; Tab leaves it"),
    (QTextEdit, "Type the text; Tab leaves it"),
    (QTabBar, "Left and Right choose a page"),
    (QTabWidget, "Ctrl+Tab and Ctrl+Shift+Tab (or Ctrl+PgDn and Ctrl+PgUp) move between its pages"),
    (QAbstractItemView, "The arrow keys move; Enter opens or chooses"),
    (QScrollArea, "The arrow keys and Page Up and Page Down scroll it"),
)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":")


def _labels(root: QWidget) -> dict[QWidget, str]:
    """Each field's visible label: a QLabel's buddy, or its row's label in a form."""
    found: dict[QWidget, str] = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text():
            found[buddy] = _plain(label.text())
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            caption = label_item.widget() if label_item is not None else None
            field = field_item.widget() if field_item is not None else None
            if isinstance(caption, QLabel) and field is not None:
                for widget in (field, *field.findChildren(QWidget)):
                    found.setdefault(widget, _plain(caption.text()))
    return found


def controls(root: QWidget) -> list[QWidget]:
    """The widgets that take keyboard focus under root (not the inner line edit of a combo box or spin box)."""
    return [w for w in root.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and not isinstance(w.parentWidget(),
                                                                           (QComboBox, QAbstractSpinBox))]


def name_controls(root: QWidget) -> None:
    """Give every control under root an accessible name and description it lacks (its own are kept)."""
    labels = _labels(root)
    for widget in controls(root):
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):  # a screen reader reads each tab: its tip is its description
                if not widget.tabToolTip(i):
                    widget.setTabToolTip(i, f"{_plain(widget.tabText(i))} page; Left and Right choose another")
        if isinstance(widget, QTabWidget) and not widget.accessibleName():
            widget.setAccessibleName("Pages: " + ", ".join(_plain(widget.tabText(i)) for i in range(widget.count())))
        if not widget.accessibleName():
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            placeholder = widget.placeholderText() if isinstance(widget, QLineEdit) else ""
            name = labels.get(widget) or _plain(text) or placeholder or widget.toolTip() or widget.objectName() or (
                "Scrolling section" if isinstance(widget, QScrollArea) else "")
            if name:
                widget.setAccessibleName(name)
        if not widget.accessibleDescription():
            how = next((words for kind, words in HOW if isinstance(widget, kind)), "")
            tip = widget.toolTip()
            widget.setAccessibleDescription(f"{tip}. {how}".strip(". ") if tip and tip != widget.accessibleName()
                                            else how)
