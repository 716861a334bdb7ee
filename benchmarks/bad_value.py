"""A bad value at the end of a large file, against the same file valid; prints a table.

Run: uv run python benchmarks/bad_value.py [--patients 8500]   (8,500 demo patients make a file of ~300 MB)

Builds the demo patients with the real `assess demo`, exports them with `assess export`, then times the whole
`assess import` of: the file as it is (into a new database), the file with one bad value in its last patient
(a visit score out of range, which the schema refuses), and with one bad finding in its last visit (which the
finding reader refuses). The refusals are measured as a user meets them: until the one-line error. With
--whole, it also times what the refusal cost before: jsonschema over the whole document to word the error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assess.cli import main as cli
from assess.storage.db import open_database


def _import_seconds(url: str, path: Path) -> tuple[float, int, str]:
    open_database(url).close()
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", url, "import", str(path)])
    return time.perf_counter() - start, code, (err.getvalue() or out.getvalue()).strip()


def _with(document: dict[str, Any], change: str) -> dict[str, Any]:
    last = document["patients"][-1]
    visit = last["visits"][-1]
    if change == "score":
        visit.setdefault("scores", {})["pain_nrs"] = 11
    else:
        visit["findings"][-1]["mas"] = "5"
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=8_500)
    parser.add_argument("--whole", action="store_true", help="also time jsonschema over the whole document")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        source = f"sqlite:///{folder}/source.db"
        open_database(source).close()
        subprocess.run([sys.executable, "-m", "assess", "--db", source, "demo", "--patients", str(args.patients)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        valid = Path(folder) / "valid.json"
        subprocess.run([sys.executable, "-m", "assess", "--db", source, "export", "--out", str(valid)], check=True,
                       stdout=subprocess.DEVNULL)
        size = valid.stat().st_size / 1e6
        seconds, code, said = _import_seconds(f"sqlite:///{folder}/valid.db", valid)
        assert code == 0, said
        rows.append((f"import of the valid file ({size:,.0f} MB, {args.patients:,} patients)", f"{seconds:.1f} s",
                     said[-60:]))
        document = json.loads(valid.read_text(encoding="utf-8"))
        for change in ("score", "finding"):
            bad = Path(folder) / f"bad-{change}.json"
            # Written as `assess export` writes, so the bad file is the valid one but for the one value.
            bad.write_text(json.dumps(_with(json.loads(json.dumps(document)), change), ensure_ascii=False, indent=1)
                           + "\n", encoding="utf-8")
            seconds, code, said = _import_seconds(f"sqlite:///{folder}/bad-{change}.db", bad)
            assert code == 1, said
            rows.append((f"refusal of a bad {change} in the last patient", f"{seconds:.1f} s",
                         said.split(": ", 2)[-1][:60]))
        if args.whole:
            import jsonschema

            from assess.interchange.schema import schema

            bad_document = _with(document, "score")
            start = time.perf_counter()
            jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema()).iter_errors(bad_document))
            rows.append(("(before) jsonschema over the whole document, to word the error",
                         f"{time.perf_counter() - start:.1f} s", "on top of the refusal above"))
    widths = [max(len(r[i]) for r in [("what", "measured", "said"), *rows]) for i in range(3)]
    for row in [("what", "measured", "said"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
