"""Signing visits and toxin sessions, and addenda beside signed records: service, import, export, report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from samples import sample_document

from assess.interchange.read import read_document
from assess.interchange.schema import check_schema
from assess.interchange.write import write_document
from assess.record.domain import Finding, Injection, ToxinSession
from assess.record.errors import ConflictError, PermissionDeniedError, RecordError, SignedRecordError
from assess.reports.content import Clinic
from assess.reports.pdf import report_bytes
from assess.services.audit import events, verify_chain
from assess.services.clinic import set_clinic_letterhead
from assess.services.history import patient_history
from assess.services.interchange import export_records, import_records
from assess.services.report import patient_report
from assess.services.signing import add_addendum, addenda, sign_toxin_session, sign_visit, visit_signature
from assess.services.users import add_user, log_in
from assess.services.visits import record_treatment, record_visit, replace_treatment
from assess.storage.db import Database

TODAY = dt.date(2025, 7, 1)
MRN = "LB-100234"
REVIEW = (dt.date(2025, 6, 9), "post_injection_review")  # a draft in the sample
TOXIN_DAY = dt.date(2025, 3, 10)
PASSWORD = "correct horse battery"


@pytest.fixture
def clinic(database: Database) -> Database:
    with database.transaction() as session:
        import_records(session, read_document(sample_document(), today=TODAY))
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", phone="555-0199"))
        add_user(session, "osei", "clinician", PASSWORD)
    log_in(database, "osei", PASSWORD)
    with database.transaction() as session:
        add_user(session, "tara", "therapist", PASSWORD)
    return database


def _review(database: Database):  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        return next(v for v in patient_history(session, MRN).visits if v.key == REVIEW)


def test_a_clinician_signs_a_visit_and_it_is_never_changed_again(clinic: Database) -> None:
    with clinic.transaction() as session:
        signature = sign_visit(session, MRN, *REVIEW)
    assert signature.signed_by == "osei" and signature.signed_at is not None
    signed = _review(clinic)
    assert signed.status == "signed" and signed.signed_at == signature.signed_at
    changed = dataclasses.replace(signed, notes="changed later", status="draft", signed_at=None)
    with pytest.raises(SignedRecordError, match="is signed and cannot be changed; add an addendum"), \
            clinic.transaction() as session:
        record_visit(session, MRN, changed)
    with pytest.raises(SignedRecordError, match="signed already"), clinic.transaction() as session:
        sign_visit(session, MRN, *REVIEW)
    assert _review(clinic) == signed
    with clinic.transaction() as session:
        assert visit_signature(session, MRN, *REVIEW) == signature
        sign_event = events(session, MRN)[0]
    assert (sign_event.action, sign_event.key, sign_event.after["signed_by"]) == (
        "sign", "2025-06-09 post_injection_review", "osei")


def test_an_import_never_changes_a_signed_visit(clinic: Database) -> None:
    with clinic.transaction() as session:
        sign_visit(session, MRN, *REVIEW)
    doc = sample_document()
    doc["patients"][0]["visits"][1]["notes"] = "Rewritten elsewhere."
    with pytest.raises(ConflictError, match="differs from the stored one"), clinic.transaction() as session:
        import_records(session, read_document(doc, today=TODAY))
    assert _review(clinic).notes == "Good response to injections."


def test_a_therapist_cannot_sign(clinic: Database) -> None:
    log_in(clinic, "tara", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="tara is a therapist and may not sign records"), \
            clinic.transaction() as session:
        sign_visit(session, MRN, *REVIEW)
    assert _review(clinic).status == "draft"


def test_a_signed_toxin_session_is_refused_by_every_writer(clinic: Database) -> None:
    with clinic.transaction() as session:
        sign_toxin_session(session, MRN, TOXIN_DAY, "onabotulinumtoxinA")
        stored = next(t for t in patient_history(session, MRN).treatments if isinstance(t, ToxinSession))
    more = dataclasses.replace(stored, injections=(*stored.injections, Injection("soleus", "left", 20.0)))
    for write in (lambda s: record_treatment(s, MRN, more), lambda s: replace_treatment(s, MRN, stored, more),
                  lambda s: replace_treatment(s, MRN, stored, dataclasses.replace(stored, date=dt.date(2025, 3, 11)))):
        with pytest.raises(SignedRecordError, match="onabotulinumtoxinA session on 2025-03-10 is signed"), \
                clinic.transaction() as session:
            write(session)
    doc = sample_document()
    doc["patients"][0]["treatments"][2]["lot"] = "OTHER"
    with pytest.raises(ConflictError), clinic.transaction() as session:
        import_records(session, read_document(doc, today=TODAY))
    with clinic.transaction() as session:
        assert stored in patient_history(session, MRN).treatments


def test_an_addendum_with_a_corrected_finding_is_kept_beside_the_signed_visit(clinic: Database) -> None:
    with clinic.transaction() as session:
        sign_visit(session, MRN, *REVIEW)
    signed = _review(clinic)
    corrected = Finding("plantarflexors_knee_extended", "right", mas="2")
    with clinic.transaction() as session:
        add_addendum(session, MRN, "visit", *REVIEW, "Right calf was misread: MAS 2, not 1.", [corrected])
    assert _review(clinic) == signed  # the original stays as signed
    with clinic.transaction() as session:
        [found] = addenda(session, MRN)
        event = events(session, MRN)[0]
    assert (found.author, found.text, found.corrected_findings) == (
        "osei", "Right calf was misread: MAS 2, not 1.", (corrected,))
    assert event.action == "addendum" and event.after["corrected_findings"][0]["mas"] == "2"


def test_an_addendum_needs_a_signed_record_text_and_valid_values(clinic: Database) -> None:
    with pytest.raises(RecordError, match="is a draft: change it directly"), clinic.transaction() as session:
        add_addendum(session, MRN, "visit", *REVIEW, "text")
    with clinic.transaction() as session:
        sign_visit(session, MRN, *REVIEW)
    with pytest.raises(RecordError, match="needs a text"), clinic.transaction() as session:
        add_addendum(session, MRN, "visit", *REVIEW, "  ")
    with pytest.raises(RecordError, match="mas"), clinic.transaction() as session:
        add_addendum(session, MRN, "visit", *REVIEW, "x", [Finding("elbow_flexors", "left", mas="9")])
    log_in(clinic, "tara", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="may not write addenda"), clinic.transaction() as session:
        add_addendum(session, MRN, "visit", *REVIEW, "text")
    with clinic.transaction() as session:
        assert addenda(session, MRN) == []


def _with_addenda(clinic: Database) -> None:
    with clinic.transaction() as session:
        sign_visit(session, MRN, *REVIEW)
        sign_toxin_session(session, MRN, TOXIN_DAY, "onabotulinumtoxinA")
        add_addendum(session, MRN, "visit", *REVIEW, "Right calf was misread.",
                     [Finding("plantarflexors_knee_extended", "right", mas="2")])
        add_addendum(session, MRN, "toxin_session", TOXIN_DAY, "onabotulinumtoxinA", "Lot was C1235.")


def test_the_export_carries_addenda_in_the_notes_and_stays_valid(clinic: Database) -> None:
    _with_addenda(clinic)
    with clinic.transaction() as session:
        exported = write_document(export_records(session, [MRN]))
    check_schema(exported)
    [patient] = exported["patients"]
    notes = patient["visits"][1]["notes"]
    assert notes.startswith("Good response to injections.\n\n[Addendum by osei, ")
    assert "Right calf was misread. Corrected: right ankle plantarflexors (knee extended): MAS 2 (was 1)." in notes
    toxin = next(t for t in patient["treatments"] if t["kind"] == "botulinum_toxin")
    assert toxin["notes"].startswith("[Signed by osei, ") and "Lot was C1235." in toxin["notes"]
    # Importing the file back finds every record unchanged; into an empty database it keeps the text.
    with clinic.transaction() as session:
        report = import_records(session, read_document(json.loads(json.dumps(exported)), today=TODAY))
    assert not any(p.adds_anything for p in report.patients)


def test_the_report_prints_the_addenda_after_the_signature(clinic: Database, tmp_path: Path) -> None:
    from assess.services.reads import recorded_report
    from assess.services.report import reported_visit_key

    _with_addenda(clinic)
    with clinic.transaction() as session:
        content = patient_report(session, MRN, TODAY)
        key = reported_visit_key(session, MRN)
    # Signed by the visit's clinician, by name: never the login ("osei") nor, without users, the computer's.
    assert content.signed.startswith("Signed by Dr K. Osei on ")
    with recorded_report(clinic, MRN, key, tmp_path / "report.pdf"):  # audited once the file is written
        (tmp_path / "report.pdf").write_bytes(report_bytes(content))
    pdf = PdfReader(io.BytesIO((tmp_path / "report.pdf").read_bytes()))
    text = " ".join((page.extract_text() or "") for page in pdf.pages).replace("\n", " ")
    assert "Addenda (corrections after signing)" in text
    assert "Right calf was misread." in text and "MAS 2 (was 1)" in text
    with clinic.transaction() as session:
        assert events(session, MRN)[0].action == "report"
        assert verify_chain(session).intact


def test_a_toxin_session_addendum_outside_the_report_is_left_out(clinic: Database) -> None:
    with clinic.transaction() as session:
        sign_toxin_session(session, MRN, TOXIN_DAY, "onabotulinumtoxinA")
        add_addendum(session, MRN, "toxin_session", TOXIN_DAY, "onabotulinumtoxinA", "Lot was C1235.")
        # The initial visit (2025-03-02) reports nothing given after it: the session of 03-10 is later.
        content = patient_report(session, MRN, TODAY, visit_date=dt.date(2025, 3, 2))
    assert content.addenda == ()

