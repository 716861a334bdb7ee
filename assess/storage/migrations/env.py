"""Alembic environment: runs on the connection assess hands over (see assess.storage.db.upgrade)."""

from __future__ import annotations

from alembic import context

from assess.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - assess always passes its own connection
    raise RuntimeError("run migrations through 'assess db upgrade'")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: batch mode copies the table, keeping named constraints.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
