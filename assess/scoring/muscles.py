"""The muscle-group catalogue (exam rows) and the muscle catalogue (injection targets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Region = Literal["upper", "lower"]
SIDES: tuple[str, str] = ("left", "right")


@dataclass(frozen=True)
class MuscleGroup:
    """An exam row: the joint movement that the spastic muscles resist."""

    code: str
    name: str
    region: Region


@dataclass(frozen=True)
class Muscle:
    """An injection target, with the muscle group(s) whose findings show its effect."""

    code: str
    name: str
    groups: tuple[str, ...]


# Catalogue order is the exam order (head to toe) and the export order of findings.
MUSCLE_GROUPS: tuple[MuscleGroup, ...] = (
    MuscleGroup("shoulder_adductors", "Shoulder adductors", "upper"),
    MuscleGroup("shoulder_internal_rotators", "Shoulder internal rotators", "upper"),
    MuscleGroup("elbow_flexors", "Elbow flexors", "upper"),
    MuscleGroup("elbow_extensors", "Elbow extensors", "upper"),
    MuscleGroup("forearm_pronators", "Forearm pronators", "upper"),
    MuscleGroup("wrist_flexors", "Wrist flexors", "upper"),
    MuscleGroup("finger_flexors", "Finger flexors", "upper"),
    MuscleGroup("thumb_flexors_adductors", "Thumb flexors and adductors", "upper"),
    MuscleGroup("hip_flexors", "Hip flexors", "lower"),
    MuscleGroup("hip_adductors", "Hip adductors", "lower"),
    MuscleGroup("knee_flexors", "Knee flexors (hamstrings)", "lower"),
    MuscleGroup("knee_extensors", "Knee extensors", "lower"),
    MuscleGroup("plantarflexors_knee_extended", "Ankle plantarflexors (knee extended)", "lower"),
    MuscleGroup("plantarflexors_knee_flexed", "Ankle plantarflexors (knee flexed)", "lower"),
    MuscleGroup("ankle_invertors", "Ankle invertors", "lower"),
    MuscleGroup("toe_flexors", "Toe flexors", "lower"),
    MuscleGroup("great_toe_extensor", "Great toe extensor", "lower"),
)

# The injected-muscle -> muscle-group mapping of record-format.md ("Muscles and muscle groups").
MUSCLES: tuple[Muscle, ...] = (
    Muscle("pectoralis_major", "Pectoralis major", ("shoulder_adductors", "shoulder_internal_rotators")),
    Muscle("latissimus_dorsi", "Latissimus dorsi", ("shoulder_adductors",)),
    Muscle("teres_major", "Teres major", ("shoulder_adductors",)),
    Muscle("subscapularis", "Subscapularis", ("shoulder_internal_rotators",)),
    Muscle("biceps_brachii", "Biceps brachii", ("elbow_flexors",)),
    Muscle("brachialis", "Brachialis", ("elbow_flexors",)),
    Muscle("brachioradialis", "Brachioradialis", ("elbow_flexors",)),
    Muscle("triceps_brachii", "Triceps brachii", ("elbow_extensors",)),
    Muscle("pronator_teres", "Pronator teres", ("forearm_pronators",)),
    Muscle("pronator_quadratus", "Pronator quadratus", ("forearm_pronators",)),
    Muscle("flexor_carpi_radialis", "Flexor carpi radialis", ("wrist_flexors",)),
    Muscle("flexor_carpi_ulnaris", "Flexor carpi ulnaris", ("wrist_flexors",)),
    Muscle("flexor_digitorum_superficialis", "Flexor digitorum superficialis", ("finger_flexors",)),
    Muscle("flexor_digitorum_profundus", "Flexor digitorum profundus", ("finger_flexors",)),
    Muscle("flexor_pollicis_longus", "Flexor pollicis longus", ("thumb_flexors_adductors",)),
    Muscle("adductor_pollicis", "Adductor pollicis", ("thumb_flexors_adductors",)),
    Muscle("iliopsoas", "Iliopsoas", ("hip_flexors",)),
    Muscle("rectus_femoris", "Rectus femoris", ("hip_flexors", "knee_extensors")),
    Muscle("adductor_longus", "Adductor longus", ("hip_adductors",)),
    Muscle("adductor_brevis", "Adductor brevis", ("hip_adductors",)),
    Muscle("adductor_magnus", "Adductor magnus", ("hip_adductors",)),
    Muscle("gracilis", "Gracilis", ("hip_adductors",)),
    Muscle("medial_hamstrings", "Medial hamstrings", ("knee_flexors",)),
    Muscle("lateral_hamstrings", "Lateral hamstrings", ("knee_flexors",)),
    Muscle("quadriceps", "Quadriceps", ("knee_extensors",)),
    Muscle("gastrocnemius_medial", "Gastrocnemius, medial head", ("plantarflexors_knee_extended",)),
    Muscle("gastrocnemius_lateral", "Gastrocnemius, lateral head", ("plantarflexors_knee_extended",)),
    Muscle("soleus", "Soleus", ("plantarflexors_knee_flexed",)),
    Muscle("tibialis_posterior", "Tibialis posterior", ("ankle_invertors",)),
    Muscle("flexor_digitorum_longus", "Flexor digitorum longus", ("toe_flexors",)),
    Muscle("flexor_hallucis_longus", "Flexor hallucis longus", ("toe_flexors",)),
    Muscle("extensor_hallucis_longus", "Extensor hallucis longus", ("great_toe_extensor",)),
)

GROUPS_BY_CODE: dict[str, MuscleGroup] = {g.code: g for g in MUSCLE_GROUPS}
MUSCLES_BY_CODE: dict[str, Muscle] = {m.code: m for m in MUSCLES}
_GROUP_ORDER: dict[str, int] = {g.code: i for i, g in enumerate(MUSCLE_GROUPS)}


def is_custom_code(code: str) -> bool:
    """A clinic's own code (record-format.md): kept as it came, never mapped."""
    return code.startswith("x-")


def group_name(code: str) -> str:
    """A readable name for a muscle group, including a clinic's own x- code."""
    group = GROUPS_BY_CODE.get(code)
    if group is not None:
        return group.name
    return code[2:].replace("_", " ").capitalize() if is_custom_code(code) else code


def muscle_name(code: str) -> str:
    muscle = MUSCLES_BY_CODE.get(code)
    if muscle is not None:
        return muscle.name
    return code[2:].replace("_", " ").capitalize() if is_custom_code(code) else code


def groups_of_muscle(code: str) -> tuple[str, ...]:
    """The muscle groups whose findings show the effect of injecting this muscle (none for x- codes)."""
    muscle = MUSCLES_BY_CODE.get(code)
    return muscle.groups if muscle is not None else ()


def group_sort_key(code: str) -> tuple[int, str]:
    """Catalogue order; a clinic's own groups after the catalogue, alphabetically."""
    return (_GROUP_ORDER.get(code, len(_GROUP_ORDER)), code)


def side_sort_key(side: str) -> int:
    return SIDES.index(side)
