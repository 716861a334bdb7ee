"""The popliteal angle's two conventions, so better and worse are never reversed (issue 13).

assess-record/1 holds every angle as the joint's anatomical angle, a larger one meaning a less tight muscle
(record-format.md). Some clinics measure the popliteal angle as the degrees short of full knee extension,
where a larger angle is tighter. A finding keeps the format's value and says, in `angle_convention`, how it
was measured; these functions convert between the two. Full extension is 180° in the format's convention and
0° short of it: the two add up to 180°.
"""

from __future__ import annotations

import dataclasses

from assess.record.domain import ANGLE_CONVENTIONS, Finding

POPLITEAL_GROUPS = ("knee_flexors",)  # the popliteal angle tests the hamstrings
ANGLE_FIELDS = ("prom", "tardieu_r1", "tardieu_r2")
FULL_EXTENSION = 180.0
CONVENTION_WORDS: dict[str | None, str] = {
    None: "popliteal angle (larger = less tight)",
    "extension_deficit": "degrees short of full extension (larger = tighter)",
}


def _flip(value: float | None) -> float | None:
    # Rounded well below a goniometer's degree, so a value typed with decimals comes back exactly as typed.
    return None if value is None else round(FULL_EXTENSION - value, 6)


def holds_popliteal(group: str, field: str) -> bool:
    """Whether this muscle group's field is the popliteal angle, the one angle with two conventions."""
    return group in POPLITEAL_GROUPS and field in ANGLE_FIELDS


def has_popliteal_angle(finding: Finding) -> bool:
    return finding.muscle_group in POPLITEAL_GROUPS and any(getattr(finding, f) is not None for f in ANGLE_FIELDS)


def in_convention(value: float | None, convention: str | None) -> float | None:
    """A popliteal angle from the format's convention to `convention`, or back: the conversion is its own
    inverse, the two conventions adding up to 180°."""
    return _flip(value) if convention == "extension_deficit" else value


def from_measured(finding: Finding, convention: str | None) -> Finding:
    """A knee-flexor finding typed in `convention` (None: the format's) as the format holds it, with the
    convention recorded. Other groups are returned unchanged: only the popliteal angle has two conventions."""
    if convention not in (None, *ANGLE_CONVENTIONS):
        raise ValueError(f"{convention!r} is not an angle convention")
    if finding.muscle_group not in POPLITEAL_GROUPS or convention is None:
        return dataclasses.replace(finding, angle_convention=None) if finding.angle_convention else finding
    return dataclasses.replace(finding, angle_convention=convention, prom=_flip(finding.prom),
                               tardieu_r1=_flip(finding.tardieu_r1), tardieu_r2=_flip(finding.tardieu_r2))


def as_measured(finding: Finding) -> dict[str, float | None]:
    """The finding's angles as the clinician measured them (for showing them back in the exam)."""
    values = {f: getattr(finding, f) for f in ANGLE_FIELDS}
    if finding.angle_convention == "extension_deficit" and finding.muscle_group in POPLITEAL_GROUPS:
        return {f: _flip(v) for f, v in values.items()}
    return values
