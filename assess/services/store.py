"""Writing records to the tables in bulk (Core executemany): one path for import, demo and single edits."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from assess.domain import Goal, PatientDetails, ToxinSession, Treatment, Visit
from assess.services import rows as r


def _insert_returning_ids(session: Session, table: Any, values: list[dict[str, Any]]) -> list[int]:
    """Insert many rows and return their ids in the order given (SQLAlchemy 'insertmanyvalues')."""
    if not values:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in session.execute(statement, values)]


def _insert(session: Session, table: Any, values: list[dict[str, Any]]) -> None:
    if values:
        session.execute(insert(table), values)


def _bulk(session: Session, table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows of plain str/int/float/bool values straight through the driver's executemany.

    SQLAlchemy's per-row parameter handling costs more than the insert itself at import volumes
    (hundreds of thousands of findings); these tables hold no dates or other values needing conversion.
    """
    if not rows:
        return
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})", rows)


def insert_patients(session: Session, patients: Sequence[PatientDetails]) -> list[int]:
    return _insert_returning_ids(session, r.PATIENT, [r.details_columns(p) for p in patients])


def insert_goals(session: Session, goals: Sequence[tuple[int, Goal]]) -> dict[tuple[int, str], int]:
    """Returns the new goals' ids by (patient id, goal id), for the visits' goal scores."""
    values = [{"patient_id": pid, "code": g.id, "text": g.text, "set_on": g.set_on, "importance": g.importance,
               "difficulty": g.difficulty, "baseline": g.baseline} for pid, g in goals]
    ids = _insert_returning_ids(session, r.GOAL, values)
    return {(pid, g.id): goal_id for (pid, g), goal_id in zip(goals, ids, strict=True)}


def insert_visits(session: Session, visits: Sequence[tuple[int, Visit]],
                  goal_ids: dict[tuple[int, str], int]) -> list[int]:
    visit_ids = _insert_returning_ids(
        session, r.VISIT, [{"patient_id": pid, **r.visit_columns(v)} for pid, v in visits])
    write_visit_parts(session, list(zip(visit_ids, visits, strict=True)), goal_ids)
    return visit_ids


def write_visit_parts(session: Session, visits: Sequence[tuple[int, tuple[int, Visit]]],
                      goal_ids: dict[tuple[int, str], int]) -> None:
    """Findings, triggers, symptoms and goal scores of visits whose rows exist."""
    findings: list[tuple[Any, ...]] = []
    triggers: list[tuple[Any, ...]] = []
    symptoms: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    values_of = operator.attrgetter(*r.FINDING_FIELDS)  # one C call per finding, not fifteen getattr
    for visit_id, (patient_id, visit) in visits:
        findings += [(visit_id, *values_of(f)) for f in visit.findings]
        triggers += [(visit_id, code) for code in visit.triggers]
        symptoms += [(visit_id, code) for code in visit.symptoms]
        scores += [(visit_id, goal_ids[(patient_id, s.goal)], s.score) for s in visit.goal_scores]
    _bulk(session, r.FINDING, ("visit_id", *r.FINDING_FIELDS), findings)
    _bulk(session, r.TRIGGER, ("visit_id", "code"), triggers)
    _bulk(session, r.SYMPTOM, ("visit_id", "code"), symptoms)
    _bulk(session, r.GOAL_SCORE, ("visit_id", "goal_id", "score"), scores)


def delete_visit_parts(session: Session, visit_id: int) -> None:
    for table in (r.FINDING, r.TRIGGER, r.SYMPTOM, r.GOAL_SCORE):
        session.execute(delete(table).where(table.c.visit_id == visit_id))


def insert_treatments(session: Session, treatments: Sequence[tuple[int, Treatment]]) -> None:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    toxins: list[tuple[int, ToxinSession]] = []
    for patient_id, treatment in treatments:
        if isinstance(treatment, ToxinSession):
            toxins.append((patient_id, treatment))
        else:
            by_kind.setdefault(treatment.kind, []).append({"patient_id": patient_id,
                                                           **r.treatment_columns(treatment)})
    for kind, values in by_kind.items():
        _insert(session, r.TREATMENT_TABLES[kind][0], values)
    session_ids = _insert_returning_ids(
        session, r.TOXIN, [{"patient_id": pid, **r.treatment_columns(t)} for pid, t in toxins])
    _bulk(session, r.INJECTION, ("session_id", "muscle", "side", "units", "sites"), [
        (sid, i.muscle, i.side, i.units, i.sites)
        for sid, (_, t) in zip(session_ids, toxins, strict=True) for i in t.injections
    ])
