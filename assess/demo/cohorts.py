"""Labelled cohorts for measuring the worsening flag: stable, truly worse with a trigger, toxin wearing off.

The noise models the scales, not the rule: at every exam each Modified Ashworth value moves one step up with
probability 0.15 and one step down with probability 0.15 (clamped to 0 and 4), independently per group, side
and visit; the Penn spasm frequency likewise. A patient's true tone is constant (stable), rises for real at the
latest visit (worse), or is lowered by a toxin session and back at its baseline 12-16 weeks later (wear-off).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from assess.demo import data
from assess.record.domain import Finding, Injection, PatientRecord, ToxinSession, Visit, VisitScores
from assess.scoring.muscles import group_sort_key, groups_of_muscle, side_sort_key
from assess.scoring.scales import MAS

STEP_PROBABILITY = 0.15  # each way, per value and exam
COHORTS = ("stable", "worse", "wear_off")
TRIGGERS = ("urinary_tract_infection", "constipation", "skin_breakdown", "pain", "infection", "ingrown_toenail")
_TOP = len(MAS.labels) - 1

# muscle group -> a muscle injected for it (the first of data.TOXIN_UNITS that maps to the group)
_MUSCLE_FOR = {group: muscle for muscle in reversed(list(data.TOXIN_UNITS)) for group in groups_of_muscle(muscle)}


@dataclass(frozen=True)
class Labelled:
    cohort: str  # one of COHORTS
    how: str  # worse: "several groups", "one group", "penn"; wear-off: the weeks since the session
    record: PatientRecord


def _noisy(rng: random.Random, value: int, top: int) -> int:
    roll = rng.random()
    moved = value + 1 if roll < STEP_PROBABILITY else value - 1 if roll < 2 * STEP_PROBABILITY else value
    return max(0, min(top, moved))


def labelled_patients(per_cohort: int, seed: int = 1, today: dt.date = dt.date(2026, 11, 1)) -> Iterator[Labelled]:
    """`per_cohort` patients of each cohort, deterministic for a seed; the judged visit is the latest."""
    for cohort in COHORTS:
        for number in range(1, per_cohort + 1):
            rng = random.Random(f"assess-cohort/{seed}/{cohort}/{number}")
            yield _patient(rng, cohort, f"{cohort.upper().replace('_', '')}-{number:04d}", today)


def _patient(rng: random.Random, cohort: str, mrn: str, today: dt.date) -> Labelled:
    diagnosis = rng.choice(list(data.PATTERNS))
    pattern = rng.choice(data.PATTERNS[diagnosis])
    sides = ("left", "right") if pattern.bilateral else (rng.choice(("left", "right")),)
    groups = [g for g in pattern.upper + pattern.lower if g in _MUSCLE_FOR]
    pairs = [(g, s) for g in groups for s in sides if rng.random() < 0.75] or [(groups[0], sides[0])]
    pairs.sort(key=lambda p: (group_sort_key(p[0]), side_sort_key(p[1])))
    tone = {pair: rng.choice((0, 1, 1, 2, 2, 3, 3, 4)) for pair in pairs}  # true MAS ranks (0=0 ... 5=4)
    penn = rng.choice((None, 0, 1, 1, 2)) if rng.random() < 0.6 else None
    visits_n = rng.randint(4, 8)
    days = [today]
    for _ in range(visits_n - 1):
        days.insert(0, days[0] - dt.timedelta(days=rng.randint(84, 183)))
    how, treatments, shift_at_last = "", [], dict.fromkeys(pairs, 0)
    penn_last = penn
    lowered: dict[tuple[str, str], int] = {}
    trigger: tuple[str, ...] = ()
    if cohort == "worse":
        how = rng.choice(("several groups", "one group", "penn") if penn is not None else
                         ("several groups", "one group"))
        trigger = (rng.choice(TRIGGERS),)
        if how == "several groups":  # a trigger raises the tone of a whole limb region, or both
            lower = [p for p in pairs if p[0] in pattern.lower]
            upper = [p for p in pairs if p[0] in pattern.upper]
            region = rng.choice([r for r in (lower, upper, pairs) if len(r) >= 3] or [pairs])
            for pair in region:
                shift_at_last[pair] = rng.choice((1, 1, 2))
        elif how == "one group":
            pair = rng.choice(pairs)
            tone[pair] = min(tone[pair], _TOP - 3)
            shift_at_last[pair] = 3  # e.g. 1 -> 3: up a lot
        else:
            penn = min(penn or 0, 2)
            penn_last = min(4, penn + rng.choice((2, 2, 3)))
    elif cohort == "wear_off":  # a session 12-16 weeks before the latest visit; its peak was examined
        weeks = rng.randint(12, 16)
        session_day = today - dt.timedelta(days=weeks * 7 + rng.randint(0, 6))
        review = session_day + dt.timedelta(days=rng.randint(28, 56))
        days = sorted({*(d for d in days[:-1] if d < session_day - dt.timedelta(days=3)), review, today})
        injected = rng.sample(pairs, min(len(pairs), rng.randint(1, 4)))
        lowered = {pair: rng.choice((1, 2)) for pair in injected}
        treatments.append(ToxinSession(session_day, "onabotulinumtoxinA", tuple(
            Injection(_MUSCLE_FOR[g], s, 50.0) for g, s in sorted(injected))))
        how = f"{weeks} weeks"
    visits = []
    for n, day in enumerate(days):
        last = n == len(days) - 1
        findings = []
        for pair in pairs:
            if rng.random() > 0.88 and not last:
                continue  # a group skipped at this exam
            true = tone[pair] + (shift_at_last[pair] if last else 0)
            if lowered and day == days[-2]:  # the review in the toxin's peak effect
                true -= lowered.get(pair, 0)
            rank = _noisy(rng, max(0, min(_TOP, true)), _TOP)
            findings.append(Finding(pair[0], pair[1], MAS.labels[rank]))
        base = penn_last if last else penn
        frequency = None if base is None else _noisy(rng, base, 4)
        scores = VisitScores(frequency, 1 if frequency else None) if frequency is not None else VisitScores()
        visits.append(Visit(day, "initial" if n == 0 else "follow_up", "Dr K. Osei", "signed",
                            findings=tuple(findings), scores=scores, triggers=trigger if last else ()))
    birth = days[0] - dt.timedelta(days=rng.randint(8, 60) * 365)
    record = PatientRecord(mrn, "Cohort", cohort, birth, rng.choice(("female", "male")), diagnosis,
                           visits=tuple(visits), treatments=tuple(treatments))
    return Labelled(cohort, how, record)
