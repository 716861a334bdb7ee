"""Trust against someone at the keyboard or the file: seals on signed records, logins per workstation.

Revision ID: 0008_seals
Revises: 0007_search_fold
Create Date: 2026-12-01 09:00:00

Adds a `seal` (SHA-256 of the signed content) to visits, toxin sessions and addenda; the
`login_device` table (a workstation where a user logged in before has its own failure count, so
someone else's wrong guesses do not lock that user out there); and an index on the audit trail's
user events (a login finds the user's last recorded state without reading the whole trail).
Records signed before this revision are sealed by assess right after the upgrade (an audited event).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_seals"
down_revision = "0007_search_fold"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("visit", "toxin_session", "addendum"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))
    op.create_table(
        "login_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_login_device_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_device_token_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_user", ["entity_key"], unique=False,
                              sqlite_where=sa.text("entity = 'user'"), postgresql_where=sa.text("entity = 'user'"))


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_user", sqlite_where=sa.text("entity = 'user'"),
                            postgresql_where=sa.text("entity = 'user'"))
    op.drop_table("login_device")
    for table in ("addendum", "toxin_session", "visit"):
        # SQLite drops the column in place (3.35+): batch mode would copy the table, and dropping the
        # original of toxin_session fails its injections' references.
        op.execute(f"ALTER TABLE {table} DROP COLUMN seal")
