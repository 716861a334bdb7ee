"""One of several processes importing the same file at the same moment (tests/services/test_imports_at_once.py).

Prints "ready" once everything is loaded, waits for the go file to appear, then runs `assess import` and
prints its exit status and output as JSON.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

from assess.cli.main import main
from assess.interchange import read, schema  # noqa: F401 - loaded before the start, as the others are
from assess.services import interchange  # noqa: F401

url, document, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
schema.check_schema({"format": "assess-record/1", "patients": []})  # the validators compiled before the start
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(["--db", url, "import", document])
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
