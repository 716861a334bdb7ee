"""Search keys folded by transliteration (Łukasik -> lukasik, Øyvind -> oyvind); goals can be withdrawn; users
can be disabled.

Revision ID: 0007_search_fold
Revises: 0006_worklist
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

revision = "0007_search_fold"
down_revision = "0006_worklist"
branch_labels = None
depends_on = None

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    # The folding of assess.services.rows.fold as it was when this migration was written (a migration keeps
    # its own copy: the application's function may change later, the stored keys of this step may not).
    return " ".join(_NOT_WORD.sub(" ", anyascii(unicodedata.normalize("NFC", text)).casefold()).split())


def _old_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _recompute(fold: object) -> None:
    patient = sa.table("patient", sa.column("id", sa.Integer), sa.column("family_name", sa.String),
                       sa.column("given_name", sa.String), sa.column("mrn", sa.String),
                       sa.column("search_key", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(patient.c.id, patient.c.family_name, patient.c.given_name, patient.c.mrn))
    keys = [{"pid": pid, "key": fold(f"{family} {given} {mrn}")}  # type: ignore[operator]
            for pid, family, given, mrn in rows]
    if keys:
        connection.execute(sa.update(patient).where(patient.c.id == sa.bindparam("pid"))
                           .values(search_key=sa.bindparam("key")), keys)


def upgrade() -> None:
    with op.batch_alter_table("goal") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
    _recompute(_fold)


def downgrade() -> None:
    _recompute(_old_fold)
    # Columns dropped in place (SQLite 3.35+, PostgreSQL): batch mode would copy the table, and dropping the
    # original goal fails the goal scores' references to it.
    for table, column in (("app_user", "disabled_at"), ("goal", "withdrawn_reason"), ("goal", "withdrawn_on")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
