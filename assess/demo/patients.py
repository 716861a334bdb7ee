"""Realistic synthetic patients (MRNs DEMO-000001...), deterministic and valid assess-record/1 by construction."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator

from assess.demo import data
from assess.demo.care import ONE_DAY, Pair, PatientPlan, Site, between, delta
from assess.record.domain import (
    SYMPTOMS,
    TREATMENT_KINDS,
    TRIGGERS,
    Contact,
    Finding,
    Goal,
    GoalScore,
    PatientRecord,
    Visit,
    VisitScores,
)
from assess.scoring.muscles import GROUPS_BY_CODE, SIDES, group_sort_key, side_sort_key
from assess.scoring.order import goal_key

DEFAULT_TODAY = dt.date(2026, 11, 1)
MAS_LABELS = ("0", "1", "1+", "2", "3", "4")
MRC_LABELS = ("0", "1", "2", "3", "4-", "4", "4+", "5")
SHORT_VISITS = ("itb_refill", "dosing")  # a nurse's or a dosing visit: a short exam
TARDIEU, PROM, ASAS, MRC, REFLEX, CLONUS = 1, 2, 4, 8, 16, 32  # scales besides MAS, as bits
_KIND_ORDER = {kind: i for i, kind in enumerate(TREATMENT_KINDS)}
_TRIGGER_ORDER = {code: i for i, code in enumerate(TRIGGERS)}
_SYMPTOM_ORDER = {code: i for i, code in enumerate(SYMPTOMS)}
_FINDING_CACHE_LIMIT = 200_000
# Visit scores and goal scores repeat as much as findings do: one shared frozen value each.
_visit_scores = functools.lru_cache(maxsize=65536)(VisitScores)
_goal_score = functools.lru_cache(maxsize=4096)(GoalScore)


def demo_patients(count: int, seed: int = 1, today: dt.date | None = None, first: int = 1) -> Iterator[PatientRecord]:
    """Synthetic patients `first` to `count`, the same for the same (seed, today); no event after `today`."""
    today = today or DEFAULT_TODAY
    # Findings are frozen values that repeat a lot (same group, side and grades): sharing them saves most of
    # the time that building two million of them would take.
    cache: dict[tuple[object, ...], Finding] = {}
    for number in range(first, count + 1):
        # One generator per patient: patient n is the same whatever the count, so a larger run extends a smaller.
        rng = random.Random(f"assess-demo/{seed}/{number}")
        yield _Patient(rng, f"DEMO-{number:06d}", today, cache).build()


def _treatment_order(key: tuple[str, ...]) -> tuple[str, int, tuple[str, ...]]:
    """scoring.order.treatment_sort_key from the stored identity (kind, ISO day, ...): date, kind, identity."""
    return (key[1], _KIND_ORDER[key[0]], key)


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


class _Patient(PatientPlan):
    """Who the patient is and what each visit found; the care itself is planned by PatientPlan."""

    def __init__(self, rng: random.Random, mrn: str, today: dt.date, cache: dict[tuple[object, ...], Finding]):
        super().__init__(rng, today)
        self.mrn, self.cache = mrn, cache

    def build(self) -> PatientRecord:
        self.identity()
        self.make_sites()
        self.choose_pump()
        regular = []
        day = self.start
        while day <= self.end:
            regular.append(day)
            self.visit(day, "follow_up" if regular[1:] else "initial")
            if self.implant and day >= self.implant:
                low, high = 182, 365  # pump patients also come for every refill
            elif self.toxin_from <= day <= self.toxin_until:
                low, high = 84, 112  # seen at each injection cycle
            else:
                low, high = 100, 183
            day += delta(between(self.rng, low, high))
        self.plan_sdr()
        self.plan_pump()
        if self.toxin:
            self.plan_toxin([day for day in regular if self.toxin_from <= day <= self.toxin_until])
        self.plan_oral()
        self.plan_periods()
        visits, goals = self.examine()
        return PatientRecord(
            self.mrn, self.family, self.given, self.birth, self.sex, self.diagnosis, self.note, self.gmfcs,
            self.contact, goals=tuple(sorted(goals, key=goal_key)), visits=visits,
            treatments=tuple(self.treatments[k] for k in sorted(self.treatments, key=_treatment_order)))

    def identity(self) -> None:
        rng = self.rng
        self.diagnosis = rng.choices(list(data.DIAGNOSIS_WEIGHTS), list(data.DIAGNOSIS_WEIGHTS.values()))[0]
        patterns = data.PATTERNS[self.diagnosis]
        self.pattern = rng.choices(patterns, [p.weight for p in patterns])[0]
        roll = rng.random()
        self.sex = "female" if roll < 0.495 else "male" if roll < 0.99 else rng.choice(("other", "unknown"))
        names = {"female": data.GIVEN_FEMALE, "male": data.GIVEN_MALE}.get(self.sex,
                                                                          data.GIVEN_FEMALE + data.GIVEN_MALE)
        self.given, self.family = rng.choice(names), rng.choice(data.FAMILY)
        self.worse = rng.choice(SIDES)
        self.note = self.pattern.note if self.pattern.bilateral else f"{self.pattern.note}, {self.worse} side"
        active = rng.random() < 0.85  # the others were discharged or moved away some years ago
        self.end = self.today - delta(rng.uniform(0, 75) if active else rng.uniform(180, 1500))
        self.start = self.end - delta(rng.triangular(2, 10, 2) * 365.25)
        youngest, oldest = data.AGE_AT_START[self.diagnosis]
        self.birth = self.start - delta(rng.uniform(youngest, oldest) * 365.25)
        cp = self.diagnosis == "cerebral_palsy"
        self.gmfcs = None
        if cp:
            levels = {"spastic diplegia": ("I", "II", "III"), "spastic hemiplegia": ("I", "II")}
            self.gmfcs = rng.choice(levels.get(self.pattern.note, ("IV", "V")))
        self.size = rng.uniform(0.85, 1.15) if cp else rng.uniform(0.8, 1.45)
        if self.gmfcs in ("IV", "V"):
            self.size *= 0.85  # children who do not walk are lighter
        self.toxin = rng.random() < {"cerebral_palsy": 0.6, "stroke": 0.65, "brain_injury": 0.5,
                                     "other": 0.3}.get(self.diagnosis, 0.2)
        # A toxin course may start some months in and stop after a few years.
        self.toxin_from = self.toxin_until = self.end + ONE_DAY
        if self.toxin:
            self.toxin_from = self.start + delta(rng.choice((0, 0, between(rng, 90, 600))))
            self.toxin_until = self.end if rng.random() < 0.5 else self.toxin_from + delta(between(rng, 365, 1800))
        spinal = self.diagnosis in ("spinal_cord_injury", "multiple_sclerosis")
        self.spasm = {"spinal_cord_injury": 2.5, "multiple_sclerosis": 2.2, "brain_injury": 1.6,
                      "other": 1.5, "cerebral_palsy": 1.0}.get(self.diagnosis, 0.8) + rng.uniform(-0.6, 0.6)
        self.penn_rate, self.flare_rate = (0.9, 0.1) if spinal else (0.5, 0.06)
        self.scats = spinal
        self.das = self.toxin and bool(self.pattern.upper) and not cp and rng.random() < 0.6
        self.das_base = [rng.uniform(0.5, 2.8) for _ in range(4)]
        self.pain = rng.uniform(0, 5)
        self.gas = rng.random() < (0.6 if self.toxin else 0.3)
        self.asas = cp and rng.random() < 0.2
        self.angle_step = 5 if rng.random() < 0.7 else 1  # most clinicians read the goniometer to 5 degrees
        self.tardieu_habit = rng.uniform(0.15, 0.55)  # how often this clinician has time for Tardieu
        self.drift = 0.06 if cp else rng.uniform(-0.05, 0.08)  # MAS ranks per year
        self.contracture = 1.5 if cp else 0.3  # degrees of range lost per year as children grow
        self.physician = rng.choice(data.PHYSICIANS)
        self.surgeon, self.nurse = rng.choice(data.SURGEONS), rng.choice(data.NURSES)
        self.triggers = data.COMMON_TRIGGERS + data.EXTRA_TRIGGERS.get(self.diagnosis, ())
        self.symptoms = data.SYMPTOMS_BY_DIAGNOSIS[self.diagnosis]
        self.contact: Contact | None = None
        if rng.random() < 0.9:  # 555-0100 to 555-0199 are the numbers set aside for fiction
            phone = between(rng, 0, 98)
            self.contact = Contact(f"Dr {rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(data.FAMILY)}",
                                   rng.choice(data.PRACTICES), None, f"555-01{phone:02d}", f"555-01{phone + 1:02d}")

    def make_sites(self) -> None:
        rng, p = self.rng, self.pattern
        other = "right" if self.worse == "left" else "left"
        level = ("I", "II", "III", "IV", "V").index(self.gmfcs) + 1 if self.gmfcs else 2.0 + rng.uniform(-1, 1.5)
        severity = 0.3 * (level - 2)
        picked: list[tuple[str, str, float]] = []
        for group in p.upper + p.lower:
            if rng.random() < 0.75 or len(picked) < 6:  # at least six rows on the exam sheet
                picked.append((group, self.worse, rng.uniform(1.5, 3.8) + severity))
                if p.bilateral:
                    picked.append((group, other, rng.uniform(1.2, 3.5) + severity))  # often the milder side
        if not p.bilateral:  # a few groups of the good side, examined for comparison
            picked += [(g, other, rng.uniform(0, 1.2)) for g in rng.sample(p.upper + p.lower, between(rng, 0, 3))]
        complete = "AIS A" in p.note
        self.sites = []
        for group, side, tone in sorted(picked, key=lambda s: (group_sort_key(s[0]), side_sort_key(s[1]))):
            lower = GROUPS_BY_CODE[group].region == "lower"
            mrc = 0 if complete and lower else _clamp(7 - tone * 1.2 + rng.uniform(-1, 1), 0, 7)
            spec = data.GROUPS[group]
            r2 = spec.r2 + rng.uniform(-8, 8) - (tone - 2) * 3
            scales = ((TARDIEU if rng.random() < spec.tardieu * 1.4 else 0) | (PROM if rng.random() < 0.5 else 0)
                      | (ASAS if self.asas else 0) | (MRC if rng.random() < 0.6 else 0)
                      | (REFLEX if spec.reflex else 0) | (CLONUS if spec.clonus else 0))
            self.sites.append(Site(group, side, lower, tone, r2, mrc, spec, scales, [None] * len(MAS_LABELS),
                                   (group, side)))

    def examine(self) -> tuple[tuple[Visit, ...], list[Goal]]:
        rng = self.rng
        self.goals: list[Goal] = []
        self.current: list[tuple[Goal, float]] = []  # the goals being worked on, with how far each will get
        visits = []
        days = sorted(self.plan)
        for n, day in enumerate(days):
            kind, notes = self.plan[day]
            years = (day - self.start).days / 365.25
            bump = rng.uniform(0.7, 1.4) if rng.random() < self.flare_rate else 0.0
            lower, upper, toxin = self.relief(day)
            short = kind in SHORT_VISITS
            findings = self.exam(short, self.drift * years + bump, lower, upper, toxin, years)
            triggers: list[str] = []
            symptoms = rng.sample(self.symptoms, between(rng, 1, 2)) if rng.random() < 0.35 else []
            if bump:  # a worse visit: the clinician looks for what drove it
                pool = list(self.triggers)
                pool += ["itb_pump_problem"] if self.pump_days and day >= self.pump_days[0] else []
                pool += ["menstruation"] if self.sex == "female" and 12 <= self.age(day) <= 50 else []
                triggers = rng.sample(sorted(set(pool)), 1 if rng.random() < 0.75 else 2)
                symptoms = sorted(set(symptoms) | {"spasms" if self.spasm > 1.5 else "stiffness"})
                notes = notes or f"Tone worse since the last visit; {triggers[0].replace('_', ' ')}."
            signed = rng.random() < (0.3 if n == len(days) - 1 else 0.93)  # the latest visit is often a draft
            clinician = (self.nurse if kind == "itb_refill" else self.surgeon
                         if kind.startswith("post_op") or kind in ("dosing", "other") else self.physician)
            visits.append(Visit(
                day, kind, clinician, "signed" if signed else "draft",
                dt.datetime(day.year, day.month, day.day, 8 + int(10 * rng.random()), int(60 * rng.random()),
                            tzinfo=dt.UTC)
                if signed else None,
                round(self.weight(day) * (0.98 + 0.04 * rng.random()), 1)
                if self.age(day) < 18 or rng.random() < 0.4 else None,
                findings, self.scores(short, bump, max(lower, upper), toxin),
                tuple(sorted(triggers, key=_TRIGGER_ORDER.__getitem__)) if triggers else (),
                tuple(sorted(symptoms, key=_SYMPTOM_ORDER.__getitem__)) if symptoms else (),
                self.goal_scores(day, bump) if self.gas and not short else (), notes))
        return tuple(visits), self.goals

    def exam(self, short: bool, shift: float, lower: float, upper: float, toxin: dict[Pair, float],
             years: float) -> tuple[Finding, ...]:
        """One visit's findings: most groups at a full exam, a few at a refill or dosing visit."""
        rand, sites = self.rng.random, self.sites
        keep = 0.5 if short else 0.88
        chosen = [site for site in sites if rand() < keep]
        need = min(len(sites), 3 if short else 6)
        if len(chosen) < need:
            chosen = [sites[i] for i in sorted(self.rng.sample(range(len(sites)), need))]
        # The scales besides MAS are a choice made per visit (time, cooperation), on the groups where they apply.
        scales = 0 if short else (
            (TARDIEU if rand() < self.tardieu_habit else 0) | (PROM if rand() < 0.15 else 0)
            | (ASAS if rand() < 0.5 else 0) | (MRC if rand() < 0.12 else 0)
            | (REFLEX if rand() < 0.15 else 0) | (CLONUS if rand() < 0.25 else 0))
        shift -= 0.65  # the exam-to-exam noise below is uniform in +-0.65 grade
        findings = []
        for site in chosen:
            tone = site.tone + shift + 1.3 * rand() - (lower if site.lower else upper)
            if toxin:
                tone -= toxin.get(site.pair, 0.0)
            rank = 0 if tone < 0.5 else 5 if tone >= 4.5 else int(tone + 0.5)
            taken = scales & site.scales
            if taken and rank < 3:
                taken &= ~CLONUS  # clonus is looked for where tone is high
            if taken:
                findings.append(self.finding(site, tone, rank, taken, years))
            else:  # MAS alone, most of the time: one value per group, side and grade, shared
                plain = site.plain[rank]
                if plain is None:
                    plain = site.plain[rank] = Finding(site.group, site.side, MAS_LABELS[rank])
                findings.append(plain)
        return tuple(findings)

    def scores(self, short: bool, bump: float, relief: float, toxin: dict[Pair, float]) -> VisitScores:
        rng = self.rng
        spasm = self.spasm + bump - 0.6 * relief + 1.4 * rng.random() - 0.7
        penn = _clamp(spasm, 0, 4) if rng.random() < self.penn_rate else None
        severity = _clamp(spasm * 0.7 + 1.4 * rng.random() - 0.7, 1, 3) if penn else None  # only when spasms
        pain = _clamp(self.pain + 2 * bump + 3 * rng.random() - 1.5, 0, 10) if rng.random() < 0.7 else None
        scats: list[int | None] = [None] * 3
        if self.scats and rng.random() < 0.5:
            scats = [_clamp(spasm * 0.75 + 1.4 * rng.random() - 0.7, 0, 3) for _ in scats]
        das: list[int | None] = [None] * 4
        if self.das and not short and rng.random() < 0.6:
            arm = max((v for (g, _), v in toxin.items() if GROUPS_BY_CODE[g].region == "upper"), default=0.0)
            das = [_clamp(b + bump / 2 - arm + 1.2 * rng.random() - 0.6, 0, 3) for b in self.das_base]
        return _visit_scores(penn, severity, pain, *scats, *das)

    def goal_scores(self, day: dt.date, bump: float) -> tuple[GoalScore, ...]:
        """Set 2-4 GAS goals (again after a year or so) and score them as they are reached."""
        rng = self.rng
        since = (day - self.current[0][0].set_on).days if self.current else 0
        if not self.current or (since > 400 and rng.random() < 0.5):
            pool = data.GOALS_UPPER if self.pattern.upper and rng.random() < 0.6 else data.GOALS_LOWER
            self.current = [(Goal(f"g{len(self.goals) + i + 1:02d}", text, day, rng.choice((-1, -2)),
                                  between(rng, 1, 3), between(rng, 1, 3)), rng.uniform(0.8, 3.6))
                            for i, text in enumerate(rng.sample(pool, between(rng, 2, 4)))]
            self.goals += [goal for goal, _ in self.current]
            return tuple(_goal_score(goal.id, goal.baseline) for goal, _ in self.current)
        if since > 365 or rng.random() >= 0.8:
            return ()
        progress = min(1.0, since / 150)
        noise = [1.2 * rng.random() - 0.6 for _ in self.current]
        return tuple(_goal_score(goal.id, _clamp(goal.baseline + gain * progress - bump + e, -2, 2))
                     for (goal, gain), e in zip(self.current, noise, strict=True))

    def finding(self, site: Site, tone: float, rank: int, taken: int, years: float) -> Finding:
        rng, step = self.rng, self.angle_step
        spec, tone = site.spec, max(tone, 0.0)
        x: int | None = None
        r1 = r2 = prom = None
        if taken & TARDIEU:
            full = site.r2 - self.contracture * years + (rng.random() - 0.5) * 6
            r2 = float(step * round(full / step))
            x = 0 if rank == 0 else 1 if rank == 1 else 3 if spec.clonus and rank >= 4 and rng.random() < 0.4 else 2
            if x:  # the catch comes earlier in the range the higher the tone: R1 <= R2
                r1 = min(r2, float(step * round((full - spec.per_grade * tone * (0.8 + 0.4 * rng.random())) / step)))
        if taken & PROM:
            full = site.r2 - self.contracture * years + 8 * rng.random() - 4
            prom = r2 if r2 is not None else float(step * round(full / step))
        asas = min(rank, 4) if taken & ASAS else None
        mrc = MRC_LABELS[_clamp(site.mrc + 3 * rng.random() - 1.5, 0, 7)] if taken & MRC else None
        reflex = ("4+" if rank >= 4 else "3+" if rank >= 2 else "2+") if taken & REFLEX else None
        beats = 2 + int(24 * rng.random()) if taken & CLONUS else None
        sustained = None if beats is None else beats > 10
        key = (site.group, site.side, rank, x, r1, r2, asas, prom, mrc, reflex, beats, sustained)
        finding = self.cache.get(key)
        if finding is None:
            if len(self.cache) > _FINDING_CACHE_LIMIT:
                self.cache.clear()
            finding = self.cache[key] = Finding(site.group, site.side, MAS_LABELS[rank], x, r1, r2, asas, prom, mrc,
                                                reflex, beats, sustained)
        return finding
