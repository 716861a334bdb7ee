"""Every save on a SQLite file lands or is refused: the process's locks and its view of the WAL are kept true.

SQLite's locks on Linux and macOS are POSIX advisory locks, which belong to the process, and closing ANY
descriptor of the database file drops all of them (SQLite, "How To Corrupt An SQLite Database File", 2.2).
Another program then believes it is the last user, checkpoints, and deletes the -wal and -shm files; this
process would go on writing into the deleted WAL (the save lost) or reading a stale index ("database disk
image is malformed"). Nothing in assess opens the file itself, but defence in depth costs little:

- before every use of a connection the process takes a read lock on SQLite's SHARED byte range again,
  through a descriptor of its own held until the last connection closed: whatever dropped the locks, no
  other program can take the EXCLUSIVE lock that deleting the WAL needs while this one works;
- it then compares the -wal, -shm and database files on disk (device and inode) with those its
  connections opened; when they differ, every connection of the process to the file is closed while a
  helper process holds the same read lock (so closing a connection can neither checkpoint a stale WAL
  into the file nor delete another program's WAL), and fresh connections are opened before the work;
- after a transaction that wrote, the files are compared again: a commit that went to a file no longer
  on disk is reported as not saved (DatabaseError), never as saved.

Windows needs none of the locking: its byte-range locks belong to a handle, and a file open in SQLite
cannot be deleted; the comparison of files runs there too.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

from assess.record.errors import DatabaseError

try:
    import fcntl
except ImportError:  # Windows: locks belong to handles there (see the module's docstring)
    fcntl = None  # type: ignore[assignment]

# SQLite's lock bytes (os.h): readers hold a read lock on the SHARED range; EXCLUSIVE is a write lock on it.
PENDING_BYTE = 0x40000000
SHARED_FIRST = PENDING_BYTE + 2
SHARED_SIZE = 510
LOCK_WAIT_S = 10.0  # as long as SQLite's busy_timeout: another program's checkpoint-on-close is shorter
QUIET_WAIT_S = 30.0  # how long a reopen waits for the process's other transactions to end

FileId = tuple[int, int] | None  # (device, inode), None when the file is missing

# The helper that holds the read lock while stale connections close: a lock held by another process is
# the only one this process's own close respects (POSIX locks never conflict within one process).
_HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.lockf(fd, fcntl.LOCK_SH, int(sys.argv[3]), int(sys.argv[2]), 0)
print("held", flush=True)
sys.stdin.read()
"""


def file_id(path: Path) -> FileId:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


@dataclass(frozen=True)
class Files:
    """The database file, its -wal and its -shm, each by device and inode."""

    db: FileId
    wal: FileId
    shm: FileId

    @classmethod
    def on_disk(cls, path: Path) -> Files:
        return cls(file_id(path), file_id(Path(f"{path}-wal")), file_id(Path(f"{path}-shm")))


@dataclass
class _Guard:
    """One per database file per process: SQLite shares its locks and its -shm index across connections."""

    path: Path
    fd: int | None = None  # the descriptor the read lock is taken through
    engines: int = 0
    live: int = 0  # open connections of this process (through assess's engines) to the file
    in_use: int = 0  # of them, checked out now
    opened: Files | None = None  # the files the open connections use
    stale: bool = False
    helper: subprocess.Popen[str] | None = None
    condition: threading.Condition = field(default_factory=lambda: threading.Condition(threading.RLock()))
    pools: list[weakref.ref[Any]] = field(default_factory=list)
    local: threading.local = field(default_factory=threading.local)


@dataclass
class _Watch:
    """One engine's share of its file's guard, given back once (Database.close, or the engine's end)."""

    guard: _Guard
    released: bool = False


_guards: dict[str, _Guard] = {}
_by_engine: weakref.WeakKeyDictionary[Engine, _Watch] = weakref.WeakKeyDictionary()
_guards_lock = threading.Lock()
# Shares of engines the garbage collector took without Database.close: given back at the next watch or
# unwatch, never from inside the collector (it may run while this thread holds _guards_lock).
_collected: list[_Watch] = []
_idle: list[_Guard] = []  # guards whose last connection closed after their last engine: forgotten likewise


def watch(engine: Engine, path: Path) -> None:
    """Keep engine's connections to the SQLite file at path honest (see the module's docstring)."""
    key = os.path.realpath(path)
    _release_collected()
    with _guards_lock:
        guard = _guards.get(key)
        if guard is None:
            guard = _guards[key] = _Guard(Path(key))
        with guard.condition:
            guard.engines += 1
            _open_lock_descriptor(guard)
            guard.pools.append(weakref.ref(engine.pool))
        ticket = _by_engine[engine] = _Watch(guard)
    event.listen(engine, "do_connect", lambda dialect, record, cargs, cparams: _connecting(guard))
    event.listen(engine, "connect", lambda dbapi, record: _connected(guard, dbapi))
    event.listen(engine, "checkout", lambda dbapi, record, proxy: _checkout(guard, dbapi, record))
    event.listen(engine, "checkin", lambda dbapi, record: _checkin(guard, dbapi, record))
    event.listen(engine, "close", lambda dbapi, record: _closed(guard))
    event.listen(engine, "close_detached", lambda dbapi: _closed(guard))
    event.listen(engine, "handle_error", lambda context: _on_error(guard, context))
    event.listen(engine, "engine_disposed", lambda disposed: _track_pool(guard, disposed))
    weakref.finalize(engine, _collected.append, ticket)  # list.append: no lock taken inside the collector


def unwatch(engine: Engine) -> None:
    """The engine is done with (its connections closed): the file's lock descriptor closes with the last one."""
    ticket = _by_engine.get(engine)
    if ticket is not None:
        _release(ticket)
    _release_collected()


def _release_collected() -> None:
    while _collected:
        _release(_collected.pop())
    while _idle:
        guard = _idle.pop()
        with _guards_lock, guard.condition:
            if guard.engines <= 0 and guard.live <= 0:
                _forget(guard)


def write_unproven(engine: Engine) -> bool:
    """Whether this thread's last transaction on engine wrote to a file no longer on disk (then forgotten)."""
    ticket = _by_engine.get(engine)
    if ticket is None or not getattr(ticket.guard.local, "unproven", False):
        return False
    ticket.guard.local.unproven = False
    return True


def _open_lock_descriptor(guard: _Guard) -> None:
    if guard.fd is not None or fcntl is None:
        return
    # Held until the process's last connection to the file is closed: closing it earlier would be the very
    # fault this module guards against.
    try:
        guard.fd = os.open(guard.path, os.O_RDONLY)
    except OSError:
        guard.fd = None  # an unreadable file: SQLite says so itself


def _track_pool(guard: _Guard, engine: Engine) -> None:
    with guard.condition:
        guard.pools.append(weakref.ref(engine.pool))


def _release(ticket: _Watch) -> None:
    """An engine is gone; the last one closes the lock descriptor, once no connection is open."""
    with _guards_lock:
        if ticket.released:
            return
        ticket.released = True
        guard = ticket.guard
        with guard.condition:
            guard.engines -= 1
            if guard.engines <= 0 and guard.live <= 0:
                _forget(guard)


def _forget(guard: _Guard) -> None:
    _stop_helper(guard)
    if guard.fd is not None:
        os.close(guard.fd)
        guard.fd = None
    if _guards.get(str(guard.path)) is guard:
        del _guards[str(guard.path)]


def _connecting(guard: _Guard) -> None:
    """Before a new connection: the stale ones, if any, are closed now (the close event comes just before
    each close), so the helper's lock goes; the new connection may need the file alone (a switch to WAL)."""
    with guard.condition:
        if guard.live == 0:
            _stop_helper(guard)


def _connected(guard: _Guard, dbapi: Any) -> None:
    """A new connection: open its WAL now (a read), and note which files the process's connections use."""
    dbapi.execute("PRAGMA schema_version").fetchall()
    with guard.condition:
        guard.live += 1
        now = Files.on_disk(guard.path)
        if guard.opened is None:
            guard.opened = now
            guard.stale = False
        elif now != guard.opened:
            guard.stale = True  # it joined connections that use files no longer on disk


def _closed(guard: _Guard) -> None:
    with guard.condition:
        guard.live -= 1
        if guard.live > 0:
            return
        guard.opened = None  # SQLite forgets the file with its last connection: the next one starts afresh
        guard.stale = False
        if guard.engines <= 0:
            _idle.append(guard)  # _guards_lock comes before this lock: forgotten at the next watch or unwatch


def _checkout(guard: _Guard, dbapi: Any, record: Any) -> None:
    with guard.condition:
        _take_read_lock(guard)
        if guard.stale or Files.on_disk(guard.path) != guard.opened:
            _close_everything(guard)
            # The pool closes this connection too (under the helper's lock) and opens a fresh one.
            raise DisconnectionError("the database's files changed under this process; reopening")
        guard.in_use += 1
        record.info["assess_changes"] = dbapi.total_changes


def _checkin(guard: _Guard, dbapi: Any, record: Any) -> None:
    with guard.condition:
        if "assess_changes" not in record.info:
            return  # never handed out (refused at checkout)
        changes = record.info.pop("assess_changes")
        guard.in_use -= 1
        guard.condition.notify_all()
        if dbapi is None or dbapi.total_changes == changes:
            return
        if Files.on_disk(guard.path) != guard.opened:
            guard.stale = True
            guard.local.unproven = True


def _on_error(guard: _Guard, context: Any) -> None:
    text = str(context.original_exception)
    if "malformed" in text or "disk I/O error" in text:
        with guard.condition:
            guard.stale = True  # reopened before the next use, rather than failing every read from now on


def _take_read_lock(guard: _Guard) -> None:
    """SQLite's SHARED lock again, whatever dropped it; waits while another program holds EXCLUSIVE."""
    if guard.fd is None or fcntl is None:
        return
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.lockf(guard.fd, fcntl.LOCK_SH | fcntl.LOCK_NB, SHARED_SIZE, SHARED_FIRST, os.SEEK_SET)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise DatabaseError(f"the database {guard.path} is held by another program (closing it for "
                                    f"over {LOCK_WAIT_S:.0f} s); nothing was saved, try again") from None
            time.sleep(0.005)


def _close_everything(guard: _Guard) -> None:
    """Close every connection of the process to the file, under a helper's lock, so fresh ones can open."""
    _start_helper(guard)  # first: the connection being checked out is closed even if the wait below fails
    if not guard.condition.wait_for(lambda: guard.in_use == 0, timeout=QUIET_WAIT_S):
        raise DatabaseError(f"the database {guard.path} was changed by another program and must be reopened, "
                            "but this window is still busy with it; nothing was saved, try again")
    for reference in guard.pools:
        pool = reference()
        if pool is not None:
            pool.dispose()  # closes the idle connections; the pool stays in use
    guard.pools = [reference for reference in guard.pools if reference() is not None]
    if guard.opened is not None and guard.opened.db != file_id(guard.path) and guard.fd is not None:
        os.close(guard.fd)  # a file put in its place (a restore): lock the new one from now on
        guard.fd = None
        _open_lock_descriptor(guard)
    guard.stale = False
    guard.opened = None


def _start_helper(guard: _Guard) -> None:
    if fcntl is None or guard.helper is not None:
        return
    try:
        helper = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _HOLDER, str(guard.path), str(SHARED_FIRST), str(SHARED_SIZE)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError as error:
        raise DatabaseError(f"the database {guard.path} must be reopened, which needs a helper process that "
                            f"could not start ({error}); nothing was saved: restart assess") from None
    assert helper.stdout is not None
    ready, _, _ = select.select([helper.stdout], [], [], LOCK_WAIT_S)
    if not ready or helper.stdout.readline().strip() != "held":
        helper.kill()
        helper.wait()
        raise DatabaseError(f"the database {guard.path} must be reopened, but its lock could not be held while "
                            "doing so; nothing was saved: restart assess")
    guard.helper = helper


def _stop_helper(guard: _Guard) -> None:
    helper, guard.helper = guard.helper, None
    if helper is None:
        return
    assert helper.stdin is not None and helper.stdout is not None
    helper.stdin.close()
    try:
        helper.wait(timeout=5)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.wait()
    helper.stdout.close()
