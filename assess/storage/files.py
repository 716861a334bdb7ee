"""Writing a file whole or not at all: a temporary file beside it, renamed over it at the end."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from assess.record.errors import AssessError


def write_atomically(path: Path, data: bytes) -> None:
    """A reader (or a crash) never sees half a file; the file is the user's only (0600)."""
    write_chunks_atomically(path, (data,))


def write_chunks_atomically(path: Path, chunks: Iterable[bytes]) -> int:
    """A file made in pieces (a clinic's FHIR export), never held whole in memory, written whole or not at all:
    a temporary file beside it (0600, the user's only), renamed over it at the end. Returns the bytes written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise AssessError(f"{path}: folder {folder} does not exist")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    written = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written
