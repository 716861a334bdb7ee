"""Planning a demo patient's care: visit dates, toxin cycles, pump, rhizotomy, drugs, therapy and orthoses."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import random
from dataclasses import dataclass
from typing import NamedTuple

from assess.demo import data
from assess.record.domain import (
    Finding,
    Injection,
    OralMedication,
    Orthosis,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Treatment,
    age_in_years,
    treatment_date,
    treatment_key,
)
from assess.scoring.muscles import GROUPS_BY_CODE, MUSCLES, SIDES, groups_of_muscle, side_sort_key

ONE_DAY = dt.timedelta(days=1)
_MUSCLE_ORDER = {m.code: i for i, m in enumerate(MUSCLES)}
_MUSCLES_OF_GROUP = {g: tuple(m.code for m in MUSCLES if g in m.groups) for g in GROUPS_BY_CODE}
_GROWTH_AGES = [age for age, _ in data.GROWTH]
_injection = functools.lru_cache(maxsize=65536)(Injection)  # the same doses recur from session to session

Pair = tuple[str, str]


def delta(n: float) -> dt.timedelta:
    """n days (whole)."""
    return dt.timedelta(int(n))


def between(rng: random.Random, low: int, high: int) -> int:
    """rng.randint without its three layers of calls: this runs a million times for 10,000 patients."""
    return low + int(rng.random() * (high - low + 1))


@dataclass(slots=True)
class Site:
    """One muscle group on one side as this patient has it, untreated."""

    group: str
    side: str
    lower: bool
    tone: float  # as a rank of assess.demo.patients.MAS_LABELS (2.0 is '1+'), so "down one grade" is -1
    r2: float
    mrc: int  # index into assess.demo.patients.MRC_LABELS
    spec: data.GroupSpec
    scales: int  # the scales besides MAS this clinic takes on this group (bits: TARDIEU, PROM, ...)
    plain: list[Finding | None]  # the MAS-only finding per rank, shared between visits
    pair: Pair


class _Target(NamedTuple):
    """A muscle this patient's toxin sessions aim at, with what is known about it before any session."""

    muscle: str
    side: str
    units: float  # typical adult onabotulinumtoxinA units
    sites: int
    lower: bool
    pairs: tuple[Pair, ...]  # the (group, side) findings that show its effect


@dataclass(slots=True)
class _Session:
    date: dt.date
    sites: frozenset[Pair]
    peak: float  # MAS ranks of relief at the height of the toxin's effect


class PatientPlan:
    """A patient's care over the years, planned before any visit is written up (assess.demo.patients does that)."""

    # Who the patient is: set by assess.demo.patients before any plan is made.
    diagnosis: str
    pattern: data.Pattern
    gmfcs: str | None
    birth: dt.date
    start: dt.date  # the first visit
    end: dt.date  # the last planned visit; on or before today
    worse: str  # the more affected side
    size: float  # weight relative to the growth table
    surgeon: str
    sites: list[Site]

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng, self.today = rng, today
        self.plan: dict[dt.date, tuple[str, str | None]] = {}  # one visit a day: (date, type) stays unique
        self.treatments: dict[tuple[str, ...], Treatment] = {}
        self.sessions: list[_Session] = []
        self.session_days: list[dt.date] = []
        self.sdr: dt.date | None = None
        self.screening: dt.date | None = None
        self.implant: dt.date | None = None
        self.pump_days: list[dt.date] = []
        self.pump_doses: list[float] = []
        self.pump_target = self.itb_relief = self.sdr_relief = 0.0
        self.oral: list[tuple[dt.date, dt.date | None]] = []

    def age(self, day: dt.date) -> int:
        return age_in_years(self.birth, day)

    def weight(self, day: dt.date) -> float:
        age = (day - self.birth).days / 365.25
        i = bisect.bisect_right(_GROWTH_AGES, age)
        (a0, w0), (a1, w1) = data.GROWTH[i - 1], data.GROWTH[i]
        return (w0 + (w1 - w0) * (age - a0) / (a1 - a0)) * self.size

    def visit(self, day: dt.date, kind: str, notes: str | None = None, merge: bool = False) -> None:
        """Plan a visit; with merge, an event on a clinic day joins that visit instead of adding one."""
        if merge and day in self.plan:
            if notes:
                self.plan[day] = (self.plan[day][0], notes)
            return
        while day in self.plan:
            day += ONE_DAY
        if day <= self.today:
            self.plan[day] = (kind, notes)

    def add(self, treatment: Treatment) -> None:
        key = treatment_key(treatment)
        if key not in self.treatments and treatment_date(treatment) <= self.today:
            self.treatments[key] = treatment

    def post_op(self, day: dt.date) -> None:
        for months, kind in ((3, "post_op_3_months"), (6, "post_op_6_months"), (12, "post_op_12_months")):
            self.visit(day + delta(months * 30.44 + between(self.rng, -7, 7)), kind)

    def plan_sdr(self) -> None:
        rng = self.rng
        if self.pattern.note != "spastic diplegia" or self.gmfcs not in ("II", "III") or rng.random() > 0.35:
            return
        low = max(self.start + delta(120), self.birth + delta(4 * 365.25 + 1))
        high = min(self.end - delta(30), self.birth + delta(10 * 365.25))
        if high <= low:
            return
        self.sdr = day = low + delta(rng.random() * (high - low).days)
        self.sdr_relief = rng.uniform(1.5, 2.5)
        self.add(Sdr(day, rng.choice(("L1-S1", "L2-S1")), float(between(rng, 40, 70)), self.surgeon))
        self.post_op(day)
        end = day + delta(between(rng, 180, 365))
        self.add(Therapy("physical", day + delta(7), end if end <= self.today else None, rng.choice((4.0, 5.0)),
                         "Intensive rehabilitation after SDR"))

    def choose_pump(self) -> None:
        rng = self.rng
        chance = {"spinal_cord_injury": 0.25, "multiple_sclerosis": 0.2, "brain_injury": 0.15, "other": 0.1,
                  "stroke": 0.03, "cerebral_palsy": 0.25 if self.gmfcs in ("IV", "V") else 0.0}[self.diagnosis]
        low, high = self.start + delta(60), self.end - delta(240)
        if high > low and rng.random() < chance:
            self.screening = low + delta(rng.random() * (high - low).days)
            self.implant = self.screening + delta(between(rng, 30, 120))

    def plan_pump(self) -> None:
        rng, screen, implant = self.rng, self.screening, self.implant
        if screen is None or implant is None:
            return
        self.add(PumpEvent("screening", screen, bolus_mcg=50.0, notes="Tone down at 4 hours"))
        self.visit(screen, "other", "Intrathecal baclofen test dose.", merge=True)
        bolus = 50.0
        if rng.random() < 0.3:
            bolus = 75.0
            self.add(PumpEvent("screening", screen + ONE_DAY, bolus_mcg=75.0, notes="Partial response to 50 mcg"))
        spinal = self.diagnosis in ("spinal_cord_injury", "multiple_sclerosis")
        self.pump_target = target = 5.0 * round(rng.uniform(300, 800) / 5 if spinal else rng.uniform(100, 700) / 5)
        self.itb_relief = rng.uniform(1.2, 2.2)
        reservoir = 40.0 if target > 400 or rng.random() < 0.6 else 20.0
        model = "SynchroMed II" if reservoir == 40 else rng.choice(("SynchroMed II", "Prometra II"))

        def concentration(dose: float) -> float:  # the weakest that lasts 3 months (the pump alarms at 2 mL)
            return next((c for c in (500.0, 1000.0) if (reservoir - 2) * c / dose >= 90), 2000.0)

        day = implant
        dose = 2 * bolus  # the labels: twice the screening dose that worked (its effect lasted under 8 hours)
        conc = concentration(target)
        self.add(PumpEvent("implant", implant, model, reservoir, reservoir, conc, dose))
        self.pump_days.append(implant)
        self.pump_doses.append(dose)
        self.post_op(implant)
        for _ in range(between(rng, 3, 6)):  # titration: 10-30 % a step for spinal, 5-15 % for cerebral origin
            day += delta(between(rng, 7, 21))
            if dose >= target or day > self.end:
                break
            # Rounded down to 5 µg so the step stays within the label's percentage.
            step = 5.0 * math.floor(dose * (1 + (rng.uniform(0.1, 0.3) if spinal else rng.uniform(0.05, 0.15))) / 5)
            if step <= dose:
                continue
            dose = min(target, step)
            self.set_dose(day, dose, "dosing")
        filled = implant
        while True:
            day = filled + delta(min(180, 0.85 * (reservoir - 2) * conc / dose) - between(rng, 0, 14))
            if day > self.end:
                return
            if rng.random() < 0.01:
                self.add(PumpEvent("explant", day, notes="Pocket infection"))
                self.pump_days.append(day)
                self.pump_doses.append(0.0)
                self.visit(day, "other", "Pump explanted: pocket infection.")
                return
            used = (day - filled).days * dose / conc
            if dose < target and rng.random() < 0.6:
                raised = min(target, 5.0 * math.floor(dose * rng.uniform(1.05, 1.2) / 5))  # maintenance: 5-20 %
                if raised > dose:
                    dose = raised
                    self.set_dose(day, dose, "itb_refill")
            conc = concentration(dose)
            self.add(PumpEvent("refill", day, reservoir_ml=reservoir, volume_ml=round(min(reservoir - 2, used), 1),
                               concentration_mcg_per_ml=conc, dose_mcg_per_day=dose))
            self.visit(day, "itb_refill", merge=True)
            filled = day

    def set_dose(self, day: dt.date, dose: float, kind: str) -> None:
        self.add(PumpEvent("dose_change", day, dose_mcg_per_day=dose))
        self.pump_days.append(day)
        self.pump_doses.append(dose)
        self.visit(day, kind, merge=True)

    def plan_toxin(self, regular: list[dt.date]) -> None:
        rng = self.rng
        affected = sorted((s for s in self.sites if s.tone >= 1.5), key=lambda s: -s.tone)[:between(rng, 2, 5)]
        targets: set[Pair] = set()
        for site in affected:
            muscles = _MUSCLES_OF_GROUP[site.group]
            targets.update((m, site.side) for m in rng.sample(muscles, min(len(muscles), between(rng, 1, 2))))
        # In the order a session sheet is read (catalogue order, left first), so sessions need no sorting.
        plan = [_Target(m, side, *data.TOXIN_UNITS[m], GROUPS_BY_CODE[groups_of_muscle(m)[0]].region == "lower",
                        tuple((g, side) for g in groups_of_muscle(m)))
                for m, side in sorted(targets, key=lambda t: (_MUSCLE_ORDER[t[0]], side_sort_key(t[1])))]
        if not plan or not regular:
            return
        child = self.age(regular[0]) < 18
        product = rng.choices(list(data.PRODUCTS), (0.6, 0.4, 0, 0) if child else (0.55, 0.3, 0.12, 0.03))[0]
        upper = not all(target.lower for target in plan)
        responder = rng.uniform(1.0, 2.0) if rng.random() < 0.9 else rng.uniform(0.2, 0.6)
        last: dt.date | None = None
        for day in regular:
            # Re-treatment: 12 weeks, 16 for a child's arm with abobotulinumtoxinA (Dysport label).
            gap = 112 if upper and product == "abobotulinumtoxinA" and self.age(day) < 18 else 84
            if last is not None and ((day - last).days < gap or rng.random() < 0.12):
                continue
            if (self.sdr and -120 <= (day - self.sdr).days <= 365) or (self.screening and day >= self.screening):
                continue  # no toxin around the rhizotomy; the pump takes over from it
            if self.inject(day, plan, product, responder * rng.uniform(0.8, 1.2)):
                last = day

    def inject(self, day: dt.date, plan: list[_Target], product: str, peak: float) -> bool:
        rng, spec = self.rng, data.PRODUCTS[product]
        # Planned for the weight the visit records (within 2 % of this), so the label check passes on it too.
        weight, child = 0.97 * self.weight(day), self.age(day) < 18
        scale = spec.factor * (min(1.0, weight / 35) if child else 1.0)
        chosen = [t for t in plan if rng.random() < 0.85] or plan[:1]
        units = [t.units * scale * (0.8 + 0.4 * rng.random()) for t in chosen]
        _limit(units, [(t.side, t.lower) for t in chosen], product, child, weight)
        injections = [_injection(t.muscle, t.side, float(spec.step * math.floor(u / spec.step)), t.sites)
                      for t, u in zip(chosen, units, strict=True) if u >= spec.step]
        if not injections:
            return False
        guidance = rng.choice(("ultrasound", "ultrasound", "emg", "electrical_stimulation", "palpation"))
        self.add(ToxinSession(day, product, tuple(injections), rng.choice(spec.dilutions),
                              f"{spec.lot_prefix}{between(rng, 1000, 9999)}", guidance))
        injected = {i.muscle for i in injections}
        sites = frozenset(pair for t in chosen if t.muscle in injected for pair in t.pairs)
        self.sessions.append(_Session(day, sites, peak))
        self.session_days.append(day)
        self.visit(day, "follow_up", "Botulinum toxin injected after the examination.", merge=True)
        if rng.random() < 0.2:
            self.visit(day + delta(between(rng, 28, 56)), "post_injection_review", merge=True)
        calves = {i.side for i in injections if i.muscle.startswith("gastrocnemius")}
        if calves and rng.random() < 0.15:
            start = day + delta(between(rng, 7, 14))
            end = start + delta(between(rng, 21, 42))
            self.add(Orthosis("serial_casting", start, "ankle", calves.pop() if len(calves) == 1 else "both",
                              end if end <= self.today else None))
        return True

    def plan_oral(self) -> None:
        rng = self.rng
        if rng.random() >= {"spinal_cord_injury": 0.8, "multiple_sclerosis": 0.8, "brain_injury": 0.5,
                            "other": 0.5}.get(self.diagnosis, 0.3):
            return
        choice = data.DRUG_CHOICE[self.diagnosis]
        drugs = rng.choices(list(choice), list(choice.values()), k=2)
        weaned = self.pump_days[0] + delta(between(rng, 14, 90)) if self.pump_days else None
        for drug in drugs[: 2 if rng.random() < 0.25 and drugs[0] != drugs[1] else 1]:
            day = max(self.start + delta(rng.random() * (self.end - self.start).days / 2),
                      self.birth + delta(2 * 365.25 + 1))
            if weaned is None or day < weaned:
                self.drug_periods(drug, day, weaned)
        self.oral = [(t.start, t.stop) for t in self.treatments.values() if isinstance(t, OralMedication)]

    def dose(self, drug: str, day: dt.date, wanted: float) -> float:
        spec = (data.CHILD_DRUGS if self.age(day) < 18 else data.ADULT_DRUGS).get(drug, data.ADULT_DRUGS[drug])
        top = spec.top
        if drug == "baclofen" and self.age(day) < 8:  # children 2-7 years: 40 mg or 2 mg/kg a day at most
            top = 2.5 * math.floor(min(40.0, 2 * self.weight(day)) / 2.5)
        return round(min(top, max(spec.start, wanted)), 2)

    def drug_periods(self, drug: str, day: dt.date, weaned: dt.date | None) -> None:
        """A drug's periods: a dose change is a new period that starts the day the previous one stops."""
        rng = self.rng
        spec = data.ADULT_DRUGS[drug] if self.age(day) >= 18 else data.CHILD_DRUGS.get(drug, data.ADULT_DRUGS[drug])
        start, cursor, dose = day, day, self.dose(drug, day, 0)
        for _ in range(between(rng, 0, 4)):
            cursor += delta(between(rng, 30, 300))
            if cursor >= (weaned or self.end):
                break
            new = self.dose(drug, cursor, dose + spec.step * rng.choice((1, 1, 1, -1)))
            if new != dose:
                self.add(OralMedication(drug, dose, start, cursor))
                start, dose = cursor, new
        stop: dt.date | None = start + delta(between(rng, 60, 700))
        notes = rng.choice((None, None, "Stopped: drowsiness", "Stopped: no benefit"))
        if weaned is not None:
            stop, notes = weaned, "Weaned after the intrathecal baclofen pump implant"
        elif stop is not None and stop > self.today:
            stop, notes = None, None
        self.add(OralMedication(drug, dose, start, stop, notes))

    def plan_periods(self) -> None:
        rng, p = self.rng, self.pattern
        side = "both" if p.bilateral else self.worse
        kinds = ["physical"] if rng.random() < (0.9 if self.diagnosis == "cerebral_palsy" else 0.65) else []
        kinds += ["occupational"] if p.upper and rng.random() < 0.6 else []
        for therapy in kinds:
            day = self.start + delta(between(rng, 0, 90))
            while day <= self.end:
                end = day + delta(between(rng, 56, 365))
                self.add(Therapy(therapy, day, end if end <= self.today else None,
                                 rng.choice((0.5, 1.0, 1.0, 2.0, 2.0, 3.0))))
                day = end + delta(between(rng, 0, 240))
        if p.lower and rng.random() < (0.7 if self.diagnosis == "cerebral_palsy" else 0.35):
            day = self.start + delta(between(rng, 0, 120))
            while day <= self.end:  # children outgrow their ankle-foot orthoses every year or so
                end = day + delta(between(rng, 300, 540) if self.age(day) < 18 else 3000)
                self.add(Orthosis("brace", day, "ankle-foot", side, end if end <= self.today else None))
                day = end
        if p.upper and rng.random() < 0.4:
            day = self.start + delta(between(rng, 0, 365))
            end = day + delta(between(rng, 90, 365))
            self.add(Orthosis("splint", day, "wrist-hand", side, end if end <= self.today else None,
                              "Resting splint at night"))
        if self.diagnosis == "cerebral_palsy" and self.sdr is None and rng.random() < 0.05:
            day = self.start + delta(between(rng, 365, 900))
            if day < self.end:
                self.add(Surgery(day, rng.choice(data.SURGERIES), side))
                self.post_op(day)

    def relief(self, day: dt.date) -> tuple[float, float, dict[Pair, float]]:
        """Tone taken away on this day: (lower limbs, upper limbs, per injected group and side)."""
        if not (self.oral or self.sdr or self.pump_days or self.sessions):
            return 0.0, 0.0, {}
        lower = upper = 0.3 if any(s <= day and (e is None or day < e) for s, e in self.oral) else 0.0
        if self.sdr is not None and day > self.sdr:
            lower += self.sdr_relief
        i = bisect.bisect_right(self.pump_days, day) - 1
        if i >= 0:
            itb = self.itb_relief * min(1.0, self.pump_doses[i] / self.pump_target)
            lower, upper = lower + itb, upper + itb / 2
        toxin: dict[Pair, float] = {}
        for i in range(bisect.bisect_left(self.session_days, day - delta(3)) - 1, -1, -1):
            # The effect begins after some days (a same-day exam is the pre-injection one) and is gone by 16 weeks.
            session = self.sessions[i]
            days = (day - session.date).days
            if days >= 112:
                break
            effect = session.peak * (days / 14 if days < 14 else 1.0 if days <= 56 else (112 - days) / 56)
            for pair in session.sites:
                toxin[pair] = max(toxin.get(pair, 0.0), effect)
        return lower, upper, toxin


def _limit(units: list[float], where: list[tuple[str, bool]], product: str, child: bool, weight: float) -> None:
    """Scale a session's units down to the per-session maxima of CLINICAL.md for the product, age and weight."""

    def cap(limit: float, lower: bool | None = None, side: str | None = None) -> None:
        chosen = [i for i, (s, low) in enumerate(where) if lower in (None, low) and side in (None, s)]
        total = sum(units[i] for i in chosen)
        for i in chosen if total > limit else ():
            units[i] *= limit / total

    # The labels' limits of resources/limits.json (issue 13): per limb (one side) for children, then the session.
    if product == "abobotulinumtoxinA" and child:
        for side in SIDES:
            cap(min(16 * weight, 640), lower=False, side=side)
            cap(min(15 * weight, 1000), lower=True, side=side)
        cap(min(30 * weight, 1000))
    elif product == "abobotulinumtoxinA":
        cap(1000, lower=False)
        cap(1500, lower=True)
        cap(1500)
    elif product == "onabotulinumtoxinA" and child:
        for side in SIDES:
            cap(min(6 * weight, 200), lower=False, side=side)
            cap(min(8 * weight, 300), lower=True, side=side)
        cap(min(10 * weight, 340))
    elif product == "incobotulinumtoxinA" and child:
        for side in SIDES:
            cap(min(8 * weight, 200), lower=False, side=side)
        cap(min(16 * weight, 400), lower=False)
        cap(400)
    else:
        cap(5000 if product == "rimabotulinumtoxinB" else 400)
