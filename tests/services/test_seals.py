"""Seals: one hash for one content whatever the database or the file gave, a new hash for any change; written
at every signature, import and renumbering, so an untouched database checks out. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from samples import sample_document
from sqlalchemy import text

from assess.interchange.read import read_document
from assess.record.domain import Finding, Visit
from assess.services.audit import events
from assess.services.demo import add_demo_patients
from assess.services.integrity import check_database
from assess.services.interchange import import_records
from assess.services.patients import patient_details, update_patient
from assess.services.seals import visit_seal
from assess.storage.db import Database

_angles = st.one_of(st.none(), st.integers(0, 180))
_groups = st.sampled_from(["elbow_flexors", "hip_adductors", "ankle_plantarflexors_knee_extended"])
_findings = st.builds(Finding, _groups, st.sampled_from(["left", "right"]),
                      mas=st.sampled_from([None, "0", "1", "1+", "2", "3", "4"]),
                      tardieu_r1=_angles, tardieu_r2=_angles, prom=_angles,
                      clonus_sustained=st.one_of(st.none(), st.booleans()),
                      note=st.one_of(st.none(), st.text(max_size=20)))


def _as_stored(finding: Finding) -> Finding:
    """As the database gives angles back: 90.0 where a file said 90."""
    return dataclasses.replace(finding, **{name: float(getattr(finding, name)) for name in
                                           ("tardieu_r1", "tardieu_r2", "prom") if getattr(finding, name) is not None})


@settings(max_examples=200, deadline=None)
@given(finding=_findings, weight=st.one_of(st.none(), st.integers(5, 90)), notes=st.one_of(st.none(), st.text()))
def test_one_content_one_seal_and_any_change_another(finding: Finding, weight: int | None, notes: str | None) -> None:
    visit = Visit(dt.date(2025, 6, 9), "follow_up", "Dr K. Osei", "signed",
                  dt.datetime(2025, 6, 9, 10, 30, tzinfo=dt.UTC), weight, (finding,), notes=notes)
    sealed = visit_seal("LB-1", visit, "osei")
    stored = dataclasses.replace(visit, weight_kg=None if weight is None else float(weight),
                                 findings=(_as_stored(finding),))
    assert visit_seal("LB-1", stored, "osei") == sealed
    other_zone = dataclasses.replace(visit, signed_at=dt.datetime(2025, 6, 9, 12, 30,
                                                                  tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert visit_seal("LB-1", other_zone, "osei") == sealed  # one moment, written in another time zone
    for changed in (dataclasses.replace(finding, mas="4" if finding.mas != "4" else "3"),
                    dataclasses.replace(finding, side="right" if finding.side == "left" else "left"),
                    dataclasses.replace(finding, note=(finding.note or "") + "!")):
        assert visit_seal("LB-1", dataclasses.replace(visit, findings=(changed,)), "osei") != sealed
    assert visit_seal("LB-1", dataclasses.replace(visit, notes=(notes or "") + "."), "osei") != sealed
    assert visit_seal("LB-1", dataclasses.replace(visit, weight_kg=(weight or 0) + 1.5), "osei") != sealed
    assert visit_seal("LB-2", visit, "osei") != sealed and visit_seal("LB-1", visit, "rhea") != sealed
    assert visit_seal("LB-1", dataclasses.replace(visit, status="draft"), "osei") != sealed


def test_imported_signed_visits_are_sealed_as_they_read_back(database: Database) -> None:
    with database.transaction() as session:
        import_records(session, read_document(sample_document()))
        add_demo_patients(session, 15)
    with database.transaction() as session:
        chain, checked = check_database(session)
        imported = [e for e in events(session) if e.action == "import"]
    assert chain.intact and checked.problems == () and checked.visits > 100
    recorded = {s["hash"] for e in imported for s in (e.after or {}).get("seals", [])}
    with database.engine.connect() as connection:
        stored = set(connection.execute(text("SELECT seal FROM visit WHERE status = 'signed'")).scalars())
    assert stored == recorded and len(stored) == checked.visits


def test_a_new_mrn_seals_the_patients_signed_records_again(database: Database) -> None:
    with database.transaction() as session:
        import_records(session, read_document(sample_document()))
        details, version = patient_details(session, "LB-100234")
        update_patient(session, "LB-100234", dataclasses.replace(details, mrn="LB-900001"), version)
    with database.transaction() as session:
        chain, checked = check_database(session)
        [resealed] = [e for e in events(session, "LB-900001") if e.action == "seal"]
    assert chain.intact and checked.problems == ()
    assert resealed.after["replaces_mrn"] == "LB-100234" and resealed.after["seals"]
