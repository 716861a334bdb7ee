"""Alerts over stored patients, on SQLite and PostgreSQL: one patient, and a whole clinic in parallel."""

from __future__ import annotations

import datetime as dt

from assess.record.domain import Injection, PatientDetails, ToxinSession, Visit
from assess.services.alerts import alerts, clinic_alerts, patient_ids
from assess.services.patients import create_patient
from assess.services.visits import record_treatment, record_visit
from assess.storage.db import Database

AS_OF = dt.date(2025, 6, 1)


def _child_over_the_limit(database: Database) -> None:
    """A 9-year-old of 20 kg given 130 U of Botox into the left upper limb: over 6 U/kg (120 U) a limb."""
    with database.transaction() as session:
        create_patient(session, PatientDetails("C-1", "Child", "Ann", dt.date(2016, 1, 1), "female",
                                               "cerebral_palsy"))
        record_visit(session, "C-1", Visit(dt.date(2025, 4, 1), "follow_up", "Dr A", weight_kg=20.0))
        record_treatment(session, "C-1", ToxinSession(dt.date(2025, 4, 2), "onabotulinumtoxinA", (
            Injection("biceps_brachii", "left", 130.0), Injection("biceps_brachii", "right", 70.0))))
        create_patient(session, PatientDetails("A-2", "Adult", "Bo", dt.date(1970, 1, 1), "male", "stroke"))


def test_a_dose_over_the_childs_limit_is_a_warning_with_its_source(database: Database) -> None:
    _child_over_the_limit(database)
    with database.transaction() as session:
        found = alerts(session, AS_OF, ["C-1"])
    doses = [a for a in found if a.code == "toxin_dose_limit" and a.severity == "warning"]
    assert doses, found
    assert all(a.mrn == "C-1" and a.date == dt.date(2025, 4, 2) for a in doses)
    assert any("130 U" in a.message and "120 U" in a.message for a in doses)
    assert all(a.source for a in doses)
    # The review 4-8 weeks after the session is due around the as-of day.
    assert any(a.code in ("followup_due", "followup_overdue") for a in found)


def test_the_clinic_in_parallel_gives_what_one_process_gives(database: Database) -> None:
    _child_over_the_limit(database)
    with database.transaction() as session:
        ids = patient_ids(session)
        one = alerts(session, AS_OF)
    assert clinic_alerts(database.url, ids, AS_OF, workers=2) == one
    assert {a.mrn for a in one} == {"C-1"}  # the adult with no treatment and no visit has nothing open
