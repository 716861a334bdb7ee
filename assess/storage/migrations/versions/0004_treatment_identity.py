"""Every treatment table holds its identity once: orthoses, the one kind without a unique identity, get it.

Concurrent imports could store the same orthosis two to four times (the table had no unique identity), after
which the database's own export no longer imported ("is in this file twice"). Duplicates are merged first:
the oldest row is kept, a value only a copy holds fills the kept row's empty field, and differing values and
notes of the copies are added to its notes, so nothing recorded is dropped.

Revision ID: 0004_treatment_identity
Revises: 0003_trust
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_treatment_identity"
down_revision = "0003_trust"
branch_labels = None
depends_on = None

ORTHOSIS = sa.table(
    "orthosis_period", sa.column("id", sa.Integer), sa.column("patient_id", sa.Integer),
    sa.column("orthosis", sa.String), sa.column("body_region", sa.String), sa.column("side", sa.String),
    sa.column("start", sa.Date), sa.column("end", sa.Date), sa.column("notes", sa.Text),
)
IDENTITY = ("patient_id", "start", "orthosis")
FILLED = ("body_region", "end")  # an empty field of the kept row takes a copy's value


def _merged(kept: dict[str, Any], copies: list[dict[str, Any]]) -> dict[str, Any]:
    values = {name: kept[name] for name in (*FILLED, "notes")}
    also: list[str] = []
    for copy in copies:
        for name in FILLED:
            if copy[name] is None or copy[name] == values[name]:
                continue
            if values[name] is None:
                values[name] = copy[name]
            else:
                also.append(f"{name} {copy[name]}")
        if copy["notes"] and copy["notes"] != kept["notes"] and copy["notes"] not in also:
            also.append(copy["notes"])
    if also:
        merged = f"(merged at upgrade with a copy that also said: {'; '.join(dict.fromkeys(also))})"
        values["notes"] = f"{values['notes']} {merged}" if values["notes"] else merged
    return values


def _merge_duplicates() -> None:
    bind = op.get_bind()
    side = sa.func.coalesce(ORTHOSIS.c.side, "")
    key = [ORTHOSIS.c[name] for name in IDENTITY]
    repeated = (sa.select(*key, side.label("side_key")).group_by(*key, side).having(sa.func.count() > 1)
                .subquery())
    rows = bind.execute(
        sa.select(ORTHOSIS).join(repeated, sa.and_(*(ORTHOSIS.c[name] == repeated.c[name] for name in IDENTITY),
                                                   side == repeated.c.side_key))
        .order_by(ORTHOSIS.c.id)).mappings().all()
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(*(row[name] for name in IDENTITY), row["side"] or "")].append(dict(row))
    for kept, *copies in groups.values():
        bind.execute(ORTHOSIS.update().where(ORTHOSIS.c.id == kept["id"]).values(**_merged(kept, copies)))
        bind.execute(ORTHOSIS.delete().where(ORTHOSIS.c.id.in_([copy["id"] for copy in copies])))


def upgrade() -> None:
    _merge_duplicates()
    op.create_index("uq_orthosis_period_identity", "orthosis_period", ["patient_id", "start", "orthosis", "side"],
                    unique=True, sqlite_where=sa.text("side IS NOT NULL"), postgresql_where=sa.text("side IS NOT NULL"))
    op.create_index("uq_orthosis_period_identity_no_side", "orthosis_period", ["patient_id", "start", "orthosis"],
                    unique=True, sqlite_where=sa.text("side IS NULL"), postgresql_where=sa.text("side IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_orthosis_period_identity_no_side", table_name="orthosis_period")
    op.drop_index("uq_orthosis_period_identity", table_name="orthosis_period")
