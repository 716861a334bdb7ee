"""The wheel as a clinic installs it: built, installed into a fresh environment outside the checkout, and run there."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from samples import sample_document

from assess import __version__
from assess.scoring.limits import load_limits

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE = REPOSITORY / "assess"

# Run by the installed Python: the real start of the window (assess.cli.launcher.main, as the `assess` command
# calls it) on the offscreen platform; once the event loop runs, it reports the first window and closes it.
FIRST_WINDOW = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from assess.cli.launcher import main

app = QApplication(sys.argv[:1])
seen = {}

def first_window():
    shown = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
    if not shown:
        QTimer.singleShot(100, first_window)
        return
    menus = [a.text() for a in shown[0].menuBar().actions()]
    seen.update(title=shown[0].windowTitle(), menus=menus, icon=not app.windowIcon().isNull(),
                icon_sizes=[s.width() for s in app.windowIcon().availableSizes()])
    app.quit()

QTimer.singleShot(0, first_window)
code = main(sys.argv[1:])
print(json.dumps({"code": code, **seen}))
"""


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV
    if found is None:
        pytest.fail("uv not found: the wheel test builds and installs with uv (pip install uv)")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A virtual environment outside the checkout with only the wheel and its locked dependencies in it
    (about 430 MB, removed after the tests)."""
    root = tmp_path_factory.mktemp("wheel")
    uv = _uv()
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(root / "dist"), str(REPOSITORY)], check=True,
                   capture_output=True)
    [wheel] = (root / "dist").glob("assess-*.whl")
    # The dependencies at the versions of uv.lock (from the uv cache once `uv sync` has run), then the wheel.
    requirements = root / "requirements.txt"
    requirements.write_text(subprocess.run(
        [uv, "export", "--format", "requirements-txt", "--no-dev", "--no-hashes", "--no-emit-project", "--locked"],
        cwd=REPOSITORY, check=True, capture_output=True, text=True).stdout)
    venv = root / "venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, capture_output=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "-r",
                    str(requirements), str(wheel)], check=True, capture_output=True)
    yield venv
    shutil.rmtree(venv, ignore_errors=True)


def _run(venv: Path, home: Path, *command: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """A command of the installed assess, started in a folder outside the checkout, as a clinic's user."""
    keep = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "VIRTUAL_ENV", "ASSESS_DATABASE_URL", "DISPLAY", "WAYLAND_DISPLAY")
            and not k.startswith(("UV_", "PYTEST"))}
    env = {**keep, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "QT_QPA_PLATFORM": "offscreen"}
    home.mkdir(exist_ok=True)
    return subprocess.run(list(command), cwd=home, env=env, capture_output=True, text=True, timeout=300, umask=umask)


def test_the_wheel_holds_every_file_assess_reads_at_run_time(installed: Path) -> None:
    [wheel] = (installed.parent / "dist").glob("assess-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {str(p.relative_to(REPOSITORY)) for p in PACKAGE.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names, f"missing from the wheel: {sorted(shipped - names)}"
    for needed in ("assess/resources/limits.json", "assess/resources/body_map.svg", "assess/resources/assess.svg",
                   "assess/interchange/assess-record-1.schema.json", "assess/storage/migrations/env.py",
                   "assess/storage/migrations/versions/0001_initial.py", "assess/py.typed"):
        assert needed in names


def test_import_alerts_report_and_window_from_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "clinic"
    python = str(installed / "bin" / "python")
    where = _run(installed, home, python, "-c", "import assess; print(assess.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout  # not the checkout's copy

    version = _run(installed, home, "assess", "--version")
    assert version.stdout.strip() == f"assess {__version__}"

    records = home / "visits.json"
    records.write_text(json.dumps(sample_document()), encoding="utf-8")
    imported = _run(installed, home, "assess", "import", "visits.json")  # the default database: the data folder
    assert imported.returncode == 0, imported.stderr
    assert "added 2 new patients" in imported.stdout
    database = home / ".local" / "share" / "assess" / "assess.db"
    assert database.is_file()

    found = _run(installed, home, "assess", "alerts", "--as-of", "2025-07-01", "--json")
    assert found.returncode == 0, found.stderr
    alerts = json.loads(found.stdout)
    refill = [a for a in alerts if a["code"] == "pump_refill_due"]
    reservoir = load_limits().itb_low_reservoir()
    assert reservoir is not None and refill and refill[0]["mrn"] == "ITB-7"
    assert refill[0]["source"] == reservoir.cited  # the limit came from the installed limits.json

    clinic = _run(installed, home, "assess", "clinic", "--name", "Elm Spasticity Clinic", "--phone", "555-0199")
    assert clinic.returncode == 0, clinic.stderr  # a report is headed with the clinic's name and phone
    report = _run(installed, home, "assess", "report", "LB-100234", "--out", "letter.pdf")
    assert report.returncode == 0, report.stderr
    pdf = PdfReader(home / "letter.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Müller" in text and "Zoë" in text and "LB-100234" in text
    assert any("/XObject" in page["/Resources"] for page in pdf.pages)  # the body map and charts as pictures

    # The window, started as the `assess` command starts it, by a user whose umask is 000.
    window = _run(installed, home, python, "-c", FIRST_WINDOW, umask=0)
    assert window.returncode == 0, window.stderr
    shown = json.loads(window.stdout.strip().splitlines()[-1])
    assert shown["code"] == 0 and shown["title"] == str(database)
    assert shown["menus"][-1] == "&Help" and shown["icon"] and 256 in shown["icon_sizes"]
    settings = home / ".config" / "assess" / "assess.ini"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.parent.stat().st_mode) == 0o700
