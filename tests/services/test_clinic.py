"""Clinic-wide settings on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from assess.record.errors import RecordError
from assess.services.clinic import hidden_muscle_groups, set_hidden_muscle_groups
from assess.storage.db import Database


def test_hidden_groups_round_trip_and_replace(database: Database) -> None:
    with database.transaction() as session:
        assert hidden_muscle_groups(session) == frozenset()
        set_hidden_muscle_groups(session, ["great_toe_extensor", "thumb_flexors_adductors"])
    with database.transaction() as session:
        assert hidden_muscle_groups(session) == {"great_toe_extensor", "thumb_flexors_adductors"}
        set_hidden_muscle_groups(session, [])
    with database.transaction() as session:
        assert hidden_muscle_groups(session) == frozenset()


def test_unknown_groups_are_refused(database: Database) -> None:
    with pytest.raises(RecordError, match="not muscle groups of the catalogue: elbow"), \
            database.transaction() as session:
        set_hidden_muscle_groups(session, ["elbow"])
