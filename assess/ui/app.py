"""Starting the window: a display check first, then the database, then the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import cast

NO_DISPLAY = (
    "assess: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set, or the display cannot "
    "be reached). Start it from a desktop session, or use the commands: assess patients, assess show MRN, "
    "assess import FILE, assess --help"
)


def display_available() -> bool:
    """Whether Qt can open a window here; without this check Qt aborts with a misleading xcb message."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    if platform.startswith("wayland"):
        return bool(os.environ.get("WAYLAND_DISPLAY"))
    if platform.startswith("xcb") or not os.environ.get("WAYLAND_DISPLAY"):
        return _x_display_reachable(os.environ.get("DISPLAY", ""))
    return True


def _x_display_reachable(display: str) -> bool:
    """A local X display (':0') has its socket in /tmp/.X11-unix; a remote one is left to Qt."""
    if not display:
        return False
    host, _, number = display.rpartition(":")
    if host not in ("", "unix"):
        return True
    return Path(f"/tmp/.X11-unix/X{number.split('.')[0]}").exists()


def run_window(db_url: str | None) -> int:
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    from assess.record.errors import AssessError, PermissionDeniedError
    from assess.services.upkeep import bring_up_to_date, database_has_users, open_unmigrated
    from assess.storage.db import chosen_explicitly, database_url
    from assess.ui.about import set_application_identity
    from assess.ui.main_window import MainWindow
    from assess.ui.settings import Settings

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    set_application_identity(app)  # the name and the icon of every window, the database error's box too
    try:
        # Checked beside the start, below; a file named by --db must exist (the default one is created); an
        # older schema waits for a login before it is upgraded.
        db = open_unmigrated(database_url(db_url), check_file=False, create=not chosen_explicitly(db_url))
    except AssessError as error:  # a damaged file, an unreachable server: said in the window too, not only stderr
        _say_cannot_open(error)
        return 1
    from assess.services.clinic import idle_lock_minutes
    from assess.ui.login import IdleLock, LoginDialog

    try:
        # A database with users: nobody sees a record before logging in (Quit on the dialog ends here).
        if database_has_users(db) and LoginDialog(db).exec() != LoginDialog.DialogCode.Accepted:
            db.close()
            return 0
        bring_up_to_date(db)  # an upgrade, once there are users, is a clinician's
        with db.transaction() as session:
            idle_minutes = idle_lock_minutes(session)
    except PermissionDeniedError as error:  # an older schema and nobody here who may upgrade it: said in the window
        _say_cannot_open(error)
        db.close()
        return 1
    except AssessError as error:
        print(f"assess: {error}", file=sys.stderr)
        db.close()
        return 1
    window = MainWindow(db, Settings.default())
    window.idle_lock = IdleLock(db, window, idle_minutes, on_quit=app.quit)
    screen = window.screen().availableGeometry()
    window.resize(max(1024, int(screen.width() * 0.95)), max(700, int(screen.height() * 0.95)))
    window.show()
    from assess.ui.file_check import check_beside_start, end_after_damage
    from assess.ui.warm_up import ChartWarmUp

    check = check_beside_start(db, window)
    warm_up = ChartWarmUp(window.view.trends)  # the first chart drawn at once, made ready while idle
    window.offer_restored_drafts()
    try:
        return app.exec()
    finally:
        warm_up.wait()  # threads still working when the event loop ended finish before the window goes
        window.worklist.wait()
        end_after_damage(window, check)
        db.close()


def _say_cannot_open(error: Exception) -> None:
    from PySide6.QtWidgets import QMessageBox

    print(f"assess: {error}", file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Critical, "assess cannot open the database", str(error))
    box.setObjectName("database_error")
    box.exec()
