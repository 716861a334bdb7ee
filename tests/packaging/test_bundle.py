"""The one-folder desktop bundle: built by packaging/build_bundle.py, started under Xvfb, used from the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from samples import sample_document

from assess import __version__

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]
NEEDS = [t for t in ("Xvfb", "xdotool", "xprop") if shutil.which(t) is None]
if NEEDS and os.environ.get("CI") != "true":  # CI installs them (.ci/run); there a missing tool fails the test
    pytest.skip(f"needs {', '.join(NEEDS)} (apt-get install xvfb xdotool x11-utils)", allow_module_level=True)
if not sys.platform.startswith("linux"):
    pytest.skip("the bundle test runs the Linux bundle", allow_module_level=True)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundle built from this checkout (about 290 MB, removed after the tests)."""
    root = tmp_path_factory.mktemp("bundle")
    subprocess.run([sys.executable, str(REPOSITORY / "packaging" / "build_bundle.py"), "--dist", str(root / "dist"),
                    "--work", str(root / "work")], check=True, capture_output=True, timeout=1200)
    shutil.rmtree(root / "work")  # the bundle must not need PyInstaller's working files
    yield root / "dist" / "assess" / "assess"
    shutil.rmtree(root / "dist", ignore_errors=True)


def _env(home: Path, **extra: str) -> dict[str, str]:
    """A clinic user's environment: nothing of the checkout, the test run or its Python in it."""
    keep = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "ASSESS_DATABASE_URL", "DISPLAY",
                         "WAYLAND_DISPLAY", "QT_QPA_PLATFORM") and not k.startswith(("UV_", "PYTEST"))}
    home.mkdir(exist_ok=True)
    return {**keep, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"), **extra}


def _hide_system_fonts() -> list[str]:
    """A command prefix that runs a command with /usr/share/fonts empty (a workstation without DejaVu, as on
    Windows and macOS), so the report must use the bundle's own copy; nothing where that cannot be done here."""
    if os.geteuid() != 0 or shutil.which("unshare") is None or not Path("/usr/share/fonts").is_dir():
        return []
    prefix = ["unshare", "--mount", "sh", "-c", 'mount -t tmpfs none /usr/share/fonts && exec "$@"', "sh"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else []


def test_the_command_line_writes_the_report_with_the_bundles_own_font(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "clinic"
    env = _env(home)
    version = subprocess.run([str(bundle), "--version"], cwd=home, env=env, capture_output=True, text=True)
    assert version.stdout.strip() == f"assess {__version__}"
    (home / "visits.json").write_text(json.dumps(sample_document()), encoding="utf-8")
    imported = subprocess.run([str(bundle), "import", "visits.json"], cwd=home, env=env, capture_output=True,
                              text=True, timeout=120)
    assert imported.returncode == 0 and "added 2 new patients" in imported.stdout, imported.stderr
    clinic = subprocess.run([str(bundle), "clinic", "--name", "Elm Spasticity Clinic", "--phone", "555-0199"],
                            cwd=home, env=env, capture_output=True, text=True, timeout=120)
    assert clinic.returncode == 0, clinic.stderr  # a report is headed with the clinic's name and phone
    report = subprocess.run([*_hide_system_fonts(), str(bundle), "report", "LB-100234", "--out", "letter.pdf"],
                            cwd=home, env=env, capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, report.stderr
    pdf = PdfReader(home / "letter.pdf")
    assert "Zoë Müller" in pdf.pages[0].extract_text()
    fonts = {str(font["/BaseFont"]) for page in pdf.pages for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in font for font in fonts), fonts


@pytest.fixture
def display() -> Iterator[str]:
    """A virtual X screen of our own (Xvfb picks a free display number and writes it to us)."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def _wait_for_window(env: dict[str, str], app: subprocess.Popen[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and app.poll() is None:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", "^assess$"], env=env,
                               capture_output=True, text=True).stdout.split()
        if found:
            return found[0]
        time.sleep(0.2)
    return ""


def test_the_bundled_window_opens_with_its_icon_and_draws_trends(bundle: Path, tmp_path: Path, display: str) -> None:
    home = tmp_path / "clinic"
    env = _env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    subprocess.run([str(bundle), "demo", "--patients", "3"], cwd=home, env=env, check=True, capture_output=True)
    app = subprocess.Popen([str(bundle)], cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        window = _wait_for_window(env, app, 60)
        assert app.poll() is None, f"assess exited: {app.communicate()[1]}"
        assert window, "no assess window appeared"
        properties = subprocess.run(["xprop", "-id", window, "WM_CLASS", "_NET_WM_ICON"], env=env,
                                    capture_output=True, text=True).stdout
        assert 'WM_CLASS(STRING) = "assess", "assess"' in properties  # StartupWMClass of the desktop entry
        assert "Icon (32 x 32)" in properties  # the SVG icon, drawn by the bundled image plugin
        # Open a patient's Trends page: matplotlib's Qt canvas and the body map, from the bundle's own files.
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, check=True)  # no window manager
        key = ["xdotool", "key"]
        subprocess.run([*key, "ctrl+f"], env=env, check=True)
        subprocess.run(["xdotool", "type", "DEMO-000001"], env=env, check=True)
        subprocess.run([*key, "Return"], env=env, check=True)
        time.sleep(2)
        subprocess.run([*key, "alt+r"], env=env, check=True)
        time.sleep(4)
        shot = Path(os.environ.get("ASSESS_SCREENSHOT_DIR", tmp_path)) / "bundle-trends-xvfb.png"
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True)
        assert app.poll() is None, f"assess exited: {app.communicate()[1]}"
    finally:
        app.terminate()
        _, errors = app.communicate(timeout=20)
    assert "Traceback" not in errors, errors
    settings = (home / ".config" / "assess" / "assess.ini").read_text()
    assert "DEMO-000001" in settings  # the patient was opened: it is now a recent one
