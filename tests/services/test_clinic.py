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


def test_the_popliteal_convention_is_a_clinic_setting(database: Database) -> None:
    """Issue 13, item 14: the clinic's default convention for the popliteal angle, per finding otherwise."""
    from assess.record.errors import RecordError
    from assess.services.clinic import popliteal_convention, set_popliteal_convention

    with database.transaction() as session:
        assert popliteal_convention(session) is None  # the format's: larger = less tight
        set_popliteal_convention(session, "extension_deficit")
    with database.transaction() as session:
        assert popliteal_convention(session) == "extension_deficit"
    with pytest.raises(RecordError, match="popliteal_convention: 'degrees' is not one of"), \
            database.transaction() as session:
        set_popliteal_convention(session, "degrees")
