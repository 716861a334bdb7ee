"""What the report to the primary care doctor says, worked out from stored records."""

from __future__ import annotations

import datetime as dt

import pytest
from samples import document, pump_patient, sample_document

from assess.interchange.read import read_document
from assess.record.errors import NotFoundError, RecordError
from assess.reports.content import Clinic
from assess.services.clinic import LetterheadMissingError, clinic_letterhead, set_clinic_letterhead
from assess.services.interchange import import_records
from assess.services.report import patient_report
from assess.storage.db import Database

TODAY = dt.date(2025, 7, 1)


def _stored(database: Database) -> None:
    with database.transaction() as session:
        import_records(session, read_document(sample_document(), today=TODAY))
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", "1 Elm St", "555-0199", "555-0198", "a4"))


def test_the_summary_says_what_changed_and_what_was_done(database: Database) -> None:
    _stored(database)
    with database.transaction() as session:
        report = patient_report(session, "LB-100234", TODAY)
    assert report.summary[0] == ("Left ankle plantarflexors (knee extended): Modified Ashworth 3 → 1+ since "
                                 "2025-03-02, after botulinum toxin on 2025-03-10 (better).")
    assert any(line.startswith("2025-03-10: Botulinum toxin, onabotulinumtoxinA (Botox), 100 U (4.4 U/kg at 22.6 kg)")
               for line in report.done)
    assert report.draft  # the review visit is not signed
    assert report.clinic.name == "Elm Spasticity Clinic" and report.clinic.paper == "a4"
    assert report.patient_name == "Zoë Müller" and report.mrn == "LB-100234"
    assert "Gross Motor Function Classification System (GMFCS) level III: Walks using a hand-held mobility device." \
        in report.patient_lines
    assert [m.text for m in report.medicines] == ["Baclofen 20 mg/day by mouth (since 2025-03-01)"]
    assert report.medicines[0].flag == ""  # 20 mg/day at 8 years is under the 60 mg/day maximum
    assert report.scale_notes[0].startswith("Modified Ashworth Scale (MAS):")
    assert any(r.scale == "MAS" and r.latest == "1+" and r.previous == "3" and r.change == "better ▼"
               for r in report.exam)
    assert report.gas_t_score.startswith("47.7")
    assert any("Disability Assessment Scale 4 of 12" in line for line in report.visit_scores)
    toxin = next(t for t in report.treatments if t.title.startswith("Botulinum toxin"))
    assert "Left gastrocnemius, medial head 40 U (2 sites)" in toxin.details
    assert any(a.startswith("Do not stop baclofen abruptly") for a in report.actions)
    assert report.emergency.endswith("then call the clinic on 555-0199.")
    assert any("botulinum toxin" in w.lower() and "swallowing" in w for w in report.warnings)
    assert report.signed == "Not signed yet (draft)"


def test_a_pump_patient_is_warned_about_withdrawal_with_the_clinic_phone(database: Database) -> None:
    with database.transaction() as session:
        import_records(session, read_document(document(pump_patient()), today=TODAY))
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic", phone="555-0199"))
    with database.transaction() as session:
        report = patient_report(session, "ITB-7", TODAY)
    itb = [w for w in report.warnings if w.startswith("Intrathecal baclofen withdrawal")]
    assert itb and "high fever" in itb[0] and "555-0199" in report.emergency
    assert any("check the pump first" in a and "555-0199" in a for a in report.actions)
    assert report.pump[0].startswith("Intrathecal baclofen pump (implanted 2023-05-02, SynchroMed II): 180 µg/day")
    assert "constipation" in report.triggers[0] or "constipation" in " ".join(report.triggers)


def test_a_visit_date_without_a_visit_is_refused(database: Database) -> None:
    _stored(database)
    with pytest.raises(NotFoundError, match="no visit on 2025-01-01"), database.transaction() as session:
        patient_report(session, "LB-100234", TODAY, dt.date(2025, 1, 1))


def test_the_letterhead_needs_a_name(database: Database) -> None:
    with pytest.raises(RecordError, match="name"), database.transaction() as session:
        set_clinic_letterhead(session, Clinic("  "))
    with database.transaction() as session:
        assert clinic_letterhead(session) == Clinic("", paper="letter")  # never setup text on a report


def test_a_report_is_refused_until_the_clinic_has_a_name_and_phone(database: Database) -> None:
    with database.transaction() as session:
        import_records(session, read_document(sample_document(), today=TODAY))
    with pytest.raises(LetterheadMissingError, match=r"name and phone are not set.*assess clinic"), \
            database.transaction() as session:
        patient_report(session, "LB-100234", TODAY)
    with database.transaction() as session:
        set_clinic_letterhead(session, Clinic("Elm Spasticity Clinic"))
    with pytest.raises(LetterheadMissingError, match="the clinic's phone is not set"), \
            database.transaction() as session:
        patient_report(session, "LB-100234", TODAY)
