"""`assess patients | head -1`: the reader going away ends assess quietly, as it ends any Unix command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from samples import sample_document

from assess.cli.main import main


def test_a_reader_that_goes_away_ends_the_command_quietly(sqlite_url: str, tmp_path: Path) -> None:
    document = tmp_path / "in.json"
    document.write_text(json.dumps(sample_document()), encoding="utf-8")
    assert main(["--db", sqlite_url, "import", str(document)]) == 0
    read, write = os.pipe()
    os.close(read)  # the reader is gone before assess writes its first line
    try:
        done = subprocess.run([sys.executable, "-m", "assess", "--db", sqlite_url, "patients"], stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""  # no "[Errno 32] Broken pipe", no traceback
