"""The limits file (resources/limits.json): every row of CLINICAL.md "Safety rules", sourced, dated, and refused
when malformed."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assess.scoring.limits import RULE_UNITS, LimitTable, default_path, load_limits, lowest_ceiling, parse_limits

SHIPPED = Path(__file__).resolve().parents[2] / "assess" / "resources" / "limits.json"
CHECKED_ON = dt.date(2026, 12, 1)
ONA, ABO, INCO = "onabotulinumtoxinA", "abobotulinumtoxinA", "incobotulinumtoxinA"

# The labels' figures as read on 2026-12-01 (docs/safety-limits.md lists them with their sections), row by row:
# (id, rule, subject, population, limb, per_side, value, verified). verified is False where only a summary or a
# secondary source was read.
EXPECTED: list[tuple[str, str, str, str, str, bool, float, bool]] = [
    ("botox_adult_session_units", "toxin_session_max_units", ONA, "adult", "any", False, 400, False),
    ("botox_adult_cumulative_units", "toxin_cumulative_max_units", ONA, "adult", "any", False, 400, False),
    ("botox_paed_upper_units_per_kg", "toxin_limb_max_units_per_kg", ONA, "paediatric", "upper", True, 6, True),
    ("botox_paed_upper_units", "toxin_limb_max_units", ONA, "paediatric", "upper", True, 200, True),
    ("botox_paed_lower_units_per_kg", "toxin_limb_max_units_per_kg", ONA, "paediatric", "lower", True, 8, True),
    ("botox_paed_lower_units", "toxin_limb_max_units", ONA, "paediatric", "lower", True, 300, True),
    ("botox_paed_session_units_per_kg", "toxin_session_max_units_per_kg", ONA, "paediatric", "any", False, 10, True),
    ("botox_paed_session_units", "toxin_session_max_units", ONA, "paediatric", "any", False, 340, True),
    ("botox_paed_cumulative_units_per_kg", "toxin_cumulative_max_units_per_kg", ONA, "paediatric", "any", False, 10,
     True),
    ("botox_paed_cumulative_units", "toxin_cumulative_max_units", ONA, "paediatric", "any", False, 340, True),
    ("botox_retreatment_weeks", "toxin_min_interval_weeks", ONA, "any", "any", False, 12, True),
    ("botox_min_age_years", "toxin_min_age_years", ONA, "paediatric", "any", False, 2, True),
    ("dysport_adult_upper_units", "toxin_limb_max_units", ABO, "adult", "upper", False, 1000, False),
    ("dysport_adult_lower_units", "toxin_limb_max_units", ABO, "adult", "lower", False, 1500, False),
    ("dysport_adult_session_units", "toxin_session_max_units", ABO, "adult", "any", False, 1500, False),
    ("dysport_paed_upper_limb_units_per_kg", "toxin_limb_max_units_per_kg", ABO, "paediatric", "upper", True, 16, True),
    ("dysport_paed_upper_limb_units", "toxin_limb_max_units", ABO, "paediatric", "upper", True, 640, True),
    ("dysport_paed_lower_side_units_per_kg", "toxin_limb_max_units_per_kg", ABO, "paediatric", "lower", True, 15, True),
    ("dysport_paed_lower_side_units", "toxin_limb_max_units", ABO, "paediatric", "lower", True, 1000, True),
    ("dysport_paed_session_units_per_kg", "toxin_session_max_units_per_kg", ABO, "paediatric", "any", False, 30, True),
    ("dysport_paed_session_units", "toxin_session_max_units", ABO, "paediatric", "any", False, 1000, True),
    ("dysport_adult_retreatment_weeks", "toxin_min_interval_weeks", ABO, "adult", "any", False, 12, False),
    ("dysport_paed_upper_retreatment_weeks", "toxin_min_interval_weeks", ABO, "paediatric", "upper", False, 16, True),
    ("dysport_paed_lower_retreatment_weeks", "toxin_min_interval_weeks", ABO, "paediatric", "lower", False, 12, True),
    ("dysport_min_age_years", "toxin_min_age_years", ABO, "paediatric", "any", False, 2, True),
    ("xeomin_session_units", "toxin_session_max_units", INCO, "any", "any", False, 400, True),
    ("xeomin_paed_upper_limb_units_per_kg", "toxin_limb_max_units_per_kg", INCO, "paediatric", "upper", True, 8, True),
    ("xeomin_paed_upper_limb_units", "toxin_limb_max_units", INCO, "paediatric", "upper", True, 200, True),
    ("xeomin_paed_both_upper_units_per_kg", "toxin_limb_max_units_per_kg", INCO, "paediatric", "upper", False, 16,
     False),
    ("xeomin_paed_both_upper_units", "toxin_limb_max_units", INCO, "paediatric", "upper", False, 400, False),
    ("xeomin_retreatment_weeks", "toxin_min_interval_weeks", INCO, "any", "any", False, 12, True),
    ("xeomin_min_age_years", "toxin_min_age_years", INCO, "paediatric", "any", False, 2, False),
    ("itb_first_dose_times_screening", "itb_first_dose_max_times_screening", 'itb', "any", "any", False, 2, False),
    ("itb_titration_cerebral_percent", "itb_titration_step_percent", 'itb', "any", "any", False, 15, False),
    ("itb_titration_spinal_percent", "itb_titration_step_percent", 'itb', "any", "any", False, 30, False),
    ("itb_maintenance_cerebral_percent", "itb_titration_step_percent", 'itb', "any", "any", False, 20, False),
    ("itb_maintenance_spinal_percent", "itb_titration_step_percent", 'itb', "any", "any", False, 40, False),
    ("itb_limited_experience_mcg_per_day", "itb_daily_dose_limited_experience", 'itb', "any", "any", False, 1000,
     False),
    ("itb_strength_50", "itb_concentration_strength", 'itb', "any", "any", False, 50, True),
    ("itb_strength_500", "itb_concentration_strength", 'itb', "any", "any", False, 500, True),
    ("itb_strength_1000", "itb_concentration_strength", 'itb', "any", "any", False, 1000, True),
    ("itb_strength_2000", "itb_concentration_strength", 'itb', "any", "any", False, 2000, True),
    ("itb_low_reservoir_ml", "itb_low_reservoir_ml", 'itb', "any", "any", False, 2, False),
    ("itb_pump_life_years", "itb_pump_service_life_years", 'itb', "any", "any", False, 7, True),
    ("itb_replacement_notice_months", "itb_replacement_notice_months", 'itb', "any", "any", False, 6, True),
    ("baclofen_adult_mg_per_day", "oral_max_mg_per_day", 'baclofen', "adult", "any", False, 80, True),
    ("baclofen_not_established_years", "oral_not_established_under_years", 'baclofen', "paediatric", "any", False,
     12, False),
    ("baclofen_child_8y_mg_per_day", "oral_max_mg_per_day", 'baclofen', "paediatric", "any", False, 60, False),
    ("baclofen_child_2_7y_mg_per_day", "oral_max_mg_per_day", 'baclofen', "paediatric", "any", False, 40, False),
    ("baclofen_child_2_7y_mg_per_kg_per_day", "oral_max_mg_per_kg_per_day", 'baclofen', "paediatric", "any", False,
     2, False),
    ("tizanidine_mg_per_day", "oral_max_mg_per_day", 'tizanidine', "any", "any", False, 36, True),
    ("tizanidine_not_established_years", "oral_not_established_under_years", 'tizanidine', "paediatric", "any",
     False, 18, False),
    ("dantrolene_mg_per_day", "oral_max_mg_per_day", 'dantrolene', "any", "any", False, 400, False),
    ("dantrolene_child_mg_per_kg_per_day", "oral_max_mg_per_kg_per_day", 'dantrolene', "paediatric", "any", False, 6,
     False),
    ("dantrolene_not_established_years", "oral_not_established_under_years", 'dantrolene', "paediatric", "any",
     False, 5, False),
    ("diazepam_adult_mg_per_day", "oral_max_mg_per_day", 'diazepam', "adult", "any", False, 40, True),
    ("diazepam_not_for_use_years", "oral_not_for_use_under_years", 'diazepam', "paediatric", "any", False, 0.5, True),
    ("clonazepam_mg_per_day", "oral_max_mg_per_day", 'clonazepam', "any", "any", False, 20, True),
    ("clonazepam_child_mg_per_kg_per_day", "oral_max_mg_per_kg_per_day", 'clonazepam', "paediatric", "any", False,
     0.2, True),
    ("gabapentin_mg_per_day", "oral_max_mg_per_day", 'gabapentin', "any", "any", False, 3600, True),
    ("gabapentin_child_mg_per_kg_per_day", "oral_max_mg_per_kg_per_day", 'gabapentin', "paediatric", "any", False,
     50, True),
    ("gabapentin_not_established_years", "oral_not_established_under_years", 'gabapentin', "paediatric", "any",
     False, 3, True),
    ("clonidine_mg_per_day", "oral_max_mg_per_day", 'clonidine', "any", "any", False, 2.4, True),
    ("clonidine_not_established_years", "oral_not_established_under_years", 'clonidine', "paediatric", "any", False,
     12, False),
]


@pytest.fixture(scope="module")
def table() -> LimitTable:
    return load_limits()


def shipped_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return document


# --- the shipped file ------------------------------------------------------------------------------------

def test_the_loader_finds_the_file_at_the_repository_root() -> None:
    assert default_path() == SHIPPED
    assert shipped_document()["format"] == "assess-limits/1"


def test_every_label_figure_is_on_file_and_nothing_else(table: LimitTable) -> None:
    assert [limit.id for limit in table] == [row[0] for row in EXPECTED]
    for limit_id, rule, subject, population, limb, per_side, value, verified in EXPECTED:
        limit = table.by_id(limit_id)
        assert (limit.rule, limit.subject, limit.population, limit.limb, limit.per_side, limit.value) == (
            rule, subject, population, limb, per_side, value), limit_id
        assert limit.verified is verified, limit_id
        assert limit.unit == RULE_UNITS[rule]


def test_every_row_names_its_label_section_and_the_day_it_was_checked(table: LimitTable) -> None:
    for limit in table:
        assert limit.source.strip() and limit.section.strip(), limit.id
        assert limit.checked_on == CHECKED_ON, limit.id
        assert limit.note.strip(), limit.id
        assert limit.section in limit.cited
    adult_botox = table.by_id("botox_adult_session_units")
    assert "2.1" in adult_botox.section and "pediatric" not in adult_botox.section  # item 12: its own section
    assert "BOTOX" in adult_botox.source and "Botox One" not in adult_botox.source


def test_unverified_rows_say_what_was_read_instead(table: LimitTable) -> None:
    for limit in (x for x in table if not x.verified):
        assert any(w in limit.note.lower() for w in ("summar", "not read", "not re-read", "could not",
                                                      "unverified", "not a label figure", "confirm")), limit.id


def test_ranges_keep_the_upper_bound_and_say_the_range(table: LimitTable) -> None:
    assert "5-15 %" in table.by_id("itb_titration_cerebral_percent").note
    assert "10-30 %" in table.by_id("itb_titration_spinal_percent").note
    assert "10-40 %" in table.by_id("itb_maintenance_spinal_percent").note
    assert "2 to 10 mg three or four times daily" in table.by_id("diazepam_adult_mg_per_day").note
    assert "500-1000" in table.by_id("dysport_adult_upper_units").note


def test_off_label_drugs_say_what_their_dosing_is_for(table: LimitTable) -> None:
    """NEURONTIN's paediatric dosing is for epilepsy; clonazepam's for seizures; clonidine's for hypertension."""
    assert "off-label" in (table.by_id("gabapentin_child_mg_per_kg_per_day").indication or "")
    assert "epilepsy" in (table.by_id("gabapentin_mg_per_day").indication or "")
    assert "off-label" in (table.by_id("clonazepam_mg_per_day").indication or "")
    assert "off-label" in (table.by_id("clonidine_mg_per_day").indication or "")


def test_products_without_a_limit_have_no_rows(table: LimitTable) -> None:
    assert not table.has_subject("rimabotulinumtoxinB")


def test_the_interaction_names_generic_and_brand(table: LimitTable) -> None:
    [rule] = table.interactions_of("tizanidine")
    assert rule.interacting == ("ciprofloxacin", "fluvoxamine")
    assert rule.names["luvox"] == "fluvoxamine" and rule.names["cipro"] == "ciprofloxacin"


# --- lookups ---------------------------------------------------------------------------------------------

def test_toxin_rows_by_population(table: LimitTable) -> None:
    adult = {limit.id for limit in table.for_toxin(ONA, paediatric=False)}
    child = {limit.id for limit in table.for_toxin(ONA, paediatric=True)}
    assert adult == {"botox_adult_session_units", "botox_adult_cumulative_units", "botox_retreatment_weeks"}
    assert "botox_retreatment_weeks" in child and "botox_adult_session_units" not in child
    assert all(limit.rule != "toxin_min_interval_weeks" for limit in table.toxin_doses(ONA, paediatric=True))


@pytest.mark.parametrize(("age", "expected"), [
    (1, set()),
    (2, {"baclofen_child_2_7y_mg_per_day", "baclofen_child_2_7y_mg_per_kg_per_day"}),
    (7, {"baclofen_child_2_7y_mg_per_day", "baclofen_child_2_7y_mg_per_kg_per_day"}),
    (8, {"baclofen_child_8y_mg_per_day"}),
    (17, {"baclofen_child_8y_mg_per_day"}),
    (18, {"baclofen_adult_mg_per_day"}),
    (90, {"baclofen_adult_mg_per_day"}),
])
def test_baclofen_age_bands(table: LimitTable, age: int, expected: set[str]) -> None:
    assert {limit.id for limit in table.for_drug("baclofen", age)} == expected


def test_drug_rows_for_any_age_and_adults_only(table: LimitTable) -> None:
    assert [limit.value for limit in table.for_drug("tizanidine", 10)] == [36]
    assert table.for_drug("diazepam", 17) == ()
    assert [limit.value for limit in table.for_drug("diazepam", 18)] == [40]  # VALIUM: 2-10 mg 3-4 times a day
    assert {limit.value for limit in table.for_drug("gabapentin", 6)} == {3600, 50}
    assert {limit.value for limit in table.for_drug("gabapentin", 12)} == {3600}


@pytest.mark.parametrize(("paediatric", "limbs", "weeks"), [
    (True, {"upper"}, 16), (True, {"lower"}, 12), (True, {"upper", "lower"}, 16), (True, {None}, 16),
    (False, {"upper"}, 12), (False, {None}, 12),
])
def test_dysport_interval_for_the_limbs_injected(table: LimitTable, paediatric: bool, limbs: set[str | None],
                                                 weeks: float) -> None:
    limit = table.toxin_interval(ABO, paediatric, limbs)
    assert limit is not None and limit.value == weeks


def test_itb_lookups(table: LimitTable) -> None:
    cerebral, spinal, alarm = table.itb_titration_step("cerebral"), table.itb_titration_step("spinal"), \
        table.itb_low_reservoir()
    assert cerebral is not None and cerebral.value == 15
    assert spinal is not None and spinal.value == 30
    assert alarm is not None and alarm.value == 2 and not alarm.verified


def test_the_lower_of_per_kg_and_absolute_applies(table: LimitTable) -> None:
    rows = [table.by_id("botox_paed_upper_units_per_kg"), table.by_id("botox_paed_upper_units")]
    light = lowest_ceiling(rows, 20.0)
    heavy = lowest_ceiling(rows, 50.0)
    assert light is not None and light[0] == 120 and light[1].per_kg
    assert heavy is not None and heavy[0] == 200 and not heavy[1].per_kg
    no_weight = lowest_ceiling(rows, None)
    assert no_weight is not None and no_weight[0] == 200
    assert lowest_ceiling(rows[:1], None) is None


# --- a malformed file is refused, naming the entry --------------------------------------------------------

def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "limits.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def first_row_changed(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(shipped_document())
    row = document["limits"][0]
    for key, value in changes.items():
        if value is None:
            del row[key]
        else:
            row[key] = value
    return document


@pytest.mark.parametrize(("changes", "words"), [
    ({"rule": "toxin_per_muscle_max_units"}, "unknown rule 'toxin_per_muscle_max_units'"),
    ({"source": None}, "missing field 'source'"),
    ({"checked_on": None}, "missing field 'checked_on'"),
    ({"verified": None}, "missing field 'verified'"),
    ({"checked_on": "2026-02-30"}, "checked_on '2026-02-30' is not a real date"),
    ({"checked_on": "24/11/2026"}, "is not a real date"),
    ({"checked_on": "20261124"}, "is not a real date"),
    ({"unit": "mg"}, "not 'mg'"),
    ({"value": 0}, "value must be a number above 0"),
    ({"value": "400"}, "value must be a number above 0"),
    ({"value": True}, "value must be a number above 0"),
    ({"verified": "yes"}, "verified must be true or false"),
    ({"population": "child"}, "population 'child' is not one of adult, paediatric, any"),
    ({"limb": "both"}, "limb 'both' is not one of upper, lower, any"),
    ({"source": " "}, "field 'source' must be a non-empty text"),
    ({"per_side": True}, "per_side needs an upper or lower limb"),
    ({"origin": "cerebral"}, "origin"),
    ({"max_age_years": 7.5}, "max_age_years' must be a whole number"),
    ({"dose": 3}, "unknown field(s) dose"),
    ({"section": None}, "missing field 'section'"),
    ({"window_weeks": 12}, "window_weeks is given for, and only for, the cumulative"),
    ({"phase": "maintenance"}, "phase is given only for itb_titration_step_percent"),
])
def test_a_bad_entry_is_refused_naming_its_id(tmp_path: Path, changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match="limit botox_adult_session_units") as refused:
        load_limits(write(tmp_path, first_row_changed(**changes)))
    assert words in str(refused.value)


def test_an_entry_without_id_is_named_by_position(tmp_path: Path) -> None:
    document = shipped_document()
    del document["limits"][3]["id"]
    with pytest.raises(ValueError, match=r"limits\[3\]: missing field 'id'"):
        load_limits(write(tmp_path, document))


def test_titration_step_without_origin_is_refused() -> None:
    document = shipped_document()
    index = next(i for i, row in enumerate(document["limits"]) if row["id"] == "itb_titration_cerebral_percent")
    del document["limits"][index]["origin"]
    with pytest.raises(ValueError, match="limit itb_titration_cerebral_percent: origin"):
        parse_limits(document)


def test_a_twice_used_id_is_refused() -> None:
    document = shipped_document()
    document["limits"].append(document["limits"][0])
    with pytest.raises(ValueError, match="limit botox_adult_session_units: the id is used twice"):
        parse_limits(document)


@pytest.mark.parametrize("document", [[], {"limits": []}, {"format": "assess-limits/2", "limits": []},
                                      {"format": "assess-limits/1", "limits": {}}])
def test_a_file_of_another_shape_is_refused(document: Any) -> None:
    with pytest.raises(ValueError, match="limits file"):
        parse_limits(document)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "limits.json"
    path.write_text('{"format": "assess-limits/1", "limits": [', encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_limits(path)
