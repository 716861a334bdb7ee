"""The issue's sequence in the real `assess` window on a virtual screen, from the keyboard only.

Find the patient, open today's exam, grade two muscles, export the report into the folder that holds the
database (Qt's own file dialog lists it), let another `assess` command import into the same file while the
dialog is open, then save: the visit lands, and a third process reads it back. Xvfb and openbox (keyboard focus
behaves as on a desktop), keys sent with xdotool, screenshots kept for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from exam_helpers import MRN, add_patient
from samples import sample_document

from assess.reports.content import Clinic
from assess.services.clinic import set_clinic_letterhead
from assess.storage.db import open_database
from assess.ui.settings import Settings

TOOLS = ("Xvfb", "openbox", "xdotool", "import")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = [
    pytest.mark.skipif(bool(MISSING) and os.environ.get("CI") != "true",
                       reason=f"needs {', '.join(MISSING)} (apt-get install xvfb openbox xdotool imagemagick)"),
    pytest.mark.skipif(sys.platform == "win32", reason="an X server"),
]


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A virtual 1280 × 800 screen with a window manager; the environment to run programs on it."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as numbers:
        display = f":{numbers.readline().strip()}"
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    manager = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield env
    finally:
        manager.terminate()
        manager.wait(10)
        xvfb.terminate()
        xvfb.wait(10)


def _until(what: str, check: Callable[[], object], timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_export_into_the_database_folder_another_program_then_save_from_the_keyboard(
        screen: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    url = f"sqlite:///{folder / 'assess.db'}"
    db = open_database(url)
    add_patient(db)
    with db.transaction() as session:  # a report is headed with the clinic's name and phone (else it asks first)
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", phone="555-0199"))
    db.close()
    settings = Settings(tmp_path / "config" / "assess" / "assess.ini")
    settings.clinician = "Dr K. Osei"  # the window does not ask for the examiner's name
    source = tmp_path / "others.json"
    others = sample_document()
    others["patients"] = [p for p in others["patients"] if p["mrn"] != MRN]
    source.write_text(json.dumps(others), encoding="utf-8")
    shots = Path(os.environ.get("ASSESS_SCREENSHOT_DIR", tmp_path))

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(command), env=screen, capture_output=True, text=True, timeout=60, check=False)

    def windows(name: str) -> str:
        return run("xdotool", "search", "--onlyvisible", "--name", name).stdout.strip()

    def keys(*names: str) -> None:
        for name in names:
            run("xdotool", "key", "--delay", "80", name)
            time.sleep(0.15)

    def type_text(text: str) -> None:
        run("xdotool", "type", "--delay", "40", text)
        time.sleep(0.3)

    def shot(name: str) -> None:
        run("import", "-window", "root", str(shots / f"every-save-lands-{name}.png"))

    app = subprocess.Popen([sys.executable, "-m", "assess", "--db", url], env=screen, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        main = str(_until("the main window",  # found by its class: its title is its database
                          lambda: run("xdotool", "search", "--onlyvisible", "--class", "^assess$").stdout.strip()))
        run("xdotool", "windowactivate", "--sync", main.splitlines()[0])
        time.sleep(1.5)  # the start's file check and first paint
        keys("ctrl+f")
        type_text(MRN)
        keys("Return")
        time.sleep(1)
        keys("ctrl+n")  # today's exam, on its first MAS cell
        time.sleep(2)
        keys("2", "3")  # hip flexors left 2, right 3
        time.sleep(1)
        shot("1-exam")

        keys("ctrl+r")
        dialog = str(_until("the report's file dialog", lambda: windows("^Export report")))
        assert dialog
        keys("ctrl+a")
        type_text(f"{folder}/")  # into the database's folder: the dialog lists it
        keys("Return")
        time.sleep(2)
        shot("2-dialog-in-the-database-folder")
        other = subprocess.run([sys.executable, "-m", "assess", "--db", url, "import", str(source)],
                               capture_output=True, text=True, timeout=120, check=False)
        assert other.returncode == 0, other.stderr
        assert (folder / "assess.db-wal").exists()  # the window kept its locks: the journal stayed
        type_text("letter.pdf")
        keys("Return")
        _until("the report", lambda: (folder / "letter.pdf").exists() and windows("^Report written"))
        shot("3-report-written")
        keys("Escape")  # do not open it
        time.sleep(1)

        keys("ctrl+s")
        today = dt.date.today().isoformat()

        def stored_findings() -> list[dict[str, object]]:
            shown = subprocess.run([sys.executable, "-m", "assess", "--db", url, "export", "--patient", MRN,
                                    "--out", "-"], capture_output=True, text=True, timeout=120, check=False)
            assert shown.returncode == 0, shown.stderr
            [patient] = json.loads(shown.stdout)["patients"]
            return [f for v in patient["visits"] if v["date"] == today for f in v.get("findings", [])]

        found = _until("the saved visit, read by a third process", stored_findings, timeout=20)
        shot("4-saved")
        assert {"muscle_group": "hip_flexors", "side": "left", "mas": "2"} in found  # type: ignore[operator]
        assert {"muscle_group": "hip_flexors", "side": "right", "mas": "3"} in found  # type: ignore[operator]
        assert (folder / "letter.pdf").read_bytes().startswith(b"%PDF")
        geometry = run("xdotool", "getwindowgeometry", "--shell", main.splitlines()[0]).stdout
        assert int(dict(line.split("=") for line in geometry.split())["WIDTH"]) <= 1280  # within the screen
        assert app.poll() is None, app.communicate()[1]
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
