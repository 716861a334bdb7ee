"""Hostile input never prints a traceback: each case that once did is kept here, with the one line it now gets.

JSON nested 1,000 deep, a lone surrogate in a name (on both databases), integers of thousands of digits,
bytes that are not UTF-8 in command-line arguments, and a bad value at the end of a large file (found
without validating the whole file a second time). An error line quotes at most a short piece of a value.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from samples import sample_document

from assess.cli.main import main
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import PatientDetails
from assess.record.errors import RecordError
from assess.services.demo import add_demo_patients
from assess.services.interchange import export_records
from assess.services.patients import create_patient, find_patients
from assess.storage.db import Database

LONGEST_LINE = 400  # what each of these errors may take, with its path and file name


def _import(capsys: pytest.CaptureFixture[str], url: str, path: Path) -> tuple[int, str, str]:
    code = main(["--db", url, "import", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert len(err) <= LONGEST_LINE, err
    return err


def _file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "hostile.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- nesting ----------------------------------------------------------------------------------------

def test_json_nested_a_thousand_deep_is_refused_in_one_line(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                                           tmp_path: Path) -> None:
    path = _file(tmp_path, '{"format": "assess-record/1", "patients": [' + "[" * 1000 + "]" * 1000 + "]}")
    code, out, err = _import(capsys, sqlite_url, path)
    assert (code, out) == (1, "")
    assert _one_line(err).startswith(f"assess: {path}: arrays or objects nested too deeply to read")


def test_a_value_nested_nine_hundred_deep_is_named_and_quoted_briefly(capsys: pytest.CaptureFixture[str],
                                                                     sqlite_url: str, tmp_path: Path) -> None:
    document = sample_document()
    text = json.dumps(document).replace('"notes": ', '"notes": ' + "[" * 900 + "]" * 900 + ', "was": ', 1)
    document = json.loads(text)
    del document["patients"][0]["visits"][1]["was"]
    code, _, err = _import(capsys, sqlite_url, _file(tmp_path, json.dumps(document)))
    assert code == 1
    assert _one_line(err).endswith("patients[0].visits[1].notes: [[[...]]] is not of type 'string'\n")


# --- text that is not Unicode -----------------------------------------------------------------------

@pytest.mark.parametrize("encoded", [b'"M\\ud800ller"', b'"M\xed\xa0\x80ller"'], ids=["escape", "bytes"])
def test_a_lone_surrogate_in_a_name_is_refused_at_its_field(
        capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path, encoded: bytes) -> None:
    """Both ways a file can carry one: the JSON escape, and the bytes Python's reader lets through."""
    text = json.dumps(sample_document()).encode().replace(b'"M\\u00fcller"', encoded, 1)
    code, out, err = _import(capsys, db_url, _file(tmp_path, text))
    assert (code, out) == (1, "")
    assert _one_line(err).endswith(
        "patients[0].family_name: 'M\\ud800ller' is not valid Unicode text (a lone surrogate, '\\ud800', at "
        "character 2); it cannot be stored\n")
    code, out, _ = main(["--db", db_url, "patients", "--json"]), capsys.readouterr().out, None
    assert json.loads(out) == []  # nothing was written


def test_a_lone_surrogate_from_a_service_caller_is_refused_on_either_database(database: Database) -> None:
    details = PatientDetails("LB-9", "Okafor", "Ada\udc80", dt.date(2015, 6, 1), "female", "cerebral_palsy")
    with pytest.raises(RecordError, match=r"^given_name: 'Ada\\udc80' is not valid Unicode text"), \
            database.transaction() as session:
        create_patient(session, details)
    with database.transaction() as session:
        assert find_patients(session, "", limit=None) == []


def test_a_lone_surrogate_in_a_finding_note_is_named(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                                    tmp_path: Path) -> None:
    document = sample_document()
    document["patients"][0]["visits"][0]["findings"][1]["note"] = "tight\ud83d"
    text = json.dumps(document)  # ensure_ascii: written as the escape \ud83d
    code, _, err = _import(capsys, sqlite_url, _file(tmp_path, text))
    assert code == 1 and "patients[0].visits[0].findings[1].note: 'tight\\ud83d' is not valid Unicode" in err


# --- numbers of thousands of digits -----------------------------------------------------------------

def test_an_integer_longer_than_python_reads_is_located(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                                       tmp_path: Path) -> None:
    text = json.dumps(sample_document()).replace('"weight_kg": 22.6', '"weight_kg": ' + "9" * 5000, 1)
    path = _file(tmp_path, text)
    column = text.index("9" * 5000) + 1
    code, _, err = _import(capsys, sqlite_url, path)
    assert code == 1
    assert _one_line(err) == (f"assess: {path}: a number of 5,000 digits at line 1 column {column}: longer than "
                              "any value assess-record/1 allows (numbers of over 4,300 digits are not read)\n")


@pytest.mark.parametrize(("old", "field", "says"), [
    ('"weight_kg": 22.6', "patients[0].visits[0].weight_kg", "is greater than the maximum of 400"),
    ('"dilution_units_per_ml": 50', "patients[0].treatments[2].dilution_units_per_ml", "is too large"),
    ('"gmfcs": "III"', "patients[0].gmfcs", "is not one of ['I', 'II', 'III', 'IV', 'V']"),
])
def test_integers_of_a_thousand_digits_are_refused_and_quoted_briefly(
        capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, old: str, field: str, says: str) -> None:
    key = old.split(":")[0]
    text = json.dumps(sample_document()).replace(old, f"{key}: {'7' * 1000}", 1)
    code, _, err = _import(capsys, sqlite_url, _file(tmp_path, text))
    assert code == 1
    assert f"{field}: a number of 1,000 digits (777777777777777777...7777777777777777777) {says}\n" in _one_line(err)


def test_a_long_string_is_quoted_briefly(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                         tmp_path: Path) -> None:
    document = sample_document()
    document["patients"][0]["sex"] = "x" * 100_000
    code, _, err = _import(capsys, sqlite_url, _file(tmp_path, json.dumps(document)))
    assert code == 1
    assert "patients[0].sex: 'xxxx" in _one_line(err) and "(100,000 characters) is not one of" in err


# --- command-line arguments that are not UTF-8 ------------------------------------------------------

BAD = "b\udcffd"  # how Python hands over the bytes b, 0xff, d from the command line


@pytest.mark.parametrize(("args", "argument"), [
    (["show", BAD], "MRN"),
    (["patients", "--search", BAD], "--search"),
    (["export", "--out", "-", "--patient", BAD], "--patient"),
    (["alerts", "--patient", BAD], "--patient"),
    (["report", BAD, "--out", "r.pdf"], "MRN"),
    (["users", "add", BAD, "--role", "clinician", "--password-stdin"], "NAME"),
    (["users", "password", BAD, "--password-stdin"], "NAME"),
    (["audit", "--patient", BAD], "--patient"),
    (["sign", BAD, "--date", "2025-06-09", "--type", "follow_up"], "MRN"),
    (["sign", "LB-100234", "--date", "2025-06-09", "--product", BAD], "--product"),
    (["addendum", "LB-100234", "--date", "2025-06-09", "--type", "follow_up", "--text", BAD], "--text"),
    (["--user", BAD, "patients"], "--user"),
])
def test_text_arguments_that_are_not_utf8_are_refused_naming_the_argument(
        capsys: pytest.CaptureFixture[str], sqlite_url: str, args: list[str], argument: str) -> None:
    code = main(["--db", sqlite_url, *args])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert _one_line(err) == f"assess: argument {argument}: 'b\\xffd' is not valid UTF-8 text; nothing was done\n"


def test_a_password_that_is_not_utf8_is_refused(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("secret-\udcff-long\n"))
    code = main(["--db", sqlite_url, "users", "add", "k.osei", "--role", "clinician", "--password-stdin"])
    assert code == 2 and _one_line(capsys.readouterr().err) == (
        "assess: the password is not valid UTF-8 text; nothing was written\n")


def test_file_names_that_are_not_utf8_work_and_print(sqlite_url: str, tmp_path: Path) -> None:
    """A file name may be any bytes: it is used as it is and printed with escapes, even to a strict terminal."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    out = os.fsencode(tmp_path) + b"/b\xffd.json"
    result = subprocess.run([sys.executable.encode(), b"-m", b"assess", b"--db", sqlite_url.encode(), b"export",
                             b"--out", out], capture_output=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(b"/b\\udcffd.json\n") and b"Traceback" not in result.stderr
    assert json.loads(Path(os.fsdecode(out)).read_text(encoding="utf-8"))["patients"] == []
    again = subprocess.run([sys.executable.encode(), b"-m", b"assess", b"--db", sqlite_url.encode(), b"import", out],
                           capture_output=True, env=env, check=False)
    assert again.returncode == 0 and b"added 0 new patients" in again.stdout


# --- a bad value at the end of a large file -----------------------------------------------------------

@pytest.fixture(scope="module")
def large_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Sixty demo patients: the scaled-down stand-in for a 300 MB file (benchmarks/bad_value.py measures that)."""
    from assess.storage.db import open_database

    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('large') / 'a.db'}")
    try:
        with db.transaction() as session:
            add_demo_patients(session, 60)
            return write_document(export_records(session))
    finally:
        db.close()


@pytest.fixture
def reference_validations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the reference validator (jsonschema) is asked to validate: it runs as always, and is watched."""
    import jsonschema

    seen: list[Any] = []
    real = jsonschema.Draft202012Validator.iter_errors

    def watched(self: Any, instance: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(instance)
        return real(self, instance, *args, **kwargs)

    monkeypatch.setattr(jsonschema.Draft202012Validator, "iter_errors", watched)
    return seen


@pytest.mark.parametrize(("where", "value", "says"), [
    (("visits", -1, "scores", "pain_nrs"), 11, "pain_nrs: 11 is greater than the maximum of 10"),
    (("visits", -1, "findings", -1, "mas"), "5", "mas: '5' is not one of ['0', '1', '1+', '2', '3', '4']"),
    (("treatments", -1, "notes"), 7, "notes: 7 is not of type 'string'"),
    (("family_name",), None, "family_name: None is not of type 'string'"),
])
def test_a_bad_value_in_the_last_patient_is_worded_from_that_part_alone(
        large_document: dict[str, Any], reference_validations: list[Any], where: tuple[Any, ...], value: Any,
        says: str) -> None:
    document = copy.deepcopy(large_document)
    last = len(document["patients"]) - 1
    part = document["patients"][last]
    for key in where[:-1]:
        part = part[key]
    part[where[-1]] = value
    with pytest.raises(RecordError) as refused:
        read_document(document)
    assert str(refused.value).startswith(f"patients[{last}].") and str(refused.value).endswith(says)
    assert reference_validations, "the reference validator words the error"
    assert all(instance is not document and not (isinstance(instance, dict) and "patients" in instance)
               for instance in reference_validations)  # never the whole document again
    assert all(instance is document["patients"][last] or _inside(instance, document["patients"][last])
               for instance in reference_validations)


def _inside(instance: Any, patient: dict[str, Any]) -> bool:
    return any(instance is t for t in patient.get("treatments", ())) or any(
        instance is f for v in patient.get("visits", ()) for f in v.get("findings", ()))
