"""Clinic-grade trust: users and roles, the audit trail (a hash chain), signatures and addenda.

Revision ID: 0003_trust
Revises: 0002_clinic_settings
Create Date: 2026-11-30 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_trust"
down_revision = "0002_clinic_settings"
branch_labels = None
depends_on = None

GENESIS = "0" * 64  # the "previous hash" of the first audit event


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role = 'clinician' OR role = 'therapist' OR role = 'reader'",
                           name=op.f("ck_app_user_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("name", name=op.f("uq_app_user_name")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("workstation", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_key", sa.String(length=400), nullable=False),
        sa.Column("mrn", sa.String(length=64), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_mrn", ["mrn"], unique=False)
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "last_id": 0, "last_hash": GENESIS}])
    op.create_table(
        "addendum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("record", sa.String(length=16), nullable=False),
        sa.Column("record_date", sa.Date(), nullable=False),
        sa.Column("record_detail", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("corrections", sa.Text(), nullable=True),
        sa.CheckConstraint("record = 'visit' OR record = 'toxin_session'", name=op.f("ck_addendum_record")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_addendum_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addendum")),
    )
    with op.batch_alter_table("addendum", schema=None) as batch_op:
        batch_op.create_index("ix_addendum_patient_id", ["patient_id"], unique=False)
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("toxin_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("signed_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("toxin_session", schema=None) as batch_op:
        batch_op.drop_column("signed_by")
        batch_op.drop_column("signed_at")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("signed_by")
    op.drop_table("addendum")
    op.drop_table("audit_head")
    op.drop_table("audit_event")
    op.drop_table("app_user")
