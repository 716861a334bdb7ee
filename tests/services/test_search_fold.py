"""Names found as typed on any keyboard, and the list sorted the same way: one folding (rows.fold)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.record.domain import PatientDetails
from assess.services.patients import PatientSummary, create_patient, find_patients
from assess.services.rows import fold
from assess.storage.db import Database

PEOPLE = (("LB-1", "Łukasik", "Zofia"), ("LB-2", "Hansen", "Øyvind"), ("LB-3", "Abdi", "Nadia"),
          ("LB-4", "Straße", "Jürgen"), ("LB-5", "Lukas", "Ana"), ("LB-6", "Lule", "Bo"))


def _add(database: Database) -> None:
    with database.transaction() as session:
        for mrn, family, given in PEOPLE:
            create_patient(session, PatientDetails(mrn, family, given, dt.date(2015, 1, 1), "male", "cerebral_palsy"))


def test_typed_without_the_letters_the_keyboard_lacks(database: Database) -> None:
    _add(database)
    with database.transaction() as session:
        def found(text: str) -> list[str]:
            return [p.mrn for p in find_patients(session, text)]

        assert found("lukasik") == ["LB-1"]
        assert found("oyvind") == ["LB-2"]
        assert found("Abdi, Nadia") == ["LB-3"]  # as the list shows the name
        assert found("strasse jurgen") == ["LB-4"]
        assert found("LB-3") == ["LB-3"]
        assert found("Łukasik, Zofia") == ["LB-1"]
        # The list's order folds the same way: Łukasik between Lukas and Lule, not after every plain letter.
        assert [p.family_name for p in find_patients(session, "")] == [
            "Abdi", "Hansen", "Lukas", "Łukasik", "Lule", "Straße"]


@given(st.text(max_size=40))
def test_a_folded_key_is_plain_words_and_folding_twice_changes_nothing(text: str) -> None:
    key = fold(text)
    assert re.fullmatch(r"([0-9a-z]+( [0-9a-z]+)*)?", key)
    assert fold(key) == key


@given(st.sampled_from([p[1] for p in PEOPLE]), st.sampled_from([p[2] for p in PEOPLE]))
def test_the_name_as_the_list_shows_it_folds_into_the_stored_key(family: str, given_name: str) -> None:
    key = fold(f"{family} {given_name} LB-1")
    assert all(part in key for part in fold(f"{family}, {given_name}").split())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)  # one clinic, many searches
@given(text=st.text(max_size=30))
def test_any_typed_text_is_a_search_never_sql(database: Database, text: str) -> None:
    """The folded words are written into the statement (so PostgreSQL plans each search for its own pattern):
    whatever is typed, quotes, percent signs and SQL included, only finds patients, those the folding says."""
    with database.read() as session:
        empty = not find_patients(session, "", limit=1)
    if empty:
        _add(database)
    with database.read() as session:
        found = {p.mrn for p in find_patients(session, text)}
        everyone = find_patients(session, "")
    expected = {p.mrn for p in everyone if all(_matches(p, word) for word in text.split())}
    assert found == expected
    assert len(everyone) == len(PEOPLE)  # nothing typed changed the table


def _matches(patient: PatientSummary, word: str) -> bool:
    try:
        return patient.birth_date == dt.date.fromisoformat(word)
    except ValueError:
        key = fold(f"{patient.family_name} {patient.given_name} {patient.mrn}")
        return all(part in key for part in fold(word).split())
