"""Alembic migrations of the assess schema, run at start-up."""
