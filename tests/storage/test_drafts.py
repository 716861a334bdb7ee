"""Autosaved drafts: exact round trip (even of an incomplete exam), atomic private files, damaged files skipped."""

from __future__ import annotations

import datetime as dt
import json
import logging
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.record.domain import Finding, GoalScore, Visit, VisitScores
from assess.storage.drafts import DraftStore, VisitDraft, visit_from_json, visit_to_json

SAVED_AT = dt.datetime(2025, 6, 9, 12, 30, 5, 123456, tzinfo=dt.UTC)
INCOMPLETE = Visit(
    dt.date(2025, 6, 9), "follow_up", "Dr K. Osei",
    weight_kg=23.15,
    findings=(
        Finding("hip_adductors", "left", mas="1+", tardieu_x=2, tardieu_r1=-15.5, tardieu_r2=10.0, prom=5.0),
        Finding("knee_extensors", "right", mrc="4-", reflex="3+", clonus_beats=4, clonus_sustained=False,
                asas=2, note="tested sitting"),
        Finding("x-jaw_closers", "left", mas="2"),
    ),
    # Severity typed before frequency: clinically incomplete, still a draft to keep.
    scores=VisitScores(penn_severity=2, pain_nrs=0, das_hygiene=1, scats_clonus=3),
    triggers=("constipation", "x-new_wheelchair"),
    symptoms=("spasms",),
    goal_scores=(GoalScore("walk", -2), GoalScore("shoes", 0)),
    notes="Zoë: «better» — 1 ½ hours of therapy\nsecond line",
)


def _draft(visit: Visit = INCOMPLETE, mrn: str = "LB-100234", base: int | None = 3) -> VisitDraft:
    return VisitDraft(mrn, visit, base, SAVED_AT)


def test_an_incomplete_visit_round_trips_exactly(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    store.save(_draft())
    [loaded] = store.load_all()
    assert loaded == _draft()
    # Exact to the type: an int stays an int, a float a float.
    assert [type(f.tardieu_r2) for f in loaded.visit.findings] == [float, type(None), type(None)]
    assert loaded.visit.findings[1].clonus_beats == 4 and type(loaded.visit.findings[1].clonus_beats) is int


def test_a_signed_visit_keeps_its_signature_time(tmp_path: Path) -> None:
    signed = Visit(dt.date(2025, 1, 2), "initial", "Dr A", status="signed",
                   signed_at=dt.datetime(2025, 1, 2, 10, 0, tzinfo=dt.UTC))
    store = DraftStore(tmp_path)
    store.save(_draft(signed, base=None))
    assert store.load_all() == [_draft(signed, base=None)]


def test_files_are_private_atomic_and_one_per_visit(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    store = DraftStore(folder)
    first = store.save(_draft())
    second = store.save(_draft(base=4))  # the same visit again: replaces its draft
    assert first == second
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == [first.name]  # no temporary file left behind
    assert [d.base_version for d in store.load_all()] == [4]
    other = Visit(dt.date(2025, 6, 9), "post_injection_review", "Dr K. Osei")
    store.save(_draft(other))
    assert len(store.load_all()) == 2


def test_any_mrn_makes_a_safe_file_name(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    odd = "../A/B 7:*?"
    path = store.save(_draft(mrn=odd))
    assert path.parent == tmp_path
    assert store.load(odd, INCOMPLETE.date, INCOMPLETE.type) == _draft(mrn=odd)


def test_discard_removes_only_that_visit(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(_draft())
    store.save(_draft(mrn="OTHER"))
    store.discard("LB-100234", INCOMPLETE.date, INCOMPLETE.type)
    store.discard("LB-100234", INCOMPLETE.date, INCOMPLETE.type)  # twice: nothing to do, no error
    assert [d.mrn for d in store.load_all()] == ["OTHER"]
    assert store.load("LB-100234", INCOMPLETE.date, INCOMPLETE.type) is None


def test_no_folder_yet_means_no_drafts(tmp_path: Path) -> None:
    assert DraftStore(tmp_path / "never-created").load_all() == []


@pytest.mark.parametrize("content", [
    b"{\"format\": \"assess-draft/1\", \"mrn\": \"X\", \"vis",  # cut off by a power failure
    b"\xff\xfe not text",
    b"[]",
    b"{\"format\": \"something-else/9\"}",
    b"{\"format\": \"assess-draft/1\", \"mrn\": \"X\", \"saved_at\": \"2025-06-09T10:00:00+00:00\", "
    b"\"visit\": {\"date\": \"2025-02-30\", \"type\": \"follow_up\"}}",
    b"{\"format\": \"assess-draft/1\", \"mrn\": \"X\", \"saved_at\": \"2025-06-09T10:00:00+00:00\", "
    b"\"visit\": {\"date\": \"2025-06-09\", \"type\": \"follow_up\", \"findings\": [{\"muscle_group\": 3}]}}",
    b"{\"format\": \"assess-draft/1\", \"mrn\": \"X\", \"saved_at\": \"2025-06-09T10:00:00+00:00\", "
    b"\"visit\": {\"date\": \"2025-06-09\", \"type\": \"follow_up\", \"scores\": {\"pain_nrs\": true}}}",
])
def test_a_damaged_draft_is_skipped_with_a_warning(tmp_path: Path, content: bytes,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    store = DraftStore(tmp_path)
    store.save(_draft())
    (tmp_path / "broken__2025-06-09__follow_up.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="assess.storage.drafts"):
        drafts = store.load_all()
    assert drafts == [_draft()]
    assert "broken__2025-06-09__follow_up.json" in caplog.text


def test_the_file_is_plain_readable_json(tmp_path: Path) -> None:
    path = DraftStore(tmp_path).save(_draft())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "assess-draft/1" and data["visit"]["scores"] == {
        "penn_severity": 2, "pain_nrs": 0, "scats_clonus": 3, "das_hygiene": 1}


_labels = st.sampled_from
_angle = st.one_of(st.none(), st.floats(-180, 180, allow_nan=False), st.integers(-180, 180))
_findings = st.builds(
    Finding,
    muscle_group=st.sampled_from(["hip_flexors", "knee_flexors", "x-own_group"]),
    side=st.sampled_from(["left", "right"]),
    mas=st.one_of(st.none(), _labels(["0", "1", "1+", "2", "3", "4"])),
    tardieu_x=st.one_of(st.none(), st.integers(0, 5)),
    tardieu_r1=_angle, tardieu_r2=_angle, prom=_angle,
    mrc=st.one_of(st.none(), _labels(["4-", "4", "4+"])),
    reflex=st.one_of(st.none(), _labels(["0", "1+", "3+"])),
    clonus_beats=st.one_of(st.none(), st.integers(0, 1000)),
    clonus_sustained=st.one_of(st.none(), st.booleans()),
    note=st.one_of(st.none(), st.text(max_size=20)),
)
_small = st.one_of(st.none(), st.integers(0, 4))
_visits = st.builds(
    Visit,
    date=st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    type=st.sampled_from(["initial", "follow_up", "other"]),
    clinician=st.text(max_size=10),
    weight_kg=st.one_of(st.none(), st.floats(0.1, 400, allow_nan=False)),
    findings=st.lists(_findings, max_size=4).map(tuple),
    scores=st.builds(VisitScores, penn_frequency=_small, penn_severity=_small, pain_nrs=_small,
                     das_pain=_small),
    triggers=st.lists(st.sampled_from(["uti", "fever", "x-own"]), unique=True).map(tuple),
    symptoms=st.lists(st.sampled_from(["spasms", "stiffness"]), unique=True).map(tuple),
    goal_scores=st.lists(st.builds(GoalScore, st.text(min_size=1, max_size=5), st.integers(-2, 2)),
                         max_size=3).map(tuple),
    notes=st.one_of(st.none(), st.text(max_size=40)),
)


@settings(max_examples=150, deadline=None)
@given(_visits)
def test_any_visit_round_trips_exactly_through_json(visit: Visit) -> None:
    back = visit_from_json(json.loads(json.dumps(visit_to_json(visit))))
    assert back == visit
    assert [tuple(type(getattr(f, n)) for n in Finding.SCALE_FIELDS) for f in back.findings] == [
        tuple(type(getattr(f, n)) for n in Finding.SCALE_FIELDS) for f in visit.findings]
