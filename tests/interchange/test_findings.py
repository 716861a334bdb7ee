"""The one-pass finding reader must agree with jsonschema on every finding, valid or not."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.interchange.findings import FindingInvalid, read_finding
from assess.interchange.schema import schema
from assess.record.domain import Finding

_FINDING_SCHEMA = {"$defs": schema()["$defs"], "$ref": "#/$defs/finding"}
_REFERENCE = jsonschema.Draft202012Validator(_FINDING_SCHEMA)

odd_values = st.one_of(st.none(), st.booleans(), st.integers(-2000, 2000), st.floats(allow_nan=False),
                       st.text(max_size=6), st.just([]), st.just({}), st.sampled_from([
                           "1+", "1++", "4-", "3+", "x-new_group", "x-Bad", "x-", "x-a\n", 2.0, 5.5, -180, 180.5]))
groups = st.sampled_from(["hip_flexors", "knee_flexors", "x-clinic_group", "elbow", "X-caps", "x-a\n"])
tardieu = st.one_of(odd_values, st.dictionaries(st.sampled_from(["x", "r1", "r2", "y"]), odd_values, max_size=3))
finding = st.fixed_dictionaries(
    {},
    optional={
        "muscle_group": st.one_of(groups, odd_values), "side": st.sampled_from(["left", "right", "both", None]),
        "mas": st.one_of(st.sampled_from(["0", "1", "1+", "2", "3", "4"]), odd_values),
        "tardieu": tardieu, "asas": odd_values, "prom": odd_values,
        "mrc": st.one_of(st.sampled_from(["4-", "4", "4+", "5"]), odd_values),
        "reflex": st.one_of(st.sampled_from(["0", "1+", "3+"]), odd_values), "clonus_beats": odd_values,
        "clonus_sustained": odd_values, "note": odd_values, "extra": odd_values,
    },
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(finding)
def test_read_finding_accepts_exactly_what_jsonschema_accepts(candidate: dict[str, Any]) -> None:
    reference_ok = _REFERENCE.is_valid(candidate)
    try:
        read_finding(candidate)
    except FindingInvalid:
        assert not reference_ok, f"refused a valid finding: {candidate!r}"
    else:
        # jsonschema's own regex '$' lets "x-a\n" through where the schema (ECMA 262) does not.
        lax = any(isinstance(v, str) and v.endswith("\n") for v in candidate.values())
        assert reference_ok or lax, f"accepted an invalid finding: {candidate!r}"


def test_a_full_finding_is_read_exactly() -> None:
    finding = read_finding({"muscle_group": "knee_flexors", "side": "right", "mas": "1+",
                            "tardieu": {"x": 2.0, "r1": -30, "r2": 10.5}, "asas": 2, "prom": 5, "mrc": "4-",
                            "reflex": "3+", "clonus_beats": 4, "clonus_sustained": False, "note": "tight"})
    assert finding == Finding("knee_flexors", "right", "1+", 2, -30.0, 10.5, 2, 5.0, "4-", "3+", 4, False, "tight")
    assert type(finding.tardieu_x) is int


@pytest.mark.parametrize("bad", [
    {"muscle_group": "knee_flexors", "side": "left"},  # no scale at all
    {"muscle_group": "knee_flexors", "side": "left", "mas": None},
    {"muscle_group": "knee_flexors", "side": "left", "tardieu": {}},
    {"muscle_group": "knee_flexors", "side": "left", "clonus_beats": True},
    {"muscle_group": "knee_flexors", "side": "left", "prom": 181},
    {"muscle_group": "x-Knee", "side": "left", "mas": "1"},
])
def test_refusals(bad: dict[str, Any]) -> None:
    with pytest.raises(FindingInvalid):
        read_finding(bad)
