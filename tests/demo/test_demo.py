"""The demo patients: deterministic, valid for import, and shaped like a spasticity clinic's records."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Iterable

import pytest

from assess.demo.patients import DEFAULT_TODAY, demo_patients
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import (
    DIAGNOSES,
    OralMedication,
    Orthosis,
    PatientRecord,
    PumpEvent,
    Sdr,
    Therapy,
    ToxinSession,
    Visit,
    age_in_years,
    treatment_date,
)
from assess.scoring.muscles import GROUPS_BY_CODE, groups_of_muscle
from assess.scoring.scales import MAS

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def patients() -> list[PatientRecord]:
    return list(demo_patients(300, seed=7, today=TODAY))


def _mean_mas(visits: Iterable[Visit], sites: set[tuple[str, str]] | None = None) -> list[float]:
    return [MAS.value(f.mas) for v in visits for f in v.findings
            if f.mas is not None and (sites is None or (f.muscle_group, f.side) in sites)]


def test_same_seed_gives_the_same_patients_and_another_seed_others() -> None:
    first = list(demo_patients(25, seed=3, today=TODAY))
    assert first == list(demo_patients(25, seed=3, today=TODAY))
    other = list(demo_patients(25, seed=4, today=TODAY))
    assert [p.mrn for p in other] == [p.mrn for p in first]
    assert sum(a != b for a, b in zip(first, other, strict=True)) >= 24
    # Patient n does not depend on how many are made: a larger run extends a smaller one.
    assert list(demo_patients(5, seed=3, today=TODAY)) == first[:5]


def test_without_today_the_output_is_stable() -> None:
    assert DEFAULT_TODAY.isoformat() == "2026-11-01"
    assert list(demo_patients(3)) == list(demo_patients(3, seed=1, today=DEFAULT_TODAY))
    assert list(demo_patients(0)) == []


def test_every_record_passes_the_import_validation_unchanged(patients: list[PatientRecord]) -> None:
    # read_document raises on any schema or rule violation; equality also shows the records are in canonical order.
    assert read_document(write_document(patients), today=TODAY) == patients


def test_mrns_are_unique_and_numbered(patients: list[PatientRecord]) -> None:
    assert [p.mrn for p in patients] == [f"DEMO-{n:06d}" for n in range(1, 301)]


def test_every_diagnosis_appears_among_200_patients(patients: list[PatientRecord]) -> None:
    assert {p.diagnosis for p in patients[:200]} == set(DIAGNOSES)


def test_visits_and_findings_look_like_years_of_clinic(patients: list[PatientRecord]) -> None:
    visits = [len(p.visits) for p in patients]
    assert 12 <= statistics.mean(visits) <= 20
    per_visit = [len(v.findings) for p in patients for v in p.visits if v.type not in ("itb_refill", "dosing")]
    assert min(per_visit) >= 6 and 8 <= statistics.mean(per_visit) <= 14 and max(per_visit) <= 20
    for p in patients:
        assert p.visits[0].type == "initial"
        years = (p.visits[-1].date - p.visits[0].date).days / 365.25
        assert 1.5 <= years <= 11, p.mrn
        for v in p.visits:
            assert len({(f.muscle_group, f.side) for f in v.findings}) == len(v.findings)
            assert v.findings and all(f.mas is not None for f in v.findings)
            for f in v.findings:
                if f.tardieu_r1 is not None:
                    assert f.tardieu_r2 is not None and f.tardieu_r1 <= f.tardieu_r2


def test_ankle_angles_follow_the_angle_convention(patients: list[PatientRecord]) -> None:
    r1 = [f.tardieu_r1 for p in patients for v in p.visits for f in v.findings
          if f.muscle_group == "plantarflexors_knee_extended" and f.tardieu_r1 is not None]
    r2 = [f.tardieu_r2 for p in patients for v in p.visits for f in v.findings
          if f.muscle_group == "plantarflexors_knee_extended" and f.tardieu_r2 is not None]
    assert len(r1) > 100
    assert -20 <= statistics.median(r1) <= 5 and 0 <= statistics.median(r2) <= 15


def test_ages_fit_the_diagnosis_and_children_grow(patients: list[PatientRecord]) -> None:
    grew = 0
    children = 0
    for p in patients:
        age = age_in_years(p.birth_date, p.visits[0].date)
        if p.diagnosis == "cerebral_palsy":
            assert age < 12 and p.gmfcs in ("I", "II", "III", "IV", "V")
            child_visits = [v for v in p.visits if age_in_years(p.birth_date, v.date) < 18]
            weights = [v.weight_kg for v in child_visits if v.weight_kg is not None]
            assert len(weights) == len(child_visits), p.mrn
            children += 1
            grew += weights[-1] > weights[0]
        else:
            assert p.gmfcs is None
            assert age >= (30 if p.diagnosis == "stroke" else 12)
    assert grew >= 0.9 * children


def test_nothing_happens_before_birth_or_after_today(patients: list[PatientRecord]) -> None:
    for p in patients:
        for v in p.visits:
            assert p.birth_date <= v.date <= TODAY
            if v.status == "signed":
                assert v.signed_at is not None and v.signed_at.tzinfo == dt.UTC and v.signed_at.date() == v.date
            else:
                assert v.signed_at is None
        for t in p.treatments:
            assert p.birth_date <= treatment_date(t) <= TODAY
            end = t.stop if isinstance(t, OralMedication) else t.end if isinstance(t, Therapy | Orthosis) else None
            assert end is None or treatment_date(t) <= end <= TODAY
    assert sum(p.visits[-1].status == "draft" for p in patients) > len(patients) / 2
    assert sum(v.status == "signed" for p in patients for v in p.visits) > 0.8 * sum(len(p.visits) for p in patients)


def test_penn_severity_only_when_there_are_spasms(patients: list[PatientRecord]) -> None:
    scores = [v.scores for p in patients for v in p.visits]
    assert all(s.penn_severity is None for s in scores if not s.penn_frequency)
    assert any(s.penn_severity for s in scores) and any(s.penn_frequency == 0 for s in scores)
    assert any(s.scats_clonus is not None for s in scores) and any(s.das_total is not None for s in scores)


def test_injected_groups_loosen_for_weeks_after_a_session(patients: list[PatientRecord]) -> None:
    before: list[float] = []
    after: list[float] = []
    r1_before: list[float] = []
    r1_after: list[float] = []
    for p in patients:
        for t in p.treatments:
            if not isinstance(t, ToxinSession):
                continue
            sites = {(g, i.side) for i in t.injections for g in groups_of_muscle(i.muscle)}
            pre = [v for v in p.visits if 0 <= (t.date - v.date).days <= 21][-1:]
            post = [v for v in p.visits if 28 <= (v.date - t.date).days <= 70]
            if pre and post:
                before += _mean_mas(pre, sites)
                after += _mean_mas(post, sites)
                r1_before += [f.tardieu_r1 for f in pre[0].findings if (f.muscle_group, f.side) in sites
                              and f.muscle_group.startswith("plantarflexors") and f.tardieu_r1 is not None]
                r1_after += [f.tardieu_r1 for v in post for f in v.findings if (f.muscle_group, f.side) in sites
                             and f.muscle_group.startswith("plantarflexors") and f.tardieu_r1 is not None]
    assert len(before) > 200 and len(after) > 200
    assert statistics.mean(after) < statistics.mean(before) - 0.4
    assert len(r1_after) > 10 and statistics.mean(r1_after) > statistics.mean(r1_before)


def test_toxin_sessions_stay_within_the_label_limits(patients: list[PatientRecord]) -> None:
    products = []
    for p in patients:
        sessions = [t for t in p.treatments if isinstance(t, ToxinSession)]
        for a, b in itertools.pairwise(sessions):
            assert (b.date - a.date).days >= 84, p.mrn
        for t in sessions:
            products.append(t.product)
            assert t.lot and t.dilution_units_per_ml and t.guidance
            total = t.total_units
            child = age_in_years(p.birth_date, t.date) < 18
            weight = next(v.weight_kg for v in p.visits if v.date == t.date) if child else None
            if t.product == "onabotulinumtoxinA":
                assert total <= (min(10 * weight, 340) if weight else 400), p.mrn
            elif t.product == "abobotulinumtoxinA":
                assert total <= (min(30 * weight, 1000) if weight else 1500), p.mrn
            else:
                assert not child
    ona_abo = sum(p in ("onabotulinumtoxinA", "abobotulinumtoxinA") for p in products)
    assert len(products) > 300 and ona_abo > 0.8 * len(products)


def test_pump_patients_have_screening_implant_dose_changes_and_refills(patients: list[PatientRecord]) -> None:
    pumped = [p for p in patients if any(isinstance(t, PumpEvent) for t in p.treatments)]
    assert len(pumped) >= 5
    for p in pumped:
        events = [t for t in p.treatments if isinstance(t, PumpEvent)]
        kinds = [e.event for e in events]
        assert kinds[0] == "screening" and "implant" in kinds, p.mrn
        fills = [e for e in events if e.event in ("implant", "refill")]
        for e in fills:
            assert e.reservoir_ml in (20, 40) and e.concentration_mcg_per_ml in (500, 1000, 2000)
            assert e.volume_ml and 0 < e.volume_ml <= e.reservoir_ml
        for a, b in itertools.pairwise(fills):
            assert 56 <= (b.date - a.date).days <= 186, p.mrn
        assert all(100 <= e.dose_mcg_per_day <= 800 for e in events if e.dose_mcg_per_day is not None)
        if len(fills) > 1:
            assert any(v.type == "itb_refill" for v in p.visits) or len(fills) < 3
    assert any("dose_change" in [t.event for t in p.treatments if isinstance(t, PumpEvent)] for p in pumped)
    assert sum(v.type == "itb_refill" for p in pumped for v in p.visits) > 10


def test_sdr_children_are_seen_after_surgery_with_lower_tone(patients: list[PatientRecord]) -> None:
    operated = [(p, t) for p in patients for t in p.treatments if isinstance(t, Sdr)]
    assert operated
    before: list[float] = []
    after: list[float] = []
    for p, sdr in operated:
        assert p.diagnosis == "cerebral_palsy" and p.gmfcs in ("II", "III")
        assert 4 <= age_in_years(p.birth_date, sdr.date) <= 10
        types = {v.type for v in p.visits if v.date > sdr.date}
        assert "post_op_3_months" in types or (TODAY - sdr.date).days < 120, p.mrn
        legs = {(f.muscle_group, f.side) for v in p.visits for f in v.findings
                if GROUPS_BY_CODE[f.muscle_group].region == "lower"}
        before += _mean_mas([v for v in p.visits if 0 < (sdr.date - v.date).days <= 365], legs)
        after += _mean_mas([v for v in p.visits if v.type.startswith("post_op")], legs)
    assert statistics.mean(after) < statistics.mean(before) - 0.5


def test_oral_drug_periods_chain_and_stay_below_the_maximum(patients: list[PatientRecord]) -> None:
    maximum = {"baclofen": 80, "tizanidine": 36, "dantrolene": 400, "diazepam": 60, "gabapentin": 3600}
    changes = 0
    for p in patients:
        drugs = [t for t in p.treatments if isinstance(t, OralMedication)]
        for t in drugs:
            assert t.dose_mg_per_day <= maximum.get(t.drug, 10), (p.mrn, t)
            if t.drug == "baclofen" and age_in_years(p.birth_date, t.start) < 18:
                assert t.dose_mg_per_day <= 60
            following = [u for u in drugs if u.drug == t.drug and u.start == t.stop]
            changes += bool(following)
            assert all(u.dose_mg_per_day != t.dose_mg_per_day for u in following)
    assert changes > 20


def test_goals_are_scored_after_they_are_set_and_improve(patients: list[PatientRecord]) -> None:
    early: list[int] = []
    late: list[int] = []
    for p in patients:
        goals = {g.id: g for g in p.goals}
        assert all(2 <= sum(g.set_on == day for g in p.goals) <= 4 for day in {g.set_on for g in p.goals})
        for g in p.goals:
            assert g.baseline in (-1, -2) and g.importance in (1, 2, 3) and g.difficulty in (1, 2, 3)
        for v in p.visits:
            for s in v.goal_scores:
                days = (v.date - goals[s.goal].set_on).days
                assert days >= 0
                (early if days == 0 else late if days >= 120 else []).append(s.score)
    assert len(late) > 100 and statistics.mean(late) > statistics.mean(early) + 1


def test_triggers_come_with_worse_tone(patients: list[PatientRecord]) -> None:
    worse = 0
    flares = 0
    for p in patients:
        for previous, v in itertools.pairwise(p.visits):
            if v.triggers and v.type == previous.type == "follow_up":
                flares += 1
                worse += statistics.mean(_mean_mas([v])) > statistics.mean(_mean_mas([previous]))
    assert flares > 50 and worse > 0.6 * flares


def test_names_are_varied_and_most_have_a_family_doctor(patients: list[PatientRecord]) -> None:
    assert len({p.family_name for p in patients}) > 30
    assert any(not (p.given_name + p.family_name).isascii() for p in patients)
    assert {p.sex for p in patients} >= {"female", "male"}
    with_doctor = [p.primary_care for p in patients if p.primary_care is not None]
    assert len(with_doctor) > 0.8 * len(patients)
    assert all(c.name and c.practice and c.phone and c.fax for c in with_doctor)
