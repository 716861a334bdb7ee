"""Tables behind the demo patients: names, exam patterns, angles, toxin doses, oral drugs and goals."""

from __future__ import annotations

from typing import NamedTuple

GIVEN_FEMALE: tuple[str, ...] = (
    "Zoë", "Siobhán", "Amélie", "Ingrid", "Aisha", "Mei", "Priya", "Fatima", "Chloé", "Sofía", "Łucja", "Ayşe",
    "Nadia", "Yuki", "Amara", "Emma", "Hannah", "Maja", "Ana", "Grace", "Noémie", "Zsófia", "Marta", "Anouk",
    "Freya", "Chiara", "Dagný", "Thandiwe", "Mariam", "Seo-yeon", "Ngozi", "Éabha", "Renée", "Milena", "Tove",
    "Carmen", "Leilani", "Björg", "Inês", "Olivia",
)
GIVEN_MALE: tuple[str, ...] = (
    "José", "Øyvind", "Jürgen", "Søren", "Mateo", "Kwame", "Hiroshi", "Rahul", "Ahmed", "Liam", "Noah", "Oliver",
    "Lukas", "Tomás", "Bartłomiej", "Dmitri", "Ji-ho", "Chidi", "Raphaël", "Jonáš", "Émile", "Pedro", "Ömer",
    "Arjun", "Malik", "Ethan", "Mikael", "Finn", "Andrés", "Stefan", "Wei", "Kofi", "Ioannis", "Paulo", "Ciarán",
    "Rafał", "Yusuf", "Tane", "Benedikt", "Eero",
)
FAMILY: tuple[str, ...] = (
    "Müller", "Núñez", "O'Brien", "Kowalczyk", "Nakamura", "Okafor", "Haddad", "Papadopoulos", "García",
    "Fernández", "Søndergaard", "Ólafsson", "Dubois", "Nguyen", "Kim", "Singh", "Patel", "Smith", "Johansson",
    "Rossi", "Novák", "Łukasik", "Yılmaz", "Mbeki", "Silva", "Hernández", "Schröder", "van den Berg", "Lefèvre",
    "Wójcik", "Andersen", "Bianchi", "Tanaka", "Chen", "Wang", "Rahman", "Abdi", "Mensah", "Horváth", "Dvořák",
    "Gonçalves", "Sánchez", "Åberg", "Ng", "Te Whata", "Ó Súilleabháin", "Jovanović", "MacLeod", "Al-Sayed",
    "Brown",
)
PRACTICES: tuple[str, ...] = (
    "Elm Street Practice", "Riverside Health Centre", "Hafenstraße Medical Centre", "Santa Lucía Family Clinic",
    "Northgate Surgery", "Parkview Medical Group", "Fjordgata Legesenter", "Maple Family Practice",
    "Clinique du Lac", "Harbour View Surgery", "Ōtaki Health Centre", "Łąkowa Family Practice",
)
PHYSICIANS: tuple[str, ...] = ("Dr K. Osei", "Dr M. Lindqvist", "Dr A. Fernández", "Dr S. Iyer", "Dr L. Moreau",
                               "Dr H. Takahashi", "Dr B. Ní Bhriain")
SURGEONS: tuple[str, ...] = ("Dr P. Novák", "Dr R. Haddad", "Dr E. Kovačević")
NURSES: tuple[str, ...] = ("RN J. Park", "RN A. Sousa", "RN T. Okafor")


class Pattern(NamedTuple):
    """Where a diagnosis puts the spasticity: the groups examined on the affected side(s)."""

    note: str
    upper: tuple[str, ...]
    lower: tuple[str, ...]
    bilateral: bool
    weight: float


_ARM = ("elbow_flexors", "forearm_pronators", "wrist_flexors", "finger_flexors", "thumb_flexors_adductors")
_ARM_ADULT = ("shoulder_adductors", "shoulder_internal_rotators") + _ARM
_LEGS = ("hip_flexors", "hip_adductors", "knee_flexors", "knee_extensors", "plantarflexors_knee_extended",
         "plantarflexors_knee_flexed")
_FOOT = ("knee_extensors", "plantarflexors_knee_extended", "plantarflexors_knee_flexed", "ankle_invertors",
         "toe_flexors", "great_toe_extensor")
_TETRA_ARM = ("shoulder_adductors", "elbow_flexors", "wrist_flexors", "finger_flexors")

PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "cerebral_palsy": (
        Pattern("spastic diplegia", (), _LEGS + ("ankle_invertors",), True, 0.45),
        Pattern("spastic hemiplegia", _ARM, ("knee_flexors", "plantarflexors_knee_extended",
                                             "plantarflexors_knee_flexed", "ankle_invertors"), False, 0.30),
        Pattern("spastic quadriplegia", _TETRA_ARM, _LEGS, True, 0.25),
    ),
    "stroke": (
        Pattern("hemiplegia after ischaemic stroke", _ARM_ADULT, _FOOT, False, 0.7),
        Pattern("hemiplegia after intracerebral haemorrhage", _ARM_ADULT, _FOOT, False, 0.3),
    ),
    "brain_injury": (
        Pattern("traumatic brain injury, hemiparesis", _ARM_ADULT, _FOOT, False, 0.6),
        Pattern("hypoxic brain injury, tetraparesis", _TETRA_ARM, _LEGS, True, 0.4),
    ),
    "spinal_cord_injury": (
        Pattern("T6 AIS A paraplegia", (), _LEGS + ("ankle_invertors",), True, 0.45),
        Pattern("T11 AIS C paraplegia", (), _LEGS, True, 0.2),
        Pattern("C5 AIS B tetraplegia", ("elbow_flexors", "elbow_extensors", "wrist_flexors", "finger_flexors"),
                _LEGS, True, 0.35),
    ),
    "multiple_sclerosis": (
        Pattern("secondary progressive MS", (), _LEGS, True, 0.5),
        Pattern("primary progressive MS", ("elbow_flexors", "wrist_flexors"), _LEGS, True, 0.3),
        Pattern("relapsing-remitting MS", (), _LEGS[2:] + ("ankle_invertors",), True, 0.2),
    ),
    "other": (
        Pattern("hereditary spastic paraplegia", (), _LEGS, True, 0.6),
        Pattern("transverse myelitis", (), _LEGS, True, 0.4),
    ),
}
DIAGNOSIS_WEIGHTS: dict[str, float] = {"cerebral_palsy": 0.40, "stroke": 0.20, "brain_injury": 0.11,
                                       "spinal_cord_injury": 0.12, "multiple_sclerosis": 0.12, "other": 0.05}
# (youngest, oldest) age in years at the first visit.
AGE_AT_START: dict[str, tuple[float, float]] = {
    "cerebral_palsy": (1.5, 11.0), "stroke": (35.0, 82.0), "brain_injury": (17.0, 62.0),
    "spinal_cord_injury": (17.0, 68.0), "multiple_sclerosis": (24.0, 60.0), "other": (12.0, 65.0),
}


class GroupSpec(NamedTuple):
    """Exam habits per group. Angles follow record-format.md: larger = less tight."""

    r2: float  # a typical full slow range (R2) in a spastic patient, degrees
    per_grade: float  # how far the fast catch (R1) falls below R2 per MAS rank
    tardieu: float  # how often this clinic measures Tardieu on the group
    reflex: bool  # a tendon reflex belongs to this group
    clonus: bool


GROUPS: dict[str, GroupSpec] = {
    "shoulder_adductors": GroupSpec(95, 10, 0.1, False, False),
    "shoulder_internal_rotators": GroupSpec(45, 8, 0.05, False, False),
    "elbow_flexors": GroupSpec(-10, 12, 0.4, True, False),  # elbow extension: 0 straight, negative = contracture
    "elbow_extensors": GroupSpec(125, 10, 0.1, True, False),
    "forearm_pronators": GroupSpec(60, 10, 0.3, False, False),
    "wrist_flexors": GroupSpec(45, 12, 0.4, False, False),
    "finger_flexors": GroupSpec(25, 10, 0.2, False, False),
    "thumb_flexors_adductors": GroupSpec(40, 8, 0.05, False, False),
    "hip_flexors": GroupSpec(-5, 5, 0.1, False, False),  # Thomas test: extension past neutral is positive
    "hip_adductors": GroupSpec(35, 7, 0.5, False, False),
    "knee_flexors": GroupSpec(135, 9, 0.5, False, False),  # popliteal angle, 180 = knee straight
    "knee_extensors": GroupSpec(120, 12, 0.2, True, False),
    "plantarflexors_knee_extended": GroupSpec(10, 5, 0.7, True, True),
    "plantarflexors_knee_flexed": GroupSpec(18, 5, 0.5, False, True),
    "ankle_invertors": GroupSpec(10, 4, 0.1, False, False),
    "toe_flexors": GroupSpec(45, 8, 0.05, False, False),
    "great_toe_extensor": GroupSpec(40, 6, 0.05, False, False),
}

# Typical adult onabotulinumtoxinA units and injection sites per muscle (children: scaled by weight).
TOXIN_UNITS: dict[str, tuple[float, int]] = {
    "pectoralis_major": (75, 2), "latissimus_dorsi": (75, 2), "teres_major": (50, 1), "subscapularis": (50, 2),
    "biceps_brachii": (100, 3), "brachialis": (60, 2), "brachioradialis": (50, 1), "triceps_brachii": (75, 2),
    "pronator_teres": (40, 1), "pronator_quadratus": (20, 1), "flexor_carpi_radialis": (50, 2),
    "flexor_carpi_ulnaris": (40, 1), "flexor_digitorum_superficialis": (50, 2),
    "flexor_digitorum_profundus": (50, 2), "flexor_pollicis_longus": (20, 1), "adductor_pollicis": (15, 1),
    "iliopsoas": (100, 2), "rectus_femoris": (75, 2), "adductor_longus": (60, 2), "adductor_brevis": (50, 1),
    "adductor_magnus": (75, 2), "gracilis": (50, 2), "medial_hamstrings": (100, 3), "lateral_hamstrings": (75, 2),
    "quadriceps": (100, 3), "gastrocnemius_medial": (75, 2), "gastrocnemius_lateral": (50, 2), "soleus": (60, 2),
    "tibialis_posterior": (60, 2), "flexor_digitorum_longus": (50, 2), "flexor_hallucis_longus": (40, 1),
    "extensor_hallucis_longus": (30, 1),
}


class Product(NamedTuple):
    factor: float  # units per onabotulinumtoxinA unit: products are never interchangeable, doses differ
    step: float  # units are drawn up in these steps
    dilutions: tuple[float, ...]  # units per mL
    lot_prefix: str


PRODUCTS: dict[str, Product] = {
    "onabotulinumtoxinA": Product(1, 5, (25, 50, 100), "C"),
    "abobotulinumtoxinA": Product(3, 10, (100, 200, 250), "S"),
    "incobotulinumtoxinA": Product(1, 5, (50, 100), "X"),
    "rimabotulinumtoxinB": Product(40, 250, (5000,), "B"),
}


class Drug(NamedTuple):
    start: float  # mg/day
    step: float
    top: float  # the highest daily dose the demo titrates to, below CLINICAL.md's maximum


ADULT_DRUGS: dict[str, Drug] = {
    "baclofen": Drug(15, 15, 75), "tizanidine": Drug(4, 4, 24), "dantrolene": Drug(50, 50, 200),
    "diazepam": Drug(5, 5, 20), "clonazepam": Drug(0.5, 0.5, 2), "gabapentin": Drug(300, 300, 2400),
    "clonidine": Drug(0.1, 0.1, 0.3),
}
CHILD_DRUGS: dict[str, Drug] = {"baclofen": Drug(7.5, 5, 60), "diazepam": Drug(1, 1, 5)}
DRUG_CHOICE: dict[str, dict[str, float]] = {
    "cerebral_palsy": {"baclofen": 0.8, "diazepam": 0.2},
    "stroke": {"baclofen": 0.5, "tizanidine": 0.3, "dantrolene": 0.2},
    "brain_injury": {"baclofen": 0.5, "dantrolene": 0.25, "tizanidine": 0.25},
    "spinal_cord_injury": {"baclofen": 0.6, "tizanidine": 0.2, "gabapentin": 0.1, "clonidine": 0.05,
                           "diazepam": 0.05},
    "multiple_sclerosis": {"baclofen": 0.55, "tizanidine": 0.25, "gabapentin": 0.15, "clonazepam": 0.05},
    "other": {"baclofen": 0.7, "tizanidine": 0.3},
}

# 50th-centile weight (kg) by age (years), boys and girls averaged: the children grow between visits.
GROWTH: tuple[tuple[float, float], ...] = (
    (0, 3.4), (1, 9.5), (2, 12.2), (3, 14.3), (4, 16.3), (5, 18.4), (6, 20.7), (7, 23.0), (8, 25.8), (9, 28.6),
    (10, 32.0), (11, 36.0), (12, 40.5), (13, 45.5), (14, 50.8), (15, 55.0), (16, 58.5), (17, 61.0), (18, 63.0),
    (20, 66.0), (200, 66.0),
)

GOALS_LOWER: tuple[str, ...] = (
    "Walks 10 m with a walker", "Stands at the kitchen bench for 2 minutes", "Wears ankle-foot orthoses all day",
    "Sits in the wheelchair for 3 hours without pain", "Walks to school without falls", "Climbs stairs with one rail",
    "Easier perineal hygiene for carers", "Transfers bed to chair with one helper",
    "Sleeps through the night without spasms", "Heel strike on the affected side when walking",
)
GOALS_UPPER: tuple[str, ...] = (
    "Opens the hand to wash the palm", "Puts the arm through a sleeve without help",
    "Holds a cup with the affected hand", "Less elbow flexion when walking", "Cuts food with knife and fork",
    "Nail care of the affected hand possible",
)
SURGERIES: tuple[str, ...] = ("gastrocnemius recession", "adductor release", "hamstring lengthening",
                              "tendo-Achilles lengthening", "femoral derotation osteotomy")
COMMON_TRIGGERS: tuple[str, ...] = ("uti", "constipation", "pain", "infection", "fatigue", "stress", "cold",
                                    "tight_clothing_or_orthosis", "ingrown_toenail", "fever")
EXTRA_TRIGGERS: dict[str, tuple[str, ...]] = {
    "spinal_cord_injury": ("uti", "urinary_retention", "pressure_sore", "constipation", "fracture"),
    "multiple_sclerosis": ("ms_relapse", "uti", "fatigue", "urinary_retention"),
    "cerebral_palsy": ("tight_clothing_or_orthosis", "constipation", "pain"),
}
SYMPTOMS_BY_DIAGNOSIS: dict[str, tuple[str, ...]] = {
    "cerebral_palsy": ("leg_crossing", "stiffness", "joint_pain", "joint_deformity"),
    "stroke": ("stiffness", "joint_pain", "muscle_fatigue", "spasms"),
    "brain_injury": ("stiffness", "spasms", "joint_deformity", "frozen_joint"),
    "spinal_cord_injury": ("spasms", "stiffness", "leg_crossing"),
    "multiple_sclerosis": ("spasms", "stiffness", "muscle_fatigue"),
    "other": ("stiffness", "muscle_fatigue", "spasms"),
}
