"""Choosing a file to write without opening any other file: the database beside it stays untouched.

Qt's own file dialog asks QMimeDatabase for each listed file's icon and type, and for a file whose name
says nothing (`assess.db`, its `-wal` and `-shm`) it opens the file and reads its first bytes, in this
process. Closing that descriptor drops every POSIX lock the process holds on the file, SQLite's included
(docs/design.md, "Every save lands"). The dialog here gets an icon provider that decides by name alone.

Native dialogs are not used on Linux and macOS: a GTK dialog runs in this process and reads files the same
way (GIO's content sniffing), and whether a macOS panel or a desktop portal reads them here is not something
assess can check. Windows keeps its own dialog: its shell may open files in this process, but a lock on
Windows belongs to the handle that took it, so another handle's close cannot drop SQLite's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

NATIVE = sys.platform == "win32"


class NameOnlyIcons(QAbstractFileIconProvider):
    """A folder or file icon, and a type from the name's suffix: nothing is opened or read to decide."""

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        self._folder = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        self._file = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._drive = style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon)
        self._computer = style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)

    def icon(self, which: object) -> QIcon:
        if isinstance(which, QFileInfo):
            if which.isRoot():
                return self._drive
            return self._folder if which.isDir() else self._file
        if which == QAbstractFileIconProvider.IconType.Computer:
            return self._computer
        if which == QAbstractFileIconProvider.IconType.Drive:
            return self._drive
        return self._folder if which == QAbstractFileIconProvider.IconType.Folder else self._file

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


class SaveFileDialog(QFileDialog):
    """Where to write a file (a report, a chart): Qt's own dialog with the name-only icons (see above)."""

    def __init__(self, parent: QWidget | None, title: str, suggested: Path, filters: str) -> None:
        super().__init__(parent, title, str(suggested), filters)
        self.setObjectName("save_file_dialog")
        self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.setFileMode(QFileDialog.FileMode.AnyFile)
        self.icons = NameOnlyIcons()  # the dialog does not own it: kept as long as the dialog
        if not NATIVE:
            self.setOption(QFileDialog.Option.DontUseNativeDialog)
            self.setIconProvider(self.icons)


def ask_save_file(parent: QWidget | None, title: str, suggested: Path, filters: str) -> tuple[str, str]:
    """(chosen file, chosen filter), or ("", "") when cancelled: what QFileDialog.getSaveFileName returns."""
    dialog = SaveFileDialog(parent, title, suggested, filters)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return "", ""
    return dialog.selectedFiles()[0], dialog.selectedNameFilter()
