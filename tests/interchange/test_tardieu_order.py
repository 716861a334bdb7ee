"""Tardieu R1 beyond R2 cannot be: refused by import (naming the finding) and by every entry path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from samples import sample_document

from assess.cli.main import main
from assess.interchange.read import read_document
from assess.record.errors import RecordError


def _with_angles(r1: float, r2: float) -> tuple[dict[str, object], str]:
    document = copy.deepcopy(sample_document())
    for p, patient in enumerate(document["patients"]):
        for v, visit in enumerate(patient.get("visits", [])):
            for f, finding in enumerate(visit.get("findings", [])):
                finding["tardieu"] = {**finding.get("tardieu", {}), "r1": r1, "r2": r2}
                return document, f"patients[{p}].visits[{v}].findings[{f}].tardieu.r1"
    raise AssertionError("the sample has no finding")


def test_import_refuses_r1_beyond_r2_with_the_path_and_a_reason() -> None:
    document, path = _with_angles(150, 90)
    with pytest.raises(RecordError) as refused:
        read_document(document)
    assert refused.value.path == path
    assert "R1 150° is beyond R2 90°" in str(refused.value)


def test_assess_import_says_it_in_one_line_and_writes_nothing(tmp_path: Path, sqlite_url: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    document, _path = _with_angles(150, 90)
    source = tmp_path / "visits.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    db = sqlite_url
    assert main(["--db", db, "import", str(source)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "beyond R2" in err
    assert main(["--db", db, "patients"]) == 0
    assert "LB-" not in capsys.readouterr().out


@given(st.integers(-90, 180), st.integers(-90, 180))
def test_r1_up_to_r2_is_kept_beyond_it_refused(r1: int, r2: int) -> None:
    document, _path = _with_angles(r1, r2)
    if r1 <= r2:
        read_document(document)
    else:
        with pytest.raises(RecordError, match="beyond R2"):
            read_document(document)
