"""The command line as a user runs it: output, exit status, nothing written on error."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from samples import child, document, sample_document

from assess.cli.main import main
from assess.storage.db import SCHEMA_REVISION


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_export_round_trip(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    source = write(tmp_path / "in.json", sample_document())
    code, out, err = run(capsys, db_url, "import", str(source))
    assert (code, err) == (0, "")
    assert "added 2 new patients, 2 goals, 3 visits (7 findings), 9 treatments" in out
    code, out, _ = run(capsys, db_url, "export", "--out", str(tmp_path / "out.json"))
    assert code == 0 and "Exported 2 patients (3 visits, 7 findings, 9 treatments)" in out
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert exported["format"] == "assess-record/1" and exported["exported_at"].endswith("Z")
    assert exported["patients"][1]["given_name"] == "Zoë"
    code, out, _ = run(capsys, db_url, "import", str(tmp_path / "out.json"))
    assert code == 0 and "added 0 new patients" in out and "12 records already stored" in out


def test_dry_run_writes_nothing(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    source = write(tmp_path / "in.json", sample_document())
    code, out, _ = run(capsys, db_url, "import", "--dry-run", str(source))
    assert code == 0 and "would add 2 new patients" in out and "nothing was written" in out
    code, out, _ = run(capsys, db_url, "patients", "--json")
    assert json.loads(out) == []


def test_a_bad_value_names_file_and_path(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", document(child()))
    bad_doc = sample_document()
    bad_doc["patients"][0]["visits"][1]["findings"][1]["mas"] = "1++"
    bad = write(tmp_path / "bad.json", bad_doc)
    code, out, err = run(capsys, db_url, "import", str(good), str(bad))
    assert code == 1 and out == ""
    assert err == (f"assess: {bad}: patients[0].visits[1].findings[1].mas: '1++' is not one of "
                   "['0', '1', '1+', '2', '3', '4']\n")
    _, out, _ = run(capsys, db_url, "patients", "--json")
    assert json.loads(out) == []  # the good file was not imported either: all or nothing


def test_a_conflict_names_patient_date_and_type(capsys: pytest.CaptureFixture[str], db_url: str,
                                                tmp_path: Path) -> None:
    run(capsys, db_url, "import", str(write(tmp_path / "a.json", document(child()))))
    changed = child()
    changed["visits"][1]["clinician"] = "Dr Someone Else"
    code, _, err = run(capsys, db_url, "import", str(write(tmp_path / "b.json", document(changed))))
    assert code == 1
    assert "patient LB-100234: the post_injection_review visit on 2025-06-09 differs" in err
    assert "clinician is 'Dr K. Osei' in the database and 'Dr Someone Else' in the file" in err


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    ('{"format": "assess-record/2", "patients": []}', "format: 'assess-record/1' was expected"),
    ('[]', "(document): [] is not of type 'object'"),
])
def test_malformed_files(capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, content: str,
                         expected: str) -> None:
    path = tmp_path / "f.json"
    path.write_text(content)
    code, _, err = run(capsys, sqlite_url, "import", str(path))
    assert code == 1 and expected in err and err.count("\n") == 1


def test_a_file_that_is_not_utf8_is_named(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                          tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "assess-record/1", "patients": [{"mrn": "Müller"}]}'.encode("latin-1"))
    code, _, err = run(capsys, sqlite_url, "import", str(path))
    assert code == 1 and err.startswith(f"assess: {path}: not UTF-8 text (invalid")


def test_missing_file(capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, sqlite_url, "import", str(tmp_path / "nope.json"))
    assert code == 1 and err == f"assess: {tmp_path / 'nope.json'}: no such file\n"


def test_patients_search_and_show(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    run(capsys, db_url, "import", str(write(tmp_path / "in.json", sample_document())))
    code, out, _ = run(capsys, db_url, "patients", "--search", "nunez")
    assert code == 0 and "ITB-7" in out and "Núñez, José" in out and "LB-100234" not in out
    _, out, _ = run(capsys, db_url, "patients", "--search", "2017-03-02", "--json")
    assert [p["mrn"] for p in json.loads(out)] == ["LB-100234"]
    assert json.loads(out)[0]["last_visit"] == "2025-06-09"
    code, out, _ = run(capsys, db_url, "show", "LB-100234")
    assert code == 0
    assert "Müller, Zoë   MRN LB-100234" in out and "cerebral palsy (spastic diplegia), GMFCS III" in out
    assert "Ankle plantarflexors (knee extended)  left" in out
    assert "1+ (was 3, ▼ better)" in out
    assert "Baclofen 20 mg/day since 2025-03-01" in out and "Baclofen 15" not in out
    assert "Last botulinum toxin 2025-03-10: onabotulinumtoxinA (Botox), 100 U" in out
    code, out, _ = run(capsys, db_url, "show", "ITB-7")
    assert "Intrathecal baclofen pump since 2023-05-02, 180 µg/day at 500 µg/mL, last refill 2024-01-15" in out


def test_show_unknown_patient(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, _, err = run(capsys, sqlite_url, "show", "NOPE")
    assert code == 1 and err == "assess: no patient with MRN 'NOPE'\n"


def test_export_to_a_missing_folder_writes_nothing(capsys: pytest.CaptureFixture[str], sqlite_url: str,
                                                   tmp_path: Path) -> None:
    code, _, err = run(capsys, sqlite_url, "export", "--out", str(tmp_path / "x" / "o.json"))
    assert code == 1 and "does not exist" in err


def test_db_upgrade_and_backup(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, db_url, "db", "upgrade")
    assert code == 0 and f"schema revision {SCHEMA_REVISION}" in out
    if db_url.startswith("sqlite"):
        code, out, _ = run(capsys, db_url, "db", "backup", "--out", str(tmp_path / "b.db"))
        assert code == 0 and (tmp_path / "b.db").stat().st_size > 0


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export"])
    assert exit_.value.code == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    for command in ("import", "export", "patients", "show", "demo", "db"):
        assert command in listing
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0 and "usage: assess" in capsys.readouterr().out


def test_the_installed_command_prints_one_line_and_no_traceback(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "assess-record/1", "patients": [{"mrn": ""}]}')
    result = subprocess.run([sys.executable, "-m", "assess", "--db", sqlite_url, "import",
                             str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "patients[0]" in result.stderr


def test_alerts_json_shape(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> None:
    run(capsys, db_url, "import", str(write(tmp_path / "in.json", sample_document())))
    code, out, _ = run(capsys, db_url, "alerts", "--as-of", "2025-07-01", "--json")
    assert code == 0
    found = json.loads(out)
    assert found and all({"code", "severity", "mrn", "date", "message"} <= set(a) for a in found)
    assert all(a["severity"] in ("warning", "info") for a in found)
    assert {a["code"] for a in found} <= {"toxin_dose_limit", "toxin_weight_missing", "toxin_interval",
                                          "oral_dose_limit", "pump_refill_due", "pump_titration_step",
                                          "followup_due", "followup_overdue", "worsening",
                                          # issue 13
                                          "toxin_cumulative", "toxin_age", "weight_out_of_date",
                                          "oral_not_established", "drug_interaction", "pump_first_dose",
                                          "pump_stop", "pump_concentration", "pump_dose_ceiling",
                                          "pump_replacement_due"}
    assert all("source" in a for a in found if a["code"] in ("toxin_interval", "pump_titration_step"))
    code, out, _ = run(capsys, db_url, "alerts", "--patient", "ITB-7", "--as-of", "2025-07-01", "--json")
    assert code == 0 and {a["mrn"] for a in json.loads(out)} <= {"ITB-7"}
    code, out, _ = run(capsys, db_url, "alerts", "--as-of", "2025-07-01")
    assert code == 0 and ("warning" in out.splitlines()[-1] or out.strip() == "No open alerts.")


def test_alerts_usage_and_unknown_patient(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--db", sqlite_url, "alerts", "--as-of", "2025-02-30"])
    assert exit_.value.code == 2 and "'2025-02-30' is not a date" in capsys.readouterr().err
    code, _, err = run(capsys, sqlite_url, "alerts", "--patient", "NOPE")
    assert code == 1 and err == "assess: no patient with MRN 'NOPE'\n"


def test_alerts_show_the_new_label_warnings_with_their_sources(capsys: pytest.CaptureFixture[str],
                                                               db_url: str) -> None:
    """Issue 13: a 6-year-old of 20 kg on dantrolene 300 mg/day (DANTRIUM: 6 mg/kg/day -> 120 mg/day) and an
    adult on tizanidine with ciprofloxacin among the other medicines (ZANAFLEX: contraindicated)."""
    from assess.record.domain import OralMedication, PatientDetails, Visit
    from assess.services.patients import create_patient
    from assess.services.visits import record_treatment, record_visit
    from assess.storage.db import open_database

    db = open_database(db_url)
    with db.transaction() as session:
        create_patient(session, PatientDetails("K-6", "Kid", "Kai", dt.date(2019, 9, 1), "male", "cerebral_palsy"))
        record_visit(session, "K-6", Visit(dt.date(2026, 2, 1), "follow_up", "Dr A", weight_kg=20))
        record_treatment(session, "K-6", OralMedication("dantrolene", 300, dt.date(2026, 1, 5)))
        create_patient(session, PatientDetails("A-9", "Adult", "Ama", dt.date(1970, 1, 1), "female",
                                               "multiple_sclerosis", other_medicines="ciprofloxacin 500 mg"))
        record_treatment(session, "A-9", OralMedication("tizanidine", 12, dt.date(2026, 1, 5)))
    db.close()
    code, out, _ = run(capsys, db_url, "alerts", "--as-of", "2026-03-02")
    assert code == 0
    dantrolene = next(line for line in out.splitlines() if "K-6" in line and "dantrolene" in line)
    assert dantrolene.startswith("WARNING") and "120 mg/day" in dantrolene
    assert "[DANTRIUM (dantrolene sodium) capsules US prescribing information" in dantrolene
    interaction = next(line for line in out.splitlines() if "A-9" in line and "contraindicated" in line)
    assert "[ZANAFLEX (tizanidine) US prescribing information" in interaction and "section 4" in interaction
