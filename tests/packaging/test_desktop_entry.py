"""The Linux desktop entry: valid, names the `assess` program and the shipped icon, and installs for a user."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from assess.resources import resource

REPOSITORY = Path(__file__).resolve().parents[2]
ENTRY = REPOSITORY / "packaging" / "linux" / "assess.desktop"
INSTALL = REPOSITORY / "packaging" / "linux" / "install-desktop-entry.sh"


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_entry_starts_the_assess_program_with_its_icon() -> None:
    entry = _entry(ENTRY)
    scripts = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"] in scripts  # the command a wheel installs
    assert resource(f"{entry['Icon']}.svg").is_file()
    assert entry["StartupWMClass"] == "assess"  # QApplication.desktopFileName(), tested in tests/ui/test_about.py


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="apt-get install desktop-file-utils")
def test_the_entry_passes_the_freedesktop_validator() -> None:
    result = subprocess.run(["desktop-file-validate", str(ENTRY)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_installing_for_a_user_puts_the_entry_and_icon_in_the_menu_folders(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share"), "ASSESS_PROGRAM": "/opt/assess/assess"}
    subprocess.run(["sh", str(INSTALL)], env=env, check=True, capture_output=True)
    installed = _entry(tmp_path / "share" / "applications" / "assess.desktop")
    assert installed["Exec"] == "/opt/assess/assess" and installed["TryExec"] == "/opt/assess/assess"
    icon = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "assess.svg"
    assert icon.read_bytes() == resource("assess.svg").read_bytes()
