"""Safety facts the labels' rules need: the patient's other medicines, the pump's alarm volume and
replacement date, and the convention a popliteal angle was measured in (issue 13).

Revision ID: 0005_safety
Revises: 0003_trust
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_safety"
down_revision = "0004_treatment_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns only: existing rows keep their meaning (no other medicines recorded, the default alarm
    # volume, no replacement date, angles in the format's convention). Batch mode for SQLite's ALTER TABLE.
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("other_medicines", sa.Text(), nullable=True))
    with op.batch_alter_table("pump_event") as batch:
        batch.add_column(sa.Column("alarm_ml", sa.Double(), nullable=True))
        batch.add_column(sa.Column("replacement_due", sa.Date(), nullable=True))
    with op.batch_alter_table("finding") as batch:
        batch.add_column(sa.Column("angle_convention", sa.String(length=24), nullable=True))


def downgrade() -> None:
    # Columns dropped in place (SQLite 3.35+, PostgreSQL): batch mode would copy each table, and dropping the
    # original patient or pump_event fails the references of the tables that point at them.
    for table, column in (("finding", "angle_convention"), ("pump_event", "replacement_due"),
                          ("pump_event", "alarm_ml"), ("patient", "other_medicines")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
