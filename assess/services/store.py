"""Writing records to the tables in bulk (Core executemany): one path for import, demo and single edits."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Float, Table, delete, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from assess.record.domain import Goal, PatientDetails, ToxinSession, Treatment, Visit
from assess.services import rows as r
from assess.storage.models import utcnow

_NONES = itertools.repeat(None)


def _new_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for `count` new rows of `table`, reserved so no other connection can take them.

    Taking ids first lets the rows go in with one executemany; SQLAlchemy's RETURNING path for ordered
    ids runs one statement per row on SQLite, the slowest part of a large import.
    """
    if count == 0:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        result = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count})
        return [int(i) for i in result.scalars()]
    # SQLite: a write statement (here one that changes nothing) takes the database's write lock for
    # this transaction, so max(id) stays ours until commit; other writers wait (busy_timeout).
    connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE 0")
    start = int(connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table.name}").scalar_one()) + 1
    return list(range(start, start + count))


def _bulk(session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows straight through the driver's executemany.

    SQLAlchemy's per-row parameter handling costs more than the insert itself at import volumes
    (hundreds of thousands of findings). Values that need converting for the database (dates on
    SQLite, moments in UTC) go through the column type's own bind processor, as SQLAlchemy would.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    # Records hold Python bools and floats, which both drivers take as they are: convert only the
    # columns that need it (dates on SQLite, moments to naive UTC).
    active = [(i, processor) for i, name in enumerate(columns)
              if not isinstance(table.c[name].type, (Boolean, Float))
              and (processor := table.c[name].type.bind_processor(dialect)) is not None]
    if active:
        rows = [_converted(row, active) for row in rows]
    quote = dialect.identifier_preparer.quote
    if dialect.name == "postgresql":
        # COPY streams the rows in one go: several times faster than executemany over the network.
        raw = connection.connection.driver_connection
        assert raw is not None
        sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy would report it: one error class to catch
            raise DBAPIError.instance(sql, None, error, dialect.loaded_dbapi.Error) from error
        return
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    # SQLite's driver passes every None through its adapter look-up before binding it, which costs more than
    # the insert of the value itself; findings are mostly empty scales. So rows go in grouped by the columns
    # they fill, each group naming only those (an unnamed column is NULL: no column has a default).
    by_filled: dict[tuple[bool, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        by_filled.setdefault(tuple(map(operator.is_not, row, _NONES)), []).append(row)
    for filled, group in by_filled.items():
        named = [quote(c) for c, keep in zip(columns, filled, strict=True) if keep]
        values = group if all(filled) else [tuple(itertools.compress(row, filled)) for row in group]
        connection.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({', '.join(named)}) VALUES ({', '.join([mark] * len(named))})",
            values)


def _converted(row: tuple[Any, ...], active: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(row)
    for i, processor in active:
        if values[i] is not None:
            values[i] = processor(values[i])
    return tuple(values)


def _insert_new(session: Session, table: Table, values: list[dict[str, Any]]) -> list[int]:
    """Insert rows given as column dicts (all with the same keys); returns their ids in order."""
    if not values:
        return []
    ids = _new_ids(session, table, len(values))
    columns = ["id", *values[0]]
    _bulk(session, table, columns, [(new_id, *v.values()) for new_id, v in zip(ids, values, strict=True)])
    return ids


def _stamped(values: dict[str, Any]) -> dict[str, Any]:
    """The columns SQLAlchemy would fill in by default: a new record is version 1, made now."""
    now = utcnow()
    return {**values, "created_at": now, "updated_at": now, "version": 1}


def insert_patients(session: Session, patients: Sequence[PatientDetails]) -> list[int]:
    return _insert_new(session, r.PATIENT, [_stamped(r.details_columns(p)) for p in patients])


def insert_goals(session: Session, goals: Sequence[tuple[int, Goal]]) -> dict[tuple[int, str], int]:
    """Returns the new goals' ids by (patient id, goal id), for the visits' goal scores."""
    values = [{"patient_id": pid, "code": g.id, "text": g.text, "set_on": g.set_on, "importance": g.importance,
               "difficulty": g.difficulty, "baseline": g.baseline} for pid, g in goals]
    ids = _insert_new(session, r.GOAL, values)
    return {(pid, g.id): goal_id for (pid, g), goal_id in zip(goals, ids, strict=True)}


def insert_visits(session: Session, visits: Sequence[tuple[int, Visit]],
                  goal_ids: dict[tuple[int, str], int], seals: Sequence[str | None] | None = None) -> list[int]:
    """New visits with their parts; `seals` (one per visit, None for a draft) go in the seal column."""
    values = [_stamped({"patient_id": pid, **r.visit_columns(v)}) for pid, v in visits]
    if seals is not None:
        for row, seal in zip(values, seals, strict=True):
            row["seal"] = seal
    visit_ids = _insert_new(session, r.VISIT, values)
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
        _bulk(session, r.TREATMENT_TABLES[kind][0], list(values[0]), [tuple(v.values()) for v in values])
    session_ids = _insert_new(
        session, r.TOXIN, [{"patient_id": pid, **r.treatment_columns(t)} for pid, t in toxins])
    _bulk(session, r.INJECTION, ("session_id", "muscle", "side", "units", "sites"), [
        (sid, i.muscle, i.side, i.units, i.sites)
        for sid, (_, t) in zip(session_ids, toxins, strict=True) for i in t.injections
    ])
