"""The scale catalogue: every grade with its exact wording, its validation and its chart coding."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    """One grade of an ordinal scale: the label as recorded, its wording, its value on a chart."""

    label: str
    meaning: str
    value: float


@dataclass(frozen=True)
class OrdinalScale:
    """A scale whose values are a fixed list of grades, lowest first."""

    code: str
    name: str
    abbreviation: str
    grades: tuple[Grade, ...]
    source: str
    higher_is_worse: bool | None
    verified: bool = True

    def grade(self, label: str) -> Grade:
        for grade in self.grades:
            if grade.label == label:
                return grade
        raise ValueError(f"{label!r} is not a {self.abbreviation} grade; valid: {', '.join(self.labels)}")

    @functools.cached_property
    def labels(self) -> tuple[str, ...]:
        return tuple(g.label for g in self.grades)

    @functools.cached_property
    def _ranks(self) -> dict[str, int]:
        # Worked out once: ranks are compared for every finding of every patient in a clinic-wide check.
        return {label: i for i, label in enumerate(self.labels)}

    def is_valid(self, label: str) -> bool:
        return label in self.labels

    def value(self, label: str) -> float:
        """The number a chart plots for this grade (MAS 1+ is 1.5, MRC 4- is 3.67)."""
        return self.grade(label).value

    def rank(self, label: str) -> int:
        """The grade's position on the scale: the step count used to say 'up one grade'."""
        try:
            return self._ranks[label]
        except KeyError:
            raise ValueError(f"{label!r} is not a {self.abbreviation} grade; valid: {', '.join(self.labels)}") \
                from None

    def meaning(self, label: str) -> str:
        return self.grade(label).meaning


@dataclass(frozen=True)
class NumericScale:
    """A measured quantity with a unit and a valid range (angles, beats, weight)."""

    code: str
    name: str
    unit: str
    minimum: float
    maximum: float
    integer: bool
    help: str
    source: str

    def check(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{self.name} must be a number, not {value!r}")
        if self.integer and not float(value).is_integer():
            raise ValueError(f"{self.name} must be a whole number, not {value!r}")
        if not self.minimum <= value <= self.maximum:
            raise ValueError(
                f"{self.name} {value!r} is out of range {self.minimum:g} to {self.maximum:g} {self.unit}".rstrip()
            )


def _scale(code: str, name: str, abbr: str, grades: Sequence[tuple[str, str, float]], source: str,
           higher_is_worse: bool | None, verified: bool = True) -> OrdinalScale:
    return OrdinalScale(code, name, abbr, tuple(Grade(*g) for g in grades), source, higher_is_worse, verified)


MAS = _scale(
    "mas", "Modified Ashworth Scale", "MAS",
    [
        ("0", "No increase in muscle tone.", 0.0),
        ("1", "Slight increase in muscle tone, manifested by a catch and release or by minimal resistance "
              "at the end of the range of motion when the affected part is moved in flexion or extension.", 1.0),
        ("1+", "Slight increase in muscle tone, manifested by a catch, followed by minimal resistance "
               "throughout the remainder (less than half) of the range of motion.", 1.5),
        ("2", "More marked increase in muscle tone through most of the range of motion, but affected part "
              "easily moved.", 2.0),
        ("3", "Considerable increase in muscle tone, passive movement difficult.", 3.0),
        ("4", "Affected part rigid in flexion or extension.", 4.0),
    ],
    "Bohannon RW, Smith MB. Phys Ther 1987;67:206-7. 1+ charted as 1.5 as in the CPRN registry.",
    higher_is_worse=True,
)

TARDIEU_X = _scale(
    "tardieu_x", "Modified Tardieu Scale, quality of muscle reaction", "Tardieu X",
    [
        ("0", "No resistance throughout the passive movement.", 0),
        ("1", "Slight resistance, no clear catch at a precise angle.", 1),
        ("2", "Clear catch at a precise angle, interrupting the movement, followed by release.", 2),
        ("3", "Fatigable clonus (<10 s when pressure is maintained) at a precise angle.", 3),
        ("4", "Unfatigable clonus (>10 s) at a precise angle.", 4),
        ("5", "Joint immovable.", 5),
    ],
    "Boyd RN, Graham HK. Eur J Neurol 1999;6(Suppl 4):S23-35 (Modified Tardieu Scale).",
    higher_is_worse=True,
)

ASAS = _scale(
    "asas", "Australian Spasticity Assessment Scale", "ASAS",
    [
        ("0", "No catch on rapid passive movement.", 0),
        ("1", "Catch in the second half of the range, followed by release.", 1),
        ("2", "Catch in the first half of the range, followed by release.", 2),
        ("3", "Catch in the first half of the range, no release.", 3),
        ("4", "Joint appears fixed.", 4),
    ],
    "Love S, et al. Dev Med Child Neurol 2016;58(Suppl 2):18-24. Per-grade wording not verified "
    "against the paper.",
    higher_is_worse=True,
    verified=False,
)

MRC = _scale(
    "mrc", "Medical Research Council muscle strength scale", "MRC",
    [
        ("0", "No contraction.", 0.0),
        ("1", "Flicker or trace of contraction.", 1.0),
        ("2", "Active movement, with gravity eliminated.", 2.0),
        ("3", "Active movement against gravity.", 3.0),
        ("4-", "Active movement against gravity and slight resistance.", 3.67),
        ("4", "Active movement against gravity and resistance.", 4.0),
        ("4+", "Active movement against gravity and strong resistance.", 4.33),
        ("5", "Normal power.", 5.0),
    ],
    "Medical Research Council. Aids to the examination of the peripheral nervous system, 1976 "
    "(grades 4-, 4, 4+ for slight, moderate, strong resistance). Charted values per record-format.md.",
    higher_is_worse=False,
)

REFLEX = _scale(
    "reflex", "Tendon reflex grade", "Reflex",
    [
        ("0", "Absent.", 0),
        ("1+", "Slight (diminished).", 1),
        ("2+", "Brisk (normal).", 2),
        ("3+", "Very brisk.", 3),
        ("4+", "Repeating (clonus).", 4),
    ],
    "NINDS myotatic reflex scale, as summarised in CLINICAL.md.",
    higher_is_worse=None,
)

PENN_FREQUENCY = _scale(
    "penn_frequency", "Penn Spasm Frequency Scale", "Penn",
    [
        ("0", "No spasms.", 0),
        ("1", "Mild spasms induced by stimulation.", 1),
        ("2", "Infrequent full spasms occurring less than once an hour.", 2),
        ("3", "Spasms occurring more than once an hour.", 3),
        ("4", "Spasms occurring more than ten times an hour.", 4),
    ],
    "Penn RD, et al. N Engl J Med 1989;320:1517-21; NINDS Common Data Elements.",
    higher_is_worse=True,
)

PENN_SEVERITY = _scale(
    "penn_severity", "Penn spasm severity", "Penn severity",
    [("1", "Mild.", 1), ("2", "Moderate.", 2), ("3", "Severe.", 3)],
    "NINDS Common Data Elements (Penn Spasm Frequency Scale, severity part; only when frequency > 0).",
    higher_is_worse=True,
)

SCATS_CLONUS = _scale(
    "scats_clonus", "SCATS clonus", "SCATS clonus",
    [("0", "No reaction.", 0), ("1", "Mild: clonus lasting less than 3 seconds.", 1),
     ("2", "Moderate: clonus lasting 3 to 10 seconds.", 2), ("3", "Severe: clonus lasting more than 10 seconds.", 3)],
    "Benz EN, et al. Spinal Cord 2005;43:291-9 (Spinal Cord Assessment Tool for Spastic reflexes); NINDS CDE.",
    higher_is_worse=True,
)

SCATS_FLEXOR = _scale(
    "scats_flexor_spasm", "SCATS flexor spasm", "SCATS flexor",
    [("0", "No reaction.", 0),
     ("1", "Mild: less than 10 degrees of flexion at hip and knee, or extension of the great toe.", 1),
     ("2", "Moderate: 10 to 30 degrees of flexion at hip and knee.", 2),
     ("3", "Severe: more than 30 degrees of flexion at hip and knee.", 3)],
    "Benz EN, et al. Spinal Cord 2005;43:291-9; NINDS CDE.",
    higher_is_worse=True,
)

SCATS_EXTENSOR = _scale(
    "scats_extensor_spasm", "SCATS extensor spasm", "SCATS extensor",
    [("0", "No reaction.", 0), ("1", "Mild: extensor spasm lasting less than 3 seconds.", 1),
     ("2", "Moderate: extensor spasm lasting 3 to 10 seconds.", 2),
     ("3", "Severe: extensor spasm lasting more than 10 seconds.", 3)],
    "Benz EN, et al. Spinal Cord 2005;43:291-9; NINDS CDE.",
    higher_is_worse=True,
)

_DAS_GRADES = [("0", "No disability.", 0), ("1", "Mild disability.", 1),
               ("2", "Moderate disability.", 2), ("3", "Severe disability.", 3)]
DAS_SOURCE = "Brashear A, et al. Arch Phys Med Rehabil 2002;83:1349-54 (Disability Assessment Scale)."
DAS_DOMAINS: dict[str, OrdinalScale] = {
    domain: _scale(f"das_{domain}", f"Disability Assessment Scale, {title}", f"DAS {title}", _DAS_GRADES,
                   DAS_SOURCE, higher_is_worse=True)
    for domain, title in (("hygiene", "hygiene"), ("dressing", "dressing"),
                          ("limb_position", "limb position"), ("pain", "pain"))
}

PAIN_NRS = _scale(
    "pain_nrs", "Numeric pain rating scale", "Pain NRS",
    [("0", "No pain.", 0)]
    + [(str(n), f"Pain {n} of 10.", n) for n in range(1, 10)]
    + [("10", "Worst pain imaginable.", 10)],
    "Numeric rating scale 0-10, LOINC 72514-3.",
    higher_is_worse=True,
)

GMFCS = _scale(
    "gmfcs", "Gross Motor Function Classification System, Expanded and Revised", "GMFCS E&R",
    [("I", "Walks without limitations.", 1), ("II", "Walks with limitations.", 2),
     ("III", "Walks using a hand-held mobility device.", 3),
     ("IV", "Self-mobility with limitations; may use powered mobility.", 4),
     ("V", "Transported in a manual wheelchair.", 5)],
    "Palisano R, et al. GMFCS E&R, CanChild 2007.",
    higher_is_worse=True,
)

GAS = _scale(
    "gas", "Goal Attainment Scaling", "GAS",
    [("-2", "Much less than expected.", -2), ("-1", "Less than expected.", -1),
     ("0", "Expected level of achievement.", 0), ("1", "More than expected.", 1),
     ("2", "Much more than expected.", 2)],
    "Kiresuk TJ, Sherman RE 1968; Turner-Stokes L. Clin Rehabil 2009;23:362-70.",
    higher_is_worse=False,
)

ANGLE_HELP = ("Joint angle in degrees in the direction of the stretch tested (ankle: dorsiflexion positive, "
              "plantarflexion negative; knee: popliteal angle). Larger means a less tight muscle.")
ANGLE_SOURCE = "assess-record/1 angle convention (record-format.md)."

TARDIEU_R1 = NumericScale("tardieu_r1", "Tardieu R1", "°", -180, 180, False,
                          "R1: angle of catch at fast velocity (V3, as fast as possible). " + ANGLE_HELP,
                          ANGLE_SOURCE)
TARDIEU_R2 = NumericScale("tardieu_r2", "Tardieu R2", "°", -180, 180, False,
                          "R2: full passive range at slow velocity (V1, as slow as possible). " + ANGLE_HELP,
                          ANGLE_SOURCE)
PROM = NumericScale("prom", "Passive range of motion", "°", -180, 180, False,
                    "Passive range of motion end angle. " + ANGLE_HELP, ANGLE_SOURCE)
CLONUS_BEATS = NumericScale("clonus_beats", "Clonus beats", "beats", 0, 1000, True,
                            "Number of beats of clonus counted after a brisk stretch.", "assess-record/1")
WEIGHT = NumericScale("weight_kg", "Weight", "kg", 0.1, 400, False, "Body weight in kilograms.",
                      "assess-record/1")

# Every per-muscle ordinal scale, keyed by its field in a finding.
FINDING_SCALES: dict[str, OrdinalScale] = {"mas": MAS, "tardieu_x": TARDIEU_X, "asas": ASAS, "mrc": MRC,
                                           "reflex": REFLEX}
FINDING_MEASURES: dict[str, NumericScale] = {"tardieu_r1": TARDIEU_R1, "tardieu_r2": TARDIEU_R2, "prom": PROM,
                                             "clonus_beats": CLONUS_BEATS}


def dynamic_component(r1: float | None, r2: float | None) -> float | None:
    """R2 − R1, the Tardieu dynamic component; meaningful only when both angles were measured."""
    if r1 is None or r2 is None:
        return None
    return r2 - r1
