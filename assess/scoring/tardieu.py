"""The Tardieu angles' own rule: the catch (R1, fast stretch) happens within the full range (R2, slow stretch)."""

from __future__ import annotations


def r1_beyond_r2(r1: float | None, r2: float | None) -> str | None:
    """Why R1 and R2 cannot stand together (R1 beyond R2), or None. A larger angle is further into the range
    (record-format.md), so R1 150° with R2 90° would put the catch outside the range the joint moves through."""
    if r1 is None or r2 is None or r1 <= r2:
        return None
    return (f"Tardieu R1 {r1:g}° is beyond R2 {r2:g}°: the catch (R1) comes within the full range (R2), "
            "so R1 cannot be larger than R2")
