"""Help → About: version, the database in use, when the safety limits were checked; the icon on every window."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from assess import __version__
from assess.scoring.limits import LimitTable, load_limits
from assess.services.about import about_assess
from assess.storage.db import Database, open_database
from assess.ui.about import AboutDialog, application_icon, set_application_identity
from assess.ui.main_window import MainWindow
from assess.ui.settings import Settings

ICON_BLUE = (0x00, 0x72, 0xB2)  # the icon's background in assess/resources/assess.svg


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    yield database
    database.close()


def _centre_colour(icon: Any, size: int = 32) -> tuple[int, int, int]:
    image = icon.pixmap(size, size).toImage()
    colour = image.pixelColor(size // 8 + 1, size // 2)  # inside the rounded square, left of the drawing
    return colour.red(), colour.green(), colour.blue()


def test_the_about_facts_name_the_newest_check_of_the_shipped_limits() -> None:
    table = load_limits()
    facts = about_assess("/data/assess.db")
    assert facts.version == __version__ and facts.database == "/data/assess.db"
    assert facts.limits == len(table)
    assert facts.limits_last_checked == max(limit.checked_on for limit in table)
    assert facts.unverified_limits == sum(not limit.verified for limit in table) > 0
    sentence = facts.limits_sentence()
    assert f"last checked {facts.limits_last_checked}" in sentence
    assert f"{facts.unverified_limits} not verified" in sentence


def test_limits_checked_on_several_days_say_from_when_to_when() -> None:
    rows = list(load_limits())
    rows[3] = dataclasses.replace(rows[3], checked_on=dt.date(2026, 5, 2))
    facts = about_assess("db", LimitTable(tuple(rows)))
    assert "checked between 2026-05-02 and" in facts.limits_sentence()
    assert about_assess("db", LimitTable(())).limits_sentence() == "No safety limits are on file."


def test_help_about_shows_version_database_and_limits(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = MainWindow(db, Settings(tmp_path / "config" / "assess.ini"))
    qtbot.addWidget(window)
    window.show()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus[-1] == "&Help"
    seen: dict[str, str] = {}

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutDialog)
        seen.update(title=dialog.title.text(), database=dialog.database.text(), limits=dialog.limits.text())
        dialog.reject()

    QTimer.singleShot(0, read_and_close)
    window.about_action.trigger()
    assert seen["title"] == f"assess {__version__}"
    assert seen["database"] == f"Database: {tmp_path / 'a.db'}"
    newest = max(limit.checked_on for limit in load_limits().limits)  # the shipped file's newest check
    assert f"safety limits, last checked {newest:%Y-%m-%d}" in seen["limits"]


@pytest.mark.usefixtures("qapp")
def test_the_application_icon_is_drawn_from_the_svg_at_every_size() -> None:
    icon = application_icon()
    assert not icon.isNull()
    assert {size.width() for size in icon.availableSizes()} >= {16, 32, 48, 256}
    assert _centre_colour(icon, 16) == ICON_BLUE and _centre_colour(icon, 256) == ICON_BLUE


def test_every_window_and_dialog_carries_the_icon(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.windowIcon()
    set_application_identity(app)
    try:
        window = MainWindow(db, Settings(tmp_path / "config" / "assess.ini"))
        qtbot.addWidget(window)
        box = QMessageBox(QMessageBox.Icon.Critical, "assess cannot open the database", "damaged")
        qtbot.addWidget(box)
        dialog = QDialog(window)
        for shown in (window, box, dialog):
            assert _centre_colour(shown.windowIcon()) == ICON_BLUE
        assert app.desktopFileName() == "assess"  # matched to packaging/linux/assess.desktop
    finally:
        app.setWindowIcon(before)

