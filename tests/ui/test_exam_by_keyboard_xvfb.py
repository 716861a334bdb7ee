"""A whole exam from the keyboard only, in the real `assess` window under Xvfb with a window manager (openbox):
find the patient, open today's exam, grade, type an angle, a score, save, sign; the values are in the database.

A bare X server hides focus bugs (no window manager activates or refocuses anything), so the test runs openbox,
as a desk would run its own window manager. Keys go through xdotool, as from a keyboard.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from exam_helpers import MRN, add_patient

from assess.services.history import patient_history
from assess.storage.db import open_database

NEEDS = [t for t in ("Xvfb", "openbox", "xdotool", "import") if shutil.which(t) is None]
pytestmark = pytest.mark.skipif(bool(NEEDS) and os.environ.get("CI") != "true",
                                reason=f"needs {', '.join(NEEDS)} (apt-get install xvfb openbox xdotool imagemagick)")


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A virtual screen of a 1280x800 laptop with openbox on it; the display number is the one Xvfb chose."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as chosen:
        display = f":{chosen.readline().strip()}"
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    manager = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield env
    finally:
        for process in (manager, xvfb):
            process.terminate()
            process.wait(10)


def _keys(env: dict[str, str], *keys: str, pause: float = 0.35) -> None:
    for key in keys:
        subprocess.run(["xdotool", "key", "--clearmodifiers", key], env=env, check=True)
        time.sleep(pause)


def _type(env: dict[str, str], text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "60", "--", text], env=env, check=True)
    time.sleep(0.4)


def _window(env: dict[str, str], name: str, app: subprocess.Popen[str], seconds: float = 30) -> str:
    """A visible window by its title, or the main window (titled with its database) by its class "assess"."""
    deadline = time.monotonic() + seconds
    by = ["--class", "^assess$"] if name == "assess" else ["--name", name]
    while time.monotonic() < deadline:
        assert app.poll() is None, f"assess exited: {app.communicate()[1]}"
        found = subprocess.run(["xdotool", "search", "--onlyvisible", *by], env=env,
                               capture_output=True, text=True).stdout.split()
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no window named {name!r} appeared")


def test_a_full_exam_from_the_keyboard_only_reaches_the_database(desk: dict[str, str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    db = open_database(url)
    add_patient(db)  # Zoë Müller with her first exam (lower limbs)
    db.close()
    app = subprocess.Popen([sys.executable, "-m", "assess", "--db", url], env=desk, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        _window(desk, "assess", app)
        time.sleep(1.5)
        _keys(desk, "ctrl+f")
        _type(desk, "muller")  # no ü on this keyboard
        _keys(desk, "Return", "ctrl+n")
        _window(desk, "Clinician", app)  # the first exam of this workstation asks the examiner's name once
        _type(desk, "Dr K. Osei")
        _keys(desk, "Return", pause=1.0)
        # Hip flexors L 2, R 1+ (1 then +), hip adductors L 4, R 2: one keystroke per grade, left then right.
        _keys(desk, "2", "1", "plus", "4", "2")
        _keys(desk, "ctrl+Tab", "ctrl+Tab")  # to the patient and back: the grid still has the keys
        _keys(desk, "ctrl+Home", "Right", "Right", "Right", "Right")  # R1 left of the first group
        _type(desk, "-10")
        _keys(desk, "Return")
        _keys(desk, "ctrl+s", pause=1.0)
        # Hip adductors left went 1+ -> 4, three steps with one exam on file (scoring/worsening.py): worse, so
        # the save asks for a trigger. Space ticks the first one,
        # Ctrl+Enter saves with it, as in every dialog.
        _window(desk, "Worsening", app)
        _keys(desk, "space", "ctrl+Return", pause=1.0)
        _keys(desk, "ctrl+shift+s", pause=1.0)
        _window(desk, "Sign", app)
        _keys(desk, "shift+Tab", "space", pause=1.0)  # from Cancel (the safe default) to Sign
        shot = Path(os.environ.get("ASSESS_SCREENSHOT_DIR", tmp_path)) / "exam-by-keyboard-openbox.png"
        subprocess.run(["import", "-window", "root", str(shot)], env=desk, check=True)
        _keys(desk, "ctrl+q", pause=1.0)
        app.wait(20)
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(10)
    db = open_database(url)
    try:
        with db.transaction() as session:
            visit = next(v for v in patient_history(session, MRN).visits if v.date == dt.date.today())
    finally:
        db.close()
    found = {(f.muscle_group, f.side): f for f in visit.findings}
    assert found[("hip_flexors", "left")].mas == "2" and found[("hip_flexors", "right")].mas == "1+"
    assert found[("hip_adductors", "left")].mas == "4" and found[("hip_adductors", "right")].mas == "2"
    assert found[("hip_flexors", "left")].tardieu_r1 == -10
    assert len(visit.triggers) == 1
    assert visit.status == "signed" and visit.clinician == "Dr K. Osei"
