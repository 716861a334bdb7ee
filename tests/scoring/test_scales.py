"""The scale catalogue: valid grades, exact wording, chart coding, ranks, numeric ranges, and the schema."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import assess.interchange
from assess.record import domain
from assess.scoring import scales
from assess.scoring.muscles import MUSCLE_GROUPS, MUSCLES
from assess.scoring.scales import NumericScale, OrdinalScale

SCHEMA: dict[str, Any] = json.loads(
    (Path(assess.interchange.__file__).parent / "assess-record-1.schema.json").read_text("utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]
FINDING: dict[str, Any] = DEFS["finding"]["properties"]
SCORES: dict[str, Any] = DEFS["scores"]["properties"]


# --- valid labels -------------------------------------------------------------------------------------

EXPECTED_LABELS: list[tuple[OrdinalScale, tuple[str, ...]]] = [
    (scales.MAS, ("0", "1", "1+", "2", "3", "4")),
    (scales.TARDIEU_X, ("0", "1", "2", "3", "4", "5")),
    (scales.ASAS, ("0", "1", "2", "3", "4")),
    (scales.MRC, ("0", "1", "2", "3", "4-", "4", "4+", "5")),
    (scales.REFLEX, ("0", "1+", "2+", "3+", "4+")),
    (scales.PENN_FREQUENCY, ("0", "1", "2", "3", "4")),
    (scales.PENN_SEVERITY, ("1", "2", "3")),
    (scales.SCATS_CLONUS, ("0", "1", "2", "3")),
    (scales.SCATS_FLEXOR, ("0", "1", "2", "3")),
    (scales.SCATS_EXTENSOR, ("0", "1", "2", "3")),
    (scales.PAIN_NRS, tuple(str(n) for n in range(11))),
    (scales.GMFCS, ("I", "II", "III", "IV", "V")),
    (scales.GAS, ("-2", "-1", "0", "1", "2")),
] + [(scale, ("0", "1", "2", "3")) for scale in scales.DAS_DOMAINS.values()]


@pytest.mark.parametrize(("scale", "labels"), EXPECTED_LABELS, ids=lambda v: getattr(v, "code", ""))
def test_every_scale_offers_exactly_its_grades_lowest_first(scale: OrdinalScale, labels: tuple[str, ...]) -> None:
    assert scale.labels == labels
    for label in labels:
        assert scale.is_valid(label)
        assert scale.grade(label).label == label
        assert scale.meaning(label).strip(), f"{scale.code} {label} has no wording"


def test_das_has_the_four_domains_of_clinical_md() -> None:
    assert set(scales.DAS_DOMAINS) == {"hygiene", "dressing", "limb_position", "pain"}


INVALID: list[tuple[OrdinalScale, str]] = [
    (scales.MAS, bad) for bad in ("1++", "5", "1.5", "", " 1", "1 ", "+1", "-1", "1-", "2+", "0+", "one")
] + [
    (scales.MRC, bad) for bad in ("4++", "6", "3+", "4 -", "-4", "5+", "4.5", "")
] + [
    (scales.REFLEX, bad) for bad in ("1", "2", "3", "5+", "++", "0+", "")
] + [
    (scales.TARDIEU_X, "6"), (scales.TARDIEU_X, "-1"), (scales.ASAS, "5"), (scales.PENN_FREQUENCY, "5"),
    (scales.PENN_SEVERITY, "0"), (scales.PENN_SEVERITY, "4"), (scales.PAIN_NRS, "11"), (scales.PAIN_NRS, "-1"),
    (scales.SCATS_CLONUS, "4"), (scales.GMFCS, "VI"), (scales.GMFCS, "i"), (scales.GMFCS, "1"),
    (scales.GAS, "3"), (scales.GAS, "-3"),
]


@pytest.mark.parametrize(("scale", "bad"), INVALID, ids=lambda v: getattr(v, "code", repr(v)))
def test_values_off_the_scale_are_refused(scale: OrdinalScale, bad: str) -> None:
    assert not scale.is_valid(bad)
    with pytest.raises(ValueError, match="grade; valid: "):
        scale.grade(bad)
    with pytest.raises(ValueError, match="grade; valid: "):
        scale.value(bad)
    with pytest.raises(ValueError, match="grade; valid: "):
        scale.meaning(bad)
    with pytest.raises(ValueError, match="grade; valid: "):
        scale.rank(bad)


def test_the_refusal_names_the_value_the_scale_and_the_valid_grades() -> None:
    with pytest.raises(ValueError, match=r"^'1") as error:
        scales.MAS.grade("1++")
    assert str(error.value) == "'1++' is not a MAS grade; valid: 0, 1, 1+, 2, 3, 4"
    with pytest.raises(ValueError, match=r"^'4") as error:
        scales.MRC.grade("4++")
    assert str(error.value) == "'4++' is not a MRC grade; valid: 0, 1, 2, 3, 4-, 4, 4+, 5"


def test_a_number_is_not_a_label() -> None:
    # Grades are stored as labels; an integer 1 is not the MAS grade '1'.
    assert not scales.MAS.is_valid(1)  # type: ignore[arg-type]
    assert not scales.MRC.is_valid(4)  # type: ignore[arg-type]


# --- exact wording (CLINICAL.md, "Scales (exact wording)") ---------------------------------------------

# Copied letter by letter from CLINICAL.md, Modified Ashworth Scale (Bohannon & Smith 1987).
CLINICAL_MAS = {
    "0": "No increase in muscle tone.",
    "1": "Slight increase in muscle tone, manifested by a catch and release or by minimal resistance at the end "
         "of the range of motion when the affected part is moved in flexion or extension.",
    "1+": "Slight increase in muscle tone, manifested by a catch, followed by minimal resistance throughout the "
          "remainder (less than half) of the range of motion.",
    "2": "More marked increase in muscle tone through most of the range of motion, but affected part easily moved.",
    "3": "Considerable increase in muscle tone, passive movement difficult.",
    "4": "Affected part rigid in flexion or extension.",
}

# Copied letter by letter from CLINICAL.md, Modified Tardieu Scale, quality of muscle reaction X. CLINICAL.md
# runs the grades together in one sentence ("0 no resistance ...; 1 slight resistance, ..."); the catalogue
# shows each grade as a sentence of its own, as the MAS grades are written: capital first letter, full stop.
CLINICAL_TARDIEU_X = {
    "0": "no resistance throughout the passive movement",
    "1": "slight resistance, no clear catch at a precise angle",
    "2": "clear catch at a precise angle, interrupting the movement, followed by release",
    "3": "fatigable clonus (<10 s when pressure is maintained) at a precise angle",
    "4": "unfatigable clonus (>10 s) at a precise angle",
    "5": "joint immovable",
}


@pytest.mark.parametrize("label", list(CLINICAL_MAS))
def test_mas_wording_is_clinical_md_letter_by_letter(label: str) -> None:
    assert scales.MAS.meaning(label) == CLINICAL_MAS[label]


@pytest.mark.parametrize("label", list(CLINICAL_TARDIEU_X))
def test_tardieu_x_wording_is_clinical_md_letter_by_letter(label: str) -> None:
    text = CLINICAL_TARDIEU_X[label]
    assert scales.TARDIEU_X.meaning(label) == text[0].upper() + text[1:] + "."


def test_only_the_asas_wording_is_marked_unverified() -> None:
    # CLINICAL.md: ASAS per-grade wording unverified; the others were seen in the named source.
    catalogue = [scale for scale, _ in EXPECTED_LABELS]
    assert [s.code for s in catalogue if not s.verified] == ["asas"]
    assert all(s.source for s in catalogue)


# --- chart coding and ranks ---------------------------------------------------------------------------

@pytest.mark.parametrize(("scale", "coding"), [
    # record-format.md, "charted as": MAS 1+ is 1.5 (the CPRN registry's coding).
    (scales.MAS, {"0": 0, "1": 1, "1+": 1.5, "2": 2, "3": 3, "4": 4}),
    # MRC: 0,1,2,3,3.67,4,4.33,5.
    (scales.MRC, {"0": 0, "1": 1, "2": 2, "3": 3, "4-": 3.67, "4": 4, "4+": 4.33, "5": 5}),
    # Reflex: label 0 1+ 2+ 3+ 4+ charted 0-4.
    (scales.REFLEX, {"0": 0, "1+": 1, "2+": 2, "3+": 3, "4+": 4}),
    (scales.TARDIEU_X, {str(n): n for n in range(6)}),
    (scales.ASAS, {str(n): n for n in range(5)}),
    (scales.GAS, {str(n): n for n in range(-2, 3)}),
    (scales.GMFCS, {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}),
], ids=lambda v: getattr(v, "code", ""))
def test_chart_coding_is_record_format_md(scale: OrdinalScale, coding: dict[str, float]) -> None:
    assert {label: scale.value(label) for label in scale.labels} == coding


@pytest.mark.parametrize("scale", [s for s, _ in EXPECTED_LABELS], ids=lambda s: s.code)
def test_a_higher_grade_is_charted_higher(scale: OrdinalScale) -> None:
    values = [scale.value(label) for label in scale.labels]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_ranks_count_steps_on_the_list() -> None:
    assert [scales.MAS.rank(x) for x in ("0", "1", "1+", "2", "3", "4")] == [0, 1, 2, 3, 4, 5]
    # 1 -> 1+ is one grade up, as 1+ -> 2 is (the worsening rule counts these steps).
    assert scales.MAS.rank("1+") - scales.MAS.rank("1") == 1
    assert scales.MAS.rank("2") - scales.MAS.rank("1+") == 1
    assert [scales.MRC.rank(x) for x in ("3", "4-", "4", "4+", "5")] == [3, 4, 5, 6, 7]
    assert scales.REFLEX.rank("3+") == 3


def test_directions_of_the_scales() -> None:
    # MAS, Tardieu X, ASAS, Penn: a higher grade is worse; MRC and GAS: higher is better; a reflex grade
    # has no better or worse.
    assert scales.MAS.higher_is_worse is True
    assert scales.TARDIEU_X.higher_is_worse is True
    assert scales.ASAS.higher_is_worse is True
    assert scales.PENN_FREQUENCY.higher_is_worse is True
    assert scales.MRC.higher_is_worse is False
    assert scales.GAS.higher_is_worse is False
    assert scales.REFLEX.higher_is_worse is None


def test_dynamic_component_is_r2_minus_r1_only_when_both_were_measured() -> None:
    assert scales.dynamic_component(-15, 5) == 20
    assert scales.dynamic_component(0, 10.5) == 10.5
    assert scales.dynamic_component(None, 5) is None
    assert scales.dynamic_component(-15, None) is None


# --- numeric scales -----------------------------------------------------------------------------------

ANGLES = [scales.TARDIEU_R1, scales.TARDIEU_R2, scales.PROM]


@pytest.mark.parametrize("scale", ANGLES, ids=lambda s: s.code)
@pytest.mark.parametrize("value", [-180, 180, -180.0, 180.0, 0, -15, 10.5])
def test_angles_accept_minus_180_to_180_inclusive(scale: NumericScale, value: float) -> None:
    scale.check(value)


@pytest.mark.parametrize("scale", ANGLES, ids=lambda s: s.code)
@pytest.mark.parametrize("value", [180.001, -180.001, 181, -181, 360, math.nan, math.inf])
def test_angles_refuse_just_over_the_limits(scale: NumericScale, value: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        scale.check(value)


@pytest.mark.parametrize("value", [0, 1000, 7, 7.0])
def test_clonus_beats_accept_whole_numbers_0_to_1000(value: float) -> None:
    scales.CLONUS_BEATS.check(value)


@pytest.mark.parametrize(("value", "message"), [
    (-1, "Clonus beats -1 is out of range 0 to 1000 beats"),
    (1001, "Clonus beats 1001 is out of range 0 to 1000 beats"),
    (2.5, "Clonus beats must be a whole number, not 2.5"),
])
def test_clonus_beats_refuse_out_of_range_and_fractions(value: float, message: str) -> None:
    with pytest.raises(ValueError, match=r"^Clonus beats ") as error:
        scales.CLONUS_BEATS.check(value)
    assert str(error.value) == message


def test_an_angle_refusal_says_the_range_and_unit() -> None:
    with pytest.raises(ValueError, match=r"^Tardieu R1 ") as error:
        scales.TARDIEU_R1.check(180.5)
    assert str(error.value) == "Tardieu R1 180.5 is out of range -180 to 180 °"


@pytest.mark.parametrize("value", [0.1, 22.6, 400, 400.0])
def test_weight_accepts_its_range_inclusive(value: float) -> None:
    scales.WEIGHT.check(value)


@pytest.mark.parametrize("value", [0.0999, 0, -1, 400.0001, 401])
def test_weight_refuses_just_over_its_range(value: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        scales.WEIGHT.check(value)


@pytest.mark.parametrize("scale", [*ANGLES, scales.CLONUS_BEATS, scales.WEIGHT], ids=lambda s: s.code)
@pytest.mark.parametrize("value", [True, False, "10", None, [10]])
def test_numeric_scales_refuse_booleans_and_non_numbers(scale: NumericScale, value: Any) -> None:
    # True would otherwise pass as 1 (Python counts bool as int).
    with pytest.raises(ValueError, match="must be a number"):
        scale.check(value)


# --- the catalogue covers exactly the schema's vocabularies --------------------------------------------

def _enum(node: dict[str, Any]) -> list[Any]:
    """The enum of a property, or of the catalogue branch of an `anyOf` that also admits x- codes."""
    if "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        (branch,) = [b for b in node["anyOf"] if "enum" in b]
        return list(branch["enum"])
    return list(node["enum"])


def _integer_labels(node: dict[str, Any]) -> tuple[str, ...]:
    assert node["type"] == "integer"
    return tuple(str(n) for n in range(node["minimum"], node["maximum"] + 1))


def test_muscle_groups_are_exactly_the_schemas() -> None:
    codes = [g.code for g in MUSCLE_GROUPS]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(_enum(DEFS["muscle_group"]))


def test_muscles_are_exactly_the_schemas() -> None:
    codes = [m.code for m in MUSCLES]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(_enum(DEFS["muscle"]))


def test_every_mapped_group_is_a_schema_muscle_group() -> None:
    groups = set(_enum(DEFS["muscle_group"]))
    assert {g for m in MUSCLES for g in m.groups} <= groups


@pytest.mark.parametrize(("scale", "field"), [
    (scales.MAS, "mas"), (scales.MRC, "mrc"), (scales.REFLEX, "reflex"),
], ids=["mas", "mrc", "reflex"])
def test_label_scales_are_exactly_the_schema_enums_in_order(scale: OrdinalScale, field: str) -> None:
    assert list(scale.labels) == _enum(FINDING[field])


def test_integer_scales_match_the_schema_ranges() -> None:
    assert scales.TARDIEU_X.labels == _integer_labels(FINDING["tardieu"]["properties"]["x"])
    assert scales.ASAS.labels == _integer_labels(FINDING["asas"])
    assert scales.PENN_FREQUENCY.labels == _integer_labels(SCORES["penn_frequency"])
    assert scales.PENN_SEVERITY.labels == _integer_labels(SCORES["penn_severity"])
    assert scales.PAIN_NRS.labels == _integer_labels(SCORES["pain_nrs"])
    scats = SCORES["scats"]["properties"]
    assert scales.SCATS_CLONUS.labels == _integer_labels(scats["clonus"])
    assert scales.SCATS_FLEXOR.labels == _integer_labels(scats["flexor_spasm"])
    assert scales.SCATS_EXTENSOR.labels == _integer_labels(scats["extensor_spasm"])
    das = SCORES["das"]["properties"]
    assert set(das) == set(scales.DAS_DOMAINS)
    for domain_code, scale in scales.DAS_DOMAINS.items():
        assert scale.labels == _integer_labels(das[domain_code])


def test_gmfcs_and_gas_match_the_schema() -> None:
    assert list(scales.GMFCS.labels) == _enum(DEFS["patient"]["properties"]["gmfcs"])
    score = DEFS["visit"]["properties"]["goal_scores"]["items"]["properties"]["score"]
    assert [int(label) for label in scales.GAS.labels] == _enum(score)


def test_numeric_ranges_match_the_schema() -> None:
    angle = DEFS["angle"]
    for scale in ANGLES:
        assert (scale.minimum, scale.maximum, scale.integer) == (angle["minimum"], angle["maximum"], False)
    beats = FINDING["clonus_beats"]
    assert (scales.CLONUS_BEATS.minimum, scales.CLONUS_BEATS.maximum) == (beats["minimum"], beats["maximum"])
    assert scales.CLONUS_BEATS.integer and beats["type"] == "integer"
    assert scales.WEIGHT.maximum == DEFS["visit"]["properties"]["weight_kg"]["maximum"]


def test_finding_scales_are_the_schemas_finding_fields() -> None:
    schema_fields = set(FINDING) - {"muscle_group", "side", "tardieu", "clonus_sustained", "note"}
    schema_fields |= {f"tardieu_{k}" for k in FINDING["tardieu"]["properties"]}
    assert set(scales.FINDING_SCALES) | set(scales.FINDING_MEASURES) == schema_fields


@pytest.mark.parametrize(("vocabulary", "node"), [
    (domain.VISIT_TYPES, DEFS["visit"]["properties"]["type"]),
    (domain.SEXES, DEFS["patient"]["properties"]["sex"]),
    (domain.DIAGNOSES, DEFS["patient"]["properties"]["diagnosis"]),
    (domain.TRIGGERS, DEFS["visit"]["properties"]["triggers"]["items"]),
    (domain.SYMPTOMS, DEFS["visit"]["properties"]["symptoms"]["items"]),
    (domain.TREATMENT_KINDS, DEFS["treatment"]["properties"]["kind"]),
    (domain.TOXIN_PRODUCTS, DEFS["botulinum_toxin"]["properties"]["product"]),
    (domain.DRUGS, DEFS["oral_medication"]["properties"]["drug"]),
    (domain.PUMP_EVENTS, DEFS["itb_pump"]["properties"]["event"]),
    (domain.THERAPIES, DEFS["therapy"]["properties"]["therapy"]),
    (domain.ORTHOSES, DEFS["orthosis"]["properties"]["orthosis"]),
    (domain.GUIDANCE, DEFS["botulinum_toxin"]["properties"]["guidance"]),
], ids=lambda v: v[0] if isinstance(v, tuple) else "")
def test_record_vocabularies_are_the_schema_enums(vocabulary: tuple[str, ...], node: dict[str, Any]) -> None:
    assert list(vocabulary) == _enum(node)
