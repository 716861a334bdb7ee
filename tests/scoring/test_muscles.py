"""Muscle groups (exam rows) and muscles (injection targets): the mapping of record-format.md, x- codes, order."""

from __future__ import annotations

import random

import pytest

from assess.scoring.muscles import (
    MUSCLE_GROUPS,
    MUSCLES,
    group_name,
    group_sort_key,
    groups_of_muscle,
    is_custom_code,
    muscle_name,
    side_sort_key,
)

# record-format.md, "Muscles and muscle groups": injected muscle -> the muscle group(s) whose findings show
# its effect. Copied from the table, one row per muscle.
RECORD_FORMAT_TABLE: dict[str, set[str]] = {
    "pectoralis_major": {"shoulder_adductors", "shoulder_internal_rotators"},
    "latissimus_dorsi": {"shoulder_adductors"},
    "teres_major": {"shoulder_adductors"},
    "subscapularis": {"shoulder_internal_rotators"},
    "biceps_brachii": {"elbow_flexors"},
    "brachialis": {"elbow_flexors"},
    "brachioradialis": {"elbow_flexors"},
    "triceps_brachii": {"elbow_extensors"},
    "pronator_teres": {"forearm_pronators"},
    "pronator_quadratus": {"forearm_pronators"},
    "flexor_carpi_radialis": {"wrist_flexors"},
    "flexor_carpi_ulnaris": {"wrist_flexors"},
    "flexor_digitorum_superficialis": {"finger_flexors"},
    "flexor_digitorum_profundus": {"finger_flexors"},
    "flexor_pollicis_longus": {"thumb_flexors_adductors"},
    "adductor_pollicis": {"thumb_flexors_adductors"},
    "iliopsoas": {"hip_flexors"},
    "rectus_femoris": {"hip_flexors", "knee_extensors"},
    "adductor_longus": {"hip_adductors"},
    "adductor_brevis": {"hip_adductors"},
    "adductor_magnus": {"hip_adductors"},
    "gracilis": {"hip_adductors"},
    "medial_hamstrings": {"knee_flexors"},
    "lateral_hamstrings": {"knee_flexors"},
    "quadriceps": {"knee_extensors"},
    "gastrocnemius_medial": {"plantarflexors_knee_extended"},
    "gastrocnemius_lateral": {"plantarflexors_knee_extended"},
    "soleus": {"plantarflexors_knee_flexed"},
    "tibialis_posterior": {"ankle_invertors"},
    "flexor_digitorum_longus": {"toe_flexors"},
    "flexor_hallucis_longus": {"toe_flexors"},
    "extensor_hallucis_longus": {"great_toe_extensor"},
}

CATALOGUE_ORDER = [
    "shoulder_adductors", "shoulder_internal_rotators", "elbow_flexors", "elbow_extensors", "forearm_pronators",
    "wrist_flexors", "finger_flexors", "thumb_flexors_adductors", "hip_flexors", "hip_adductors", "knee_flexors",
    "knee_extensors", "plantarflexors_knee_extended", "plantarflexors_knee_flexed", "ankle_invertors",
    "toe_flexors", "great_toe_extensor",
]


def test_the_muscle_catalogue_is_the_record_format_table() -> None:
    assert {m.code: set(m.groups) for m in MUSCLES} == RECORD_FORMAT_TABLE


@pytest.mark.parametrize("muscle", sorted(RECORD_FORMAT_TABLE))
def test_groups_of_muscle_follows_the_table(muscle: str) -> None:
    groups = groups_of_muscle(muscle)
    assert set(groups) == RECORD_FORMAT_TABLE[muscle]
    assert len(groups) == len(set(groups))


def test_rectus_femoris_shows_in_two_groups() -> None:
    # The one lower-limb muscle that crosses two joints in the table: its injection is judged at both.
    assert set(groups_of_muscle("rectus_femoris")) == {"hip_flexors", "knee_extensors"}
    assert set(groups_of_muscle("pectoralis_major")) == {"shoulder_adductors", "shoulder_internal_rotators"}


@pytest.mark.parametrize("code", ["x-tibialis_anterior", "x-deltoid", "x-"])
def test_a_clinics_own_muscle_is_kept_with_no_mapping(code: str) -> None:
    assert is_custom_code(code)
    assert groups_of_muscle(code) == ()


def test_custom_codes_are_only_those_starting_with_x_dash() -> None:
    assert not is_custom_code("soleus")
    assert not is_custom_code("xsoleus")
    assert not is_custom_code("X-soleus")
    assert not is_custom_code("tibialis_anterior")
    assert groups_of_muscle("tibialis_anterior") == ()  # unknown, not mapped either


def test_names_of_catalogue_and_custom_codes() -> None:
    assert group_name("knee_flexors") == "Knee flexors (hamstrings)"
    assert group_name("x-hip_external_rotators") == "Hip external rotators"
    assert muscle_name("gastrocnemius_medial") == "Gastrocnemius, medial head"
    assert muscle_name("x-tibialis_anterior") == "Tibialis anterior"
    # An unknown code without x- is shown as it came, never dropped.
    assert group_name("ankle_evertors") == "ankle_evertors"
    assert muscle_name("deltoid") == "deltoid"


def test_every_group_and_muscle_has_a_name() -> None:
    for group in MUSCLE_GROUPS:
        assert group_name(group.code) == group.name and group.name
    for muscle in MUSCLES:
        assert muscle_name(muscle.code) == muscle.name and muscle.name


def test_catalogue_order_is_head_to_toe() -> None:
    assert [g.code for g in MUSCLE_GROUPS] == CATALOGUE_ORDER
    regions = [g.region for g in MUSCLE_GROUPS]
    assert regions == sorted(regions, key=["upper", "lower"].index)


def test_group_sort_key_puts_the_catalogue_first_and_a_clinics_own_groups_after_alphabetically() -> None:
    codes = [*CATALOGUE_ORDER, "x-neck_rotators", "x-hip_external_rotators", "x-ankle_evertors"]
    shuffled = codes[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=group_sort_key) == [
        *CATALOGUE_ORDER, "x-ankle_evertors", "x-hip_external_rotators", "x-neck_rotators"]


def test_side_sort_key_puts_left_before_right() -> None:
    assert sorted(["right", "left"], key=side_sort_key) == ["left", "right"]
    assert side_sort_key("left") < side_sort_key("right")
    with pytest.raises(ValueError, match="not in tuple"):
        side_sort_key("both")
