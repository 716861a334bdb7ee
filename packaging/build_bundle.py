"""Builds the one-folder desktop bundle of assess with PyInstaller: `uv run python packaging/build_bundle.py`.

The result is dist/assess/ (the program `assess`, or `assess.exe`, and an `_internal` folder beside it): copy
the whole folder to a workstation. Run it on the system the bundle is for (Linux, Windows, macOS); PyInstaller
does not cross-build. Why PyInstaller and what goes in: docs/packaging.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import assess

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = Path(assess.__file__).resolve().parent

# Qt modules assess does not use. It imports QtCore, QtGui and QtWidgets; matplotlib's Qt backend (the Trends
# page) imports QtSvg as well. PyInstaller would otherwise follow optional imports into the others.
UNUSED_QT = (
    "Qt3DCore", "Qt3DRender", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus", "QtDesigner",
    "QtHelp", "QtLabsStyleKit", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc",
    "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
    "QtQmlFeatures", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine",
    "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore",
    "QtWebEngineWidgets", "QtWebSockets", "QtXml",
)
# Other packages PyInstaller would find through optional imports of the dependencies, never used by assess.
UNUSED_PYTHON = ("tkinter", "PyQt5", "PyQt6", "PySide2", "IPython", "pytest", "hypothesis", "pypdf", "mypy",
                 "setuptools", "numpy.f2py", "matplotlib.tests", "numpy.tests")


def data_files() -> list[tuple[Path, str]]:
    """(file, folder in the bundle) for every file assess reads at run time, the migrations among them.

    Alembic reads the migrations as files (env.py and versions/*.py), not as imported modules, so they go in
    as data beside the resources, the interchange schema and py.typed.
    """
    wanted: list[tuple[Path, str]] = []
    for path in sorted(PACKAGE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        relative = path.relative_to(PACKAGE)
        is_migration = relative.parts[:2] == ("storage", "migrations")
        if path.suffix != ".py" or is_migration:
            wanted.append((path, str(Path("assess") / relative.parent)))
    return wanted


def pyinstaller_arguments(dist: Path, work: Path, windowed: bool = False) -> list[str]:
    separator = os.pathsep  # PyInstaller's SOURCE:DEST separator is ';' on Windows
    arguments = [
        "--windowed" if windowed else "--console",  # Windows: no console window; macOS: also an assess.app
        str(PACKAGE / "__main__.py"),
        "--name", "assess",
        "--onedir",
        "--noconfirm",
        "--log-level", "WARN",
        "--distpath", str(dist),
        "--workpath", str(work),
        "--specpath", str(work),
        # The migrations and their environment import these; Alembic loads those files by path, so PyInstaller's
        # scan of the code does not see the imports (the dialects are named in database URLs, not imported).
        "--hidden-import", "alembic.op",
        "--hidden-import", "alembic.context",
        "--hidden-import", "sqlalchemy.dialects.sqlite",
        "--hidden-import", "sqlalchemy.dialects.postgresql.psycopg",
        # matplotlib picks its backends by name at run time: the window's canvas and the report's charts.
        "--hidden-import", "matplotlib.backends.backend_qtagg",
        "--hidden-import", "matplotlib.backends.backend_agg",
        "--collect-data", "reportlab",  # its standard fonts and its own data, read as files
        "--collect-data", "anyascii",  # its transliteration tables, read as package resources (search folding)
    ]
    for module in UNUSED_QT:
        arguments += ["--exclude-module", f"PySide6.{module}"]
    for module in UNUSED_PYTHON:
        arguments += ["--exclude-module", module]
    for source, target in data_files():
        arguments += ["--add-data", f"{source}{separator}{target}"]
    icon = PACKAGE / "resources" / ("assess.ico" if sys.platform == "win32" else "assess.icns")
    if icon.exists():  # Windows and macOS want their own icon formats for the program file (docs/packaging.md)
        arguments += ["--icon", str(icon)]
    return arguments


def build(dist: Path, work: Path, windowed: bool = False) -> Path:
    """Build dist/assess/ and return the path of the program in it."""
    from PyInstaller.__main__ import run  # type: ignore[import-untyped]

    shutil.rmtree(dist / "assess", ignore_errors=True)
    run(pyinstaller_arguments(dist, work, windowed))
    program = dist / "assess" / ("assess.exe" if sys.platform == "win32" else "assess")
    if not program.is_file():
        raise SystemExit(f"build_bundle: PyInstaller finished but {program} is missing")
    if sys.platform.startswith("linux"):  # the desktop entry, its icon and installer beside the program
        for source in (REPOSITORY / "packaging" / "linux").iterdir():
            shutil.copy2(source, program.parent / source.name)
        shutil.copy2(PACKAGE / "resources" / "assess.svg", program.parent / "assess.svg")
    return program


def folder_size(folder: Path) -> int:
    """Bytes on disk, each file once (the bundle's top-level libraries are symbolic links into _internal)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=REPOSITORY / "dist",
                        help="the folder the bundle (assess/) is written into")
    parser.add_argument("--work", type=Path, default=REPOSITORY / "build" / "bundle",
                        help="PyInstaller's working folder")
    parser.add_argument("--windowed", action="store_true", help="Windows: a program without a console window "
                        "(its commands then print nothing); macOS: an assess.app as well. No effect on Linux")
    args = parser.parse_args(argv)
    started = time.monotonic()
    program = build(args.dist.resolve(), args.work.resolve(), args.windowed)
    size = folder_size(program.parent)
    print(f"build_bundle: {program} ({size / 2**20:.0f} MiB in {program.parent}) in "
          f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
