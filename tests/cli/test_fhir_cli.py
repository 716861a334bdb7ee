"""`assess export --format fhir-r4` and `assess import --format fhir-r4` as a clinic's IT person runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhirclient.models.bundle import Bundle
from samples import sample_document

from assess.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_one_patient_and_import_it_elsewhere(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    for url in (source, target):  # a database named with --db is started by `assess db upgrade`
        assert _run(capsys, "--db", url, "db", "upgrade")[0] == 0
    (tmp_path / "in.json").write_text(json.dumps(sample_document()), encoding="utf-8")
    assert _run(capsys, "--db", source, "import", str(tmp_path / "in.json"))[0] == 0
    out = tmp_path / "ehr.json"
    code, text, err = _run(capsys, "--db", source, "export", "--format", "fhir-r4", "--patient", "ITB-7",
                           "--out", str(out))
    assert (code, err) == (0, "")
    assert text.startswith("Exported 1 patient (1 visit, 1 finding, 4 treatments) as a FHIR R4 Bundle")
    bundle = json.loads(out.read_text("utf-8"))
    Bundle(bundle, strict=True)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"Patient", "Encounter", "Observation",
                                                                          "Procedure", "Device", "Condition"}
    code, text, err = _run(capsys, "--db", target, "import", "--format", "fhir-r4", str(out))
    assert (code, err) == (0, "")
    assert "added 1 new patient, 0 goals, 1 visit (1 finding), 4 treatments" in text
    code, text, _ = _run(capsys, "--db", target, "export", "--out", "-")
    assert json.loads(text)["patients"][0]["mrn"] == "ITB-7"


def test_a_bad_bundle_is_one_line_naming_file_and_path(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        sqlite_url: str) -> None:
    bad = tmp_path / "referral.json"
    bad.write_text(json.dumps({"resourceType": "Bundle", "entry": [{"resource": {
        "resourceType": "Patient", "identifier": [{"system": "https://assess.example.org/fhir/mrn", "value": "R-1"}],
        "name": [{"family": "Rao", "given": ["Ann"]}], "birthDate": "1970-13-01"}}]}), encoding="utf-8")
    code, text, err = _run(capsys, "--db", sqlite_url, "import", "--format", "fhir-r4",
                           str(bad))
    assert code == 1 and text == ""
    assert err == (f"assess: {bad}: entry[0].resource.birthDate: '1970-13-01' is not a real calendar date "
                   "(YYYY-MM-DD) (patients[0].birth_date in assess terms)\n")


def test_fhir_options_need_the_fhir_format(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, _, err = _run(capsys, "--db", sqlite_url, "export", "--letter", "--out", "x.json")
    assert code == 2 and "--letter and --mrn-system are for --format fhir-r4" in err
