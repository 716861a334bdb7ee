"""What the visit editor reads once when it opens: the stored visit and its version, the last exam, the goals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assess.record.domain import Goal, PatientRecord, Visit
from assess.services.clinic import popliteal_convention
from assess.services.history import patient_history
from assess.services.visits import visit_version
from assess.storage.db import Database


@dataclass(frozen=True)
class VisitContext:
    record: PatientRecord
    stored: Visit | None
    version: int | None  # the stored visit's version (None: not saved yet)
    last_exam: Visit | None  # the most recent earlier visit with findings: compared with and copied from
    goals: tuple[Goal, ...]  # goals set on or before the visit, the ones it can score
    popliteal_convention: str | None = None  # the clinic's: how a knee flexor's angle is typed (issue 13)


def load_visit_context(db: Database, mrn: str, visit_date: dt.date, visit_type: str) -> VisitContext:
    with db.read() as session:
        # One moment: the version and the visit it is of, and the rest of the record the editor compares with.
        version = visit_version(session, mrn, visit_date, visit_type)
        record = patient_history(session, mrn)
        convention = popliteal_convention(session)
    stored = next((v for v in record.visits if v.key == (visit_date, visit_type)), None)
    earlier = [v for v in record.visits if v.date < visit_date and v.findings]
    return VisitContext(
        record=record, stored=stored, version=version,
        last_exam=max(earlier, key=lambda v: v.date) if earlier else None,
        goals=tuple(g for g in record.goals if g.set_on <= visit_date), popliteal_convention=convention,
    )
