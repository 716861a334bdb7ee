"""Test fixtures: a real SQLite file and a real PostgreSQL server, started here and stopped after."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_cluster import PostgresServer, postgres_bindir

from assess.storage.db import Database, open_database

REQUIRE_POSTGRES = os.environ.get("ASSESS_REQUIRE_POSTGRES") == "1"
# Qt widgets in the tests draw on an offscreen surface: no display needed (set before any QApplication).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = postgres_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated once; each test gets a copy (CREATE DATABASE ... TEMPLATE is fast)."""
    name = postgres_server.create_database()
    open_database(postgres_server.url(name)).close()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "assess.db"
    open_database(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated SQLite file (a file named with --db must exist: `assess db upgrade` starts one)."""
    path = tmp_path / "a.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind: the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "assess.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database(template=request.getfixturevalue("postgres_template")))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.close()


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own workstation config folder (settings, drafts, login tokens), never the real one."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(autouse=True)
def _collect_garbage_between_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Python's cycle collector runs at the end of each test with Qt widgets, not during a later one.

    A Qt object held only in a reference cycle (a widget and a slot that names it) is otherwise deleted
    whenever the collector happens to run, which can be in the middle of a later test's paint; where it
    runs depends on how much every earlier test allocated, so a crash would come and go with unrelated
    tests. Collected here, the test that made the cycle is the one that pays for it. (Only after tests
    that use qtbot: a collection costs a tenth of a second once the heap is large.)
    """
    yield
    if "qtbot" in request.fixturenames:
        gc.collect()


@pytest.fixture(autouse=True)
def _keep_test_widgets_alive_until_teardown(request: pytest.FixtureRequest,
                                             monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every widget a test gives to qtbot.addWidget lives until the test's teardown.

    pytest-qt keeps only a weak reference, and once the test function returns it processes events (painting
    the widgets) before it closes them. A top-level widget the test made (the exam grid on its own) is by then
    held only by its own cycles, so a collection that falls inside that paint deleted the grid under its
    header's paintSection: a segfault that came and went with how much earlier tests had allocated (the
    toxin dialog's tests before the exam grid's). Held here, it is closed by pytest-qt, then released, then
    collected by the fixture above, outside any paint.
    """
    if "qtbot" not in request.fixturenames:
        yield
        return
    from pytestqt.qtbot import QtBot

    kept: list[object] = []
    add_widget = QtBot.addWidget

    def keeping(self: QtBot, widget: Any, **options: Any) -> None:
        kept.append(widget)
        add_widget(self, widget, **options)

    monkeypatch.setattr(QtBot, "addWidget", keeping)
    yield
    kept.clear()
