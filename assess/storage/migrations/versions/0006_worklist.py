"""The worklist: each patient's due items as last worked out (due_state, due_item) and acknowledgements (due_ack).

The items themselves are worked out by the services (they read whole records); a database migrated here has
no due_state rows yet, so every patient counts as not worked out and the first read, or `assess db due`,
fills them in (assess.services.due).

Revision ID: 0006_worklist
Revises: 0003_trust
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_worklist"
down_revision = "0005_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "due_state",
        sa.Column("patient_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("fresh_until", sa.Date(), nullable=False),
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_due_state_patient_id_patient")),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_due_state")),
    )
    with op.batch_alter_table("due_state", schema=None) as batch_op:
        batch_op.create_index("ix_due_state_fresh_until", ["fresh_until"], unique=False)
    op.create_table(
        "due_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ongoing", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_due_item_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_item")),
    )
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.create_index("ix_due_item_patient_id", ["patient_id"], unique=False)
    op.create_table(
        "due_ack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_name", sa.String(length=64), nullable=False),
        sa.Column("workstation", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("action = 'acknowledged' OR action = 'snoozed'", name=op.f("ck_due_ack_action")),
        sa.CheckConstraint("action = 'acknowledged' OR until IS NOT NULL", name=op.f("ck_due_ack_snooze_until")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_due_ack_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_ack")),
        sa.UniqueConstraint("patient_id", "item_key", name=op.f("uq_due_ack_patient_id_item_key")),
    )


def downgrade() -> None:
    op.drop_table("due_ack")
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.drop_index("ix_due_item_patient_id")
    op.drop_table("due_item")
    with op.batch_alter_table("due_state", schema=None) as batch_op:
        batch_op.drop_index("ix_due_state_fresh_until")
    op.drop_table("due_state")
