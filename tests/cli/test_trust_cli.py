"""Users, logins, the audit trail and signing from the command line, as a clinic's staff would run them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from samples import sample_document
from sqlalchemy import create_engine, text

from assess.cli.main import main

PASSWORD = "correct horse battery"


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def add_user(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str, name: str,
             role: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return run(capsys, db_url, "users", "add", name, "--role", role, "--password-stdin")


@pytest.fixture
def staffed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str,
            tmp_path: Path) -> str:
    """The sample patients, imported in single-user mode, then a clinician and a therapist."""
    source = tmp_path / "in.json"
    source.write_text(json.dumps(sample_document()), encoding="utf-8")
    assert run(capsys, db_url, "import", str(source))[0] == 0
    assert add_user(capsys, monkeypatch, db_url, "osei", "clinician")[:2] == (0, "Added clinician osei\n")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    assert add_user(capsys, monkeypatch, db_url, "tara", "therapist")[0] == 2  # nobody logged in: a usage error
    monkeypatch.setenv("ASSESS_USER", "osei")
    assert add_user(capsys, monkeypatch, db_url, "tara", "therapist")[:2] == (0, "Added therapist tara\n")
    return db_url


def test_the_first_user_must_be_a_clinician(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                            db_url: str) -> None:
    code, _, err = add_user(capsys, monkeypatch, db_url, "rhea", "reader")
    assert code == 1 and "the first user must be a clinician" in err
    code, out, _ = run(capsys, db_url, "users", "list")
    assert code == 0 and "single-user mode" in out


def test_every_command_needs_a_login_once_there_are_users(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, staffed: str) -> None:
    monkeypatch.delenv("ASSESS_USER")
    code, _, err = run(capsys, staffed, "patients")
    assert code == 2 and "this database has users: log in with --user NAME" in err
    monkeypatch.setenv("ASSESS_PASSWORD", "wrong password")
    code, _, err = run(capsys, staffed, "--user", "osei", "patients")
    assert (code, err) == (1, "assess: wrong user name or password\n")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    code, out, _ = run(capsys, staffed, "--user", "tara", "users", "list")
    assert code == 0 and "osei" in out and "therapist" in out and "1 failed login" in out


def test_a_therapist_cannot_import_or_sign(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                          staffed: str, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSESS_USER", "tara")
    doc = sample_document()
    doc["patients"][0]["mrn"] = "NEW-1"
    source = tmp_path / "new.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(capsys, staffed, "import", str(source))
    assert code == 1 and "tara is a therapist and may not import records; nothing was written" in err
    code, _, err = run(capsys, staffed, "sign", "LB-100234", "--date", "2025-06-09", "--type",
                       "post_injection_review")
    assert code == 1 and "may not sign records" in err
    code, out, _ = run(capsys, staffed, "patients", "--search", "NEW-1")
    assert out == "No patients match.\n"


def test_sign_then_an_import_that_changes_the_visit_is_refused(capsys: pytest.CaptureFixture[str],
                                                               staffed: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, staffed, "sign", "LB-100234", "--date", "2025-06-09", "--type",
                       "post_injection_review")
    assert (code, out) == (0, "Signed the post_injection_review visit of LB-100234 on 2025-06-09 as osei\n")
    doc = sample_document()
    doc["patients"][0]["visits"][1]["findings"][1]["mas"] = "3"
    source = tmp_path / "changed.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(capsys, staffed, "import", str(source))
    assert code == 1 and "the signed post_injection_review visit on 2025-06-09 differs" in err
    code, out, _ = run(capsys, staffed, "addendum", "LB-100234", "--date", "2025-06-09", "--type",
                       "post_injection_review", "--text", "Right calf MAS was 3.")
    assert code == 0 and "Added an addendum by osei to the post injection review visit of 2025-06-09" in out
    code, out, _ = run(capsys, staffed, "audit", "--patient", "LB-100234", "--json")
    found = json.loads(out)
    assert [e["action"] for e in found[:2]] == ["addendum", "sign"]
    assert found[0]["after"]["text"] == "Right calf MAS was 3." and found[0]["actor"] == "osei"


def test_audit_lists_events_and_verify_names_the_first_broken_one(capsys: pytest.CaptureFixture[str],
                                                                  staffed: str) -> None:
    code, out, _ = run(capsys, staffed, "audit")
    lines = out.splitlines()
    assert code == 0 and "login user osei" in lines[0] and any("import patient LB-100234" in line for line in lines)
    code, out, _ = run(capsys, staffed, "audit", "verify")
    assert code == 0 and out.startswith("The audit trail is intact: ")
    engine = create_engine(staffed)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'someone else' WHERE id = 2"))
    engine.dispose()
    code, out, _ = run(capsys, staffed, "audit", "verify")
    assert code == 1 and out.startswith("The audit trail is BROKEN at event 2: event 2 was changed after it was "
                                        "written (1 event before it intact)")


def test_the_idle_lock_is_a_clinic_setting_a_clinician_sets(capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch, staffed: str) -> None:
    assert run(capsys, staffed, "users", "idle-lock")[1] == "The window locks after 10 minutes without use\n"
    assert run(capsys, staffed, "users", "idle-lock", "5")[1] == "The window locks after 5 minutes without use\n"
    monkeypatch.setenv("ASSESS_USER", "tara")
    code, _, err = run(capsys, staffed, "users", "idle-lock", "0")
    assert code == 1 and "tara is a therapist and may not change clinic settings" in err
    code, _, err = run(capsys, staffed, "users", "idle-lock", "999")
    assert code == 1


def test_users_change_their_own_password_and_a_clinician_resets_others(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, staffed: str) -> None:
    monkeypatch.setenv("ASSESS_USER", "tara")
    monkeypatch.setattr("sys.stdin", io.StringIO("a new long password\n"))
    assert run(capsys, staffed, "users", "password", "osei", "--password-stdin")[0] == 1  # not hers
    monkeypatch.setattr("sys.stdin", io.StringIO("a new long password\n"))
    assert run(capsys, staffed, "users", "password", "tara", "--password-stdin")[:2] == (
        0, "New password set for tara\n")
    assert run(capsys, staffed, "patients")[0] == 1  # the old password no longer works
    monkeypatch.setenv("ASSESS_PASSWORD", "a new long password")
    assert run(capsys, staffed, "patients")[0] == 0
    monkeypatch.setenv("ASSESS_USER", "osei")
    monkeypatch.setenv("ASSESS_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, staffed, "users", "password", "tara", "--password-stdin")[0] == 0
