"""Serialising edits of one record between workstations, so a check made before a write still holds at the write.

An edit reads what is stored, compares it with the copy the user started from, then writes. Two workstations
doing that at once must not both pass the comparison: the edit first takes a lock that the other waits for.
PostgreSQL locks the patient's row (other patients stay free); SQLite has a single writer anyway, and a write
statement that changes nothing takes that writer's lock for the rest of the transaction.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from assess.services import rows as r


def _take_sqlite_write_lock(session: Session, table: Table) -> None:
    # Waits (busy_timeout) for another writer to commit; later reads in this transaction see its work.
    session.connection().exec_driver_sql(f"DELETE FROM {table.name} WHERE 0")


def lock_patient(session: Session, patient_id: int) -> None:
    """Hold the patient's record until this transaction ends: another edit of it waits, then sees this one."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _take_sqlite_write_lock(session, r.PATIENT)
        return
    # FOR NO KEY UPDATE: conflicts with another edit's lock and with an update of the row, not with the
    # key-share locks that inserting a visit or treatment of the patient takes (an import can go on).
    session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.id == patient_id).with_for_update(key_share=True))


def lock_named(session: Session, table: Table, name: str) -> None:
    """Hold a lock on one named thing (a clinic setting) that may not have a row yet to lock."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _take_sqlite_write_lock(session, table)
        return
    # A transaction-scoped advisory lock, released at commit or rollback; the key is the name's checksum.
    key = zlib.crc32(f"{table.name}:{name}".encode())
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def lock_patients(session: Session, patient_ids: Sequence[int]) -> None:
    """lock_patient for several patients at once (in id order, so two such locks never deadlock)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _take_sqlite_write_lock(session, r.PATIENT)
        return
    ordered = sorted(patient_ids)
    for start in range(0, len(ordered), 500):  # well under PostgreSQL's limit of parameters per statement
        session.execute(select(r.PATIENT.c.id).where(r.PATIENT.c.id.in_(ordered[start:start + 500]))
                        .order_by(r.PATIENT.c.id).with_for_update(key_share=True))


def lock_user(session: Session, table: Table, name: str) -> None:
    """Hold a user's row until this transaction ends: logins of that user, from any workstation, take turns.

    PostgreSQL: SELECT ... FOR UPDATE of the row (other users log in at the same time). SQLite: the write
    lock taken by the transaction's first statement, as BEGIN IMMEDIATE would.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _take_sqlite_write_lock(session, table)
        return
    session.execute(select(table.c.id).where(table.c.name == name).with_for_update())
