"""Starting `assess`: the no-display message, and the real window under Xvfb."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess.ui.app import NO_DISPLAY


def _env_without_display() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


def test_no_display_prints_one_clear_line_and_exits_1(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "assess", "--db", f"sqlite:///{tmp_path / 'a.db'}"],
                            capture_output=True, text=True, env=_env_without_display(), timeout=60)
    assert result.returncode == 1
    assert result.stderr == NO_DISPLAY + "\n"
    assert "assess patients" in result.stderr and "Traceback" not in result.stderr


def test_commands_still_work_without_a_display(sqlite_url: str) -> None:
    result = subprocess.run([sys.executable, "-m", "assess", "--db", sqlite_url, "patients"],
                            capture_output=True, text=True, env=_env_without_display(), timeout=60)
    assert result.returncode == 0 and "No patients yet" in result.stdout


NEEDS_X = [t for t in ("Xvfb", "xdotool", "import") if shutil.which(t) is None]


@pytest.mark.skipif(bool(NEEDS_X) and os.environ.get("CI") != "true",
                    reason=f"needs {', '.join(NEEDS_X)} (apt-get install xvfb xdotool imagemagick)")
def test_real_window_under_xvfb(tmp_path: Path) -> None:
    """The real `assess` command on a virtual X screen (xcb platform): a window appears; screenshot saved."""
    display = f":{100 + os.getpid() % 100}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**_env_without_display(), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    subprocess.run([sys.executable, "-m", "assess", "--db", f"sqlite:///{tmp_path / 'a.db'}", "db", "upgrade"],
                   env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "assess", "--db", f"sqlite:///{tmp_path / 'a.db'}", "demo",
                    "--patients", "5"], env=env, check=True, capture_output=True)
    app = subprocess.Popen([sys.executable, "-m", "assess", "--db", f"sqlite:///{tmp_path / 'a.db'}"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        found = ""
        while time.monotonic() < deadline and app.poll() is None:
            search = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", "^assess$"], env=env,
                                    capture_output=True, text=True)
            found = search.stdout.strip()
            if found:
                break
            time.sleep(0.2)
        assert app.poll() is None, f"assess exited: {app.communicate()[1]}"
        assert found, "no assess window appeared"
        time.sleep(1.5)  # let it paint
        shot = Path(os.environ.get("ASSESS_SCREENSHOT_DIR", tmp_path)) / "main-window-xvfb.png"
        subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True)
        assert shot.stat().st_size > 10_000  # a real picture, not an empty screen
    finally:
        app.terminate()
        app.wait(10)
        xvfb.terminate()
        xvfb.wait(10)


def test_the_start_imports_no_chart_machinery_and_idle_time_makes_the_first_chart_ready(tmp_path: Path) -> None:
    """The real start (run_window, offscreen) in a fresh process: when the window is first shown neither
    matplotlib nor reportlab is imported and the worklist is not being read yet; a little later, with nobody
    touching the window, the Trends page's canvas is built and the worklist shown."""
    for command in (["db", "upgrade"], ["demo", "--patients", "30"]):  # a database named with --db is started first
        subprocess.run([sys.executable, "-m", "assess", "--db", f"sqlite:///{tmp_path / 'a.db'}", *command],
                       check=True, capture_output=True)
    script = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def first_turn():
    from assess.ui.main_window import MainWindow
    window = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)][0]
    print("shown", sorted(m for m in ("matplotlib", "reportlab") if m in sys.modules),
          window.worklist.model.rowCount(), window.view.trends.canvas is not None)
    start = time.monotonic()
    def idle():
        if window.view.trends.canvas is None and time.monotonic() - start < 60:
            QTimer.singleShot(50, idle)
            return
        print("idle", "matplotlib" in sys.modules, window.worklist.model.rowCount() > 0,
              window.view.trends.canvas is not None)
        app.quit()
    idle()
QTimer.singleShot(0, first_turn)
from assess.ui.app import run_window
run_window(sys.argv[1])
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-c", script, f"sqlite:///{tmp_path / 'a.db'}"], capture_output=True,
                         text=True, env=env, timeout=120).stdout
    assert "shown [] 0 False" in out
    assert "idle True True True" in out
