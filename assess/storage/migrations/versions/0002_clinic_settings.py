"""Clinic-wide settings shared by every workstation (key and JSON value).

Revision ID: 0002_clinic_settings
Revises: 0001_initial
Create Date: 2026-11-24 08:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_clinic_settings"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_setting")),
    )


def downgrade() -> None:
    op.drop_table("clinic_setting")
