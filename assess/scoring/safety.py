"""Decision support over one patient's record: dose limits, re-injection intervals, pump refills and titration,
follow-ups due, worsening.

CLINICAL.md ("Safety rules"): warn, never silently block. Every function returns alerts for a clinician (or the
primary care doctor) to read. Every dose, interval and pump number comes from the LimitTable
(assess/resources/limits.json, each row with its source); only the follow-up schedule below is written here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Sequence

from assess.record.domain import (
    TRIGGERS,
    OralMedication,
    PatientRecord,
    PumpEvent,
    Sdr,
    ToxinSession,
    Visit,
    age_in_years,
    treatment_date,
)
from assess.record.labels import words
from assess.scoring.alerting import INFO as INFO
from assess.scoring.alerting import WARNING as WARNING
from assess.scoring.alerting import Alert as Alert
from assess.scoring.alerting import add_months, n, sources, unverified
from assess.scoring.change import toxin_sessions, worsening
from assess.scoring.current import current_treatments, pump_status
from assess.scoring.limits import ADULT_AGE_YEARS, Limit, LimitTable, load_limits, lowest_ceiling
from assess.scoring.muscles import GROUPS_BY_CODE, groups_of_muscle, muscle_name
from assess.scoring.oral_rules import interaction_alerts, not_established_alerts, oral_weight_alerts
from assess.scoring.pump_rules import (
    first_dose_alerts,
    refill_date,
    replacement_alerts,
    setting_alerts,
    stop_alerts,
)
from assess.scoring.toxin_rules import cumulative_alerts, toxin_age_alerts, toxin_weight_alerts
from assess.scoring.weights import weight_on
from assess.scoring.worsening import describe

# Follow-up schedule. CLINICAL.md ("Who uses it" / treatments): after pump placement or surgery the neurosurgeon
# sees the patient at 3, 6 and 12 months. The window of 3 weeks either side, the review 4-8 weeks after a toxin
# session (the effect begins in days and lasts about 12-16 weeks, CLINICAL.md) and the 4-week look-ahead are the
# clinic's planning choices of the issue "Treatment safety checks and follow-up planning", not published limits.
POST_OP_MONTHS = (3, 6, 12)
POST_OP_WINDOW = dt.timedelta(weeks=3)
TOXIN_REVIEW_FROM, TOXIN_REVIEW_TO = dt.timedelta(weeks=4), dt.timedelta(weeks=8)
LOOK_AHEAD = dt.timedelta(weeks=4)
# patient_alerts re-checks the toxin sessions and pump dose changes of the last 12 months: older ones were
# seen at the time, and showing them for ever would bury today's warnings.
HISTORY_MONTHS = 12

# CLINICAL.md (treatments): benzodiazepines - diazepam, clonazepam -; imidazolines - tizanidine, clonidine.
DRUG_CLASSES: dict[str, str] = {"diazepam": "benzodiazepines", "clonazepam": "benzodiazepines",
                                "tizanidine": "imidazolines", "clonidine": "imidazolines"}
# The origin of spasticity chooses the ITB titration step (CLINICAL.md, ITB).
SPINAL_DIAGNOSES = ("spinal_cord_injury", "multiple_sclerosis")
_ORIGIN_WORDS = {"cerebral": "spasticity of cerebral origin or in a child", "spinal": "spasticity of spinal origin"}

# Per-kg limits are products of floats (6 U/kg x 23.3 kg); exactly at the limit must not warn from rounding.
_EPSILON = 1e-9


# The shared Alert and wording helpers live in assess.scoring.alerting; these names keep the callers' imports.
_n, _sources, _unverified, _add_months = n, sources, unverified, add_months


def _weeks_days(days: int) -> str:
    weeks, rest = divmod(days, 7)
    return f"{weeks} weeks" + (f" {rest} days" if rest else "")


def _limb(muscle: str) -> str | None:
    """upper/lower from the muscle's groups; None for a clinic's own x- muscle (its limb is not known)."""
    regions = {GROUPS_BY_CODE[g].region for g in groups_of_muscle(muscle) if g in GROUPS_BY_CODE}
    return regions.pop() if len(regions) == 1 else None


def _indication(rows: Sequence[Limit]) -> str:
    """The label's indication when the drug's use in spasticity is off-label (gabapentin, clonazepam ...)."""
    said = next((x.indication for x in rows if x.indication), None)
    return f" {said}" if said else ""


def _scope(limit: Limit) -> str:
    """'paediatric upper-limb (one side)', 'adult whole-session', 'whole-session'."""
    person = {"adult": "adult ", "paediatric": "paediatric ", "any": ""}[limit.population]
    where = {"upper": "upper-limb", "lower": "lower-limb", "any": "whole-session"}[limit.limb]
    return f"{person}{where}" + (" (one side)" if limit.per_side else "")


def _ceiling(rows: Sequence[Limit], weight_kg: float | None) -> tuple[float, Limit, str] | None:
    """The limit that applies (the lower of per-kg and absolute) with its working when the per-kg one decides."""
    found = lowest_ceiling(rows, weight_kg)
    if found is None:
        return None
    ceiling, binding = found
    how = (f" ({_n(binding.value)} {binding.unit} × {_n(weight_kg)} kg, the lower of the per-kg and absolute limits)"
           if binding.per_kg and weight_kg is not None else "")
    return ceiling, binding, how


# --- botulinum toxin --------------------------------------------------------------------------------------

def toxin_session_alerts(mrn: str, session: ToxinSession, birth_date: dt.date, weight_kg: float | None,
                         earlier_sessions: Sequence[ToxinSession], limits: LimitTable) -> list[Alert]:
    """One session against its product's limits (never adding units of other products) and the interval since
    the patient's previous botulinum toxin session of any product."""
    product, day = words(session.product), session.date
    age = age_in_years(birth_date, day)
    paediatric = age < ADULT_AGE_YEARS
    if not limits.has_subject(session.product):
        return [Alert("toxin_dose_limit", INFO, mrn, day, f"No limit is on file for {product}: the dose of "
                      f"{_n(session.total_units)} U on {day} and the interval were not checked.")]
    alerts: list[Alert] = []
    totals: defaultdict[tuple[str, str], float] = defaultdict(float)  # (limb, side) -> units
    unknown: defaultdict[str, float] = defaultdict(float)  # x- muscle -> units
    for injection in session.injections:
        limb = _limb(injection.muscle)
        if limb is None:
            unknown[injection.muscle] += injection.units
        else:
            totals[(limb, injection.side)] += injection.units
    limbs: set[str | None] = {limb for limb, _ in totals} | ({None} if unknown else set())
    doses = limits.toxin_doses(session.product, paediatric)
    group = "children" if paediatric else "adults"
    scopes: dict[tuple[str, bool], list[Limit]] = {}
    for row in doses:
        scopes.setdefault((row.limb, row.per_side), []).append(row)
    for (limb, per_side), rows in scopes.items():
        found = _ceiling(rows, weight_kg)
        if found is None:
            continue
        ceiling, binding, how = found
        if limb == "any":
            amounts = [("in the whole session", session.total_units)]
        elif per_side:
            amounts = [(f"into the {side} {limb} limb", units) for (lb, side), units in sorted(totals.items())
                       if lb == limb]
        else:
            amounts = [(f"into the {limb} limbs", sum(u for (lb, _), u in totals.items() if lb == limb))]
        for where, units in amounts:
            if units > ceiling + _EPSILON:
                alerts.append(Alert(
                    "toxin_dose_limit", WARNING, mrn, day,
                    f"{product}: {_n(units)} U {where} on {day} is over the {_scope(binding)} limit of "
                    f"{_n(ceiling)} U{how}, by {_n(units - ceiling)} U.{_unverified(rows)}", _sources(rows)))
    per_kg = [x for x in doses if x.per_kg]
    if paediatric and weight_kg is None and per_kg:
        alerts.append(Alert(
            "toxin_weight_missing", WARNING, mrn, day,
            f"No weight is recorded for this child ({age} years) on or before {day}: the per-kg limits for "
            f"{product} ({', '.join(f'{_n(x.value)} U/kg' for x in per_kg)}) could not be checked. Record a weight.",
            _sources(per_kg)))
    dose_limbs = {x.limb for x in doses}
    if not doses:
        alerts.append(Alert("toxin_dose_limit", INFO, mrn, day, f"No dose limit for {group} is on file for "
                            f"{product}: {_n(session.total_units)} U on {day} were not checked."))
    elif "any" not in dose_limbs:
        for limb in sorted(x for x in limbs if x is not None and x not in dose_limbs):
            units = sum(u for (lb, _), u in totals.items() if lb == limb)
            alerts.append(Alert("toxin_dose_limit", INFO, mrn, day, f"No {limb}-limb or whole-session limit for "
                                f"{group} is on file for {product}: {_n(units)} U into the {limb} limbs on {day} "
                                "were not checked."))
    if unknown:
        checked = "only the whole-session limit was checked" if "any" in dose_limbs else "no limit could be checked"
        muscles = ", ".join(f"{muscle_name(m)} ({_n(u)} U)" for m, u in sorted(unknown.items()))
        alerts.append(Alert("toxin_dose_limit", INFO, mrn, day,
                            f"{product} on {day}: the limb of {muscles} is not known, so {checked} for them."))
    before = [s for s in earlier_sessions if s.date < day]
    minimum = limits.toxin_interval(session.product, paediatric, limbs)
    if before and minimum is not None:
        last = max(before, key=lambda s: s.date)
        allowed = last.date + dt.timedelta(days=math.ceil(minimum.value * 7))
        if day < allowed:
            alerts.append(Alert(
                "toxin_interval", WARNING, mrn, day,
                f"{product} on {day} comes {_weeks_days((day - last.date).days)} after the last botulinum toxin "
                f"session ({words(last.product)} on {last.date}); the minimum re-treatment interval ("
                f"{_scope(minimum).replace('whole-session', 'any limb')}) is {_n(minimum.value)} weeks: "
                f"re-injection allowed from {allowed}.{_unverified([minimum])}", minimum.cited))
    return (alerts + cumulative_alerts(mrn, session, birth_date, weight_kg, earlier_sessions, limits)
            + toxin_age_alerts(mrn, session, birth_date, limits))


# --- oral drugs ----------------------------------------------------------------------------------------

def oral_alerts(mrn: str, drugs: Sequence[OralMedication], birth_date: dt.date, weight_kg: float | None,
                on: dt.date, limits: LimitTable) -> list[Alert]:
    """Each drug taken on `on` against its maximum daily dose for the age (the lower of mg/day and mg/kg/day),
    and two drugs of one class taken together."""
    age = age_in_years(birth_date, on)
    taken: defaultdict[str, float] = defaultdict(float)
    for drug in current_treatments(drugs, on).drugs:  # overlapping periods of one drug add up
        taken[drug.drug] += drug.dose_mg_per_day
    alerts: list[Alert] = []
    for code, dose in taken.items():
        name, rows = words(code), limits.for_drug(code, age)
        if not rows:  # what the label says for the age comes from oral_rules.not_established_alerts
            alerts.append(Alert("oral_dose_limit", INFO, mrn, on, f"No maximum daily dose of {name} is on file for "
                                f"a patient of {age} years: {_n(dose)} mg/day was not checked."))
            continue
        per_kg = [x for x in rows if x.per_kg]
        if weight_kg is None and per_kg:
            alerts.append(Alert("oral_dose_limit", WARNING, mrn, on, f"No weight is recorded for this patient "
                                f"({age} years): the {', '.join(f'{_n(x.value)} mg/kg/day' for x in per_kg)} maximum "
                                f"of {name} could not be checked. Record a weight.", _sources(per_kg)))
        found = _ceiling(rows, weight_kg)
        if found is not None and dose > found[0] + _EPSILON:
            ceiling, _, how = found
            alerts.append(Alert("oral_dose_limit", WARNING, mrn, on,
                                f"{name} {_n(dose)} mg/day is over the maximum daily dose of {_n(ceiling)} mg/day"
                                f"{how} at {age} years.{_indication(rows)}{_unverified(rows)}", _sources(rows)))
    classes: defaultdict[str, list[str]] = defaultdict(list)
    for code in (c for c in taken if c in DRUG_CLASSES):
        classes[DRUG_CLASSES[code]].append(code)
    for drug_class, codes in classes.items():
        if len(codes) > 1:
            alerts.append(Alert("oral_dose_limit", WARNING, mrn, on, f"Two drugs of one class are taken together: "
                                f"{' and '.join(words(c) for c in sorted(codes))} (both {drug_class})."))
    return alerts


# --- intrathecal baclofen pump ---------------------------------------------------------------------------

def titration_origin(diagnosis: str, birth_date: dt.date, on: dt.date) -> str:
    """The origin whose titration step applies: "spinal" or "cerebral". Children take the cerebral-origin step
    whatever the cause (CLINICAL.md: "cerebral origin, children"); a diagnosis of "other" takes it too, the
    smaller step being the cautious one."""
    child = age_in_years(birth_date, on) < ADULT_AGE_YEARS
    return "spinal" if diagnosis in SPINAL_DIAGNOSES and not child else "cerebral"


def pump_alerts(mrn: str, events: Sequence[PumpEvent], on: dt.date, limits: LimitTable, origin: str,
                since: dt.date | None = None) -> list[Alert]:
    """The refill due date of the pump in place, and dose changes larger than the titration step.

    origin is "cerebral" (cerebral palsy, brain injury, stroke, and children) or "spinal" (spinal cord injury,
    multiple sclerosis). Dose changes before `since` are not reported again."""
    if pump_status(events, on) is None:
        return []
    ordered = sorted((e for e in events if e.date <= on), key=lambda e: e.date)
    implant = max(i for i, e in enumerate(ordered) if e.event == "implant")
    current = ordered[implant:]
    return (_refill(mrn, current, on, limits) + _titration(mrn, current, limits, origin, since)
            + first_dose_alerts(mrn, ordered, limits)
            + setting_alerts(mrn, current, limits, since) + replacement_alerts(mrn, current[0], on, limits))


def _refill(mrn: str, events: Sequence[PumpEvent], on: dt.date, limits: LimitTable) -> list[Alert]:
    """The refill due within LOOK_AHEAD, before the pump's low-reservoir alarm (pump_rules.refill_date)."""
    refill = refill_date(events, limits)
    fill, due, alarm, alarm_ml = refill.fill, refill.due, refill.default_alarm, refill.alarm_ml
    if due is None:
        return [Alert("pump_refill_due", INFO, mrn, on, f"The next pump refill date cannot be worked out: the "
                      f"{' and '.join(refill.missing)} at the {words(fill.event)} on {fill.date} are not recorded.")]
    if due > on + LOOK_AHEAD:
        return []
    # No "N days ago" in the words: stored alerts hold for days (scoring/due.py); the worklist counts the days.
    when = f"was due on {due}" if due < on else f"is due by {due}"
    level = (f"the {_n(alarm_ml)} mL low-reservoir alarm" + ("" if alarm is not None else " (this pump's own)")
             if alarm_ml else "empty (no low-reservoir alarm volume is on file)")
    return [Alert("pump_refill_due", WARNING, mrn, due,
                  f"The intrathecal baclofen pump refill {when}: {_n(refill.volume_ml)} mL of "
                  f"{_n(refill.concentration)} µg/mL from the {words(fill.event)} on {fill.date}, at "
                  f"{_n(refill.fill_dose)} µg/day and the doses set since, reaches {level}. Running empty risks "
                  f"baclofen withdrawal (high fever, altered mental state, rebound spasticity, rigidity)."
                  f"{_unverified([alarm] if alarm else [])}", alarm.cited if alarm is not None else None)]


def _titration(mrn: str, events: Sequence[PumpEvent], limits: LimitTable, origin: str,
               since: dt.date | None) -> list[Alert]:
    """Compare each day's final dose with the dose before that day: the step limit is per 24 h.

    Increases before the first refill after the implant are the labels' post-implant titration; from that
    refill on they are maintenance adjustments with the labels' own (larger) figures. Decreases are not
    flagged: the labels lower the dose for side effects, and a dose set to 0 is a pump stop (pump_rules)."""
    first_refill = next((e.date for e in events if e.event == "refill"), None)
    alerts: list[Alert] = []
    by_day: dict[dt.date, float] = {}
    for event in events:
        if event.dose_mcg_per_day:
            by_day[event.date] = event.dose_mcg_per_day
    previous: float | None = None
    for day, dose in by_day.items():
        if previous is not None and dose > previous and (since is None or day >= since):
            percent = (dose - previous) / previous * 100
            phase = "maintenance" if first_refill is not None and day >= first_refill else "post_implant"
            step = limits.itb_titration_step(origin, phase)
            stage = "a maintenance change" if phase == "maintenance" else "a post-implant titration step"
            if step is None:
                alerts.append(Alert("pump_titration_step", INFO, mrn, day, f"Pump dose raised on {day}: no "
                                    f"{stage} limit is on file for {_ORIGIN_WORDS.get(origin, origin)}."))
            elif percent > step.value + _EPSILON:
                alerts.append(Alert(
                    "pump_titration_step", WARNING, mrn, day,
                    f"Intrathecal baclofen dose raised from {_n(previous)} to {_n(dose)} µg/day on {day}: a step of "
                    f"{_n(percent)} %, more than the {_n(step.value)} % of {stage} for "
                    f"{_ORIGIN_WORDS.get(origin, origin)}.{_unverified([step])}", step.cited))
        previous = dose
    return alerts


# --- follow-up -------------------------------------------------------------------------------------------

@functools.cache
def _shipped_limits() -> LimitTable:
    return load_limits()


def _window(mrn: str, seen: Sequence[dt.date], on: dt.date, start: dt.date, end: dt.date, due: dt.date,
            what: str) -> list[Alert]:
    """Any visit in the window meets it. One that ended unmet is overdue unless the patient has been seen since
    (a late follow-up; otherwise every missed window would warn for ever); one that holds `on` or starts
    within LOOK_AHEAD is due."""
    if any(start <= d <= end for d in seen):
        return []  # met
    span = f"window {start} to {end}"
    if end < on:
        if any(end < d <= on for d in seen):
            return []  # seen late: the visit took place after its window
        return [Alert("followup_overdue", WARNING, mrn, due, f"{what} is overdue: due {due} ({span}), no visit "
                      "was recorded.")]
    if start <= on + LOOK_AHEAD:
        return [Alert("followup_due", INFO, mrn, due, f"{what} is due on {due} ({span}).")]
    return []


def followup_alerts(mrn: str, record: PatientRecord, on: dt.date, limits: LimitTable | None = None) -> list[Alert]:
    """Visits due 3, 6 and 12 months after SDR or a pump implant, the review 4-8 weeks after the latest toxin
    session, and the earliest next toxin date (its interval from `limits`, the shipped table by default)."""
    seen = sorted(v.date for v in record.visits if v.date <= on)
    alerts: list[Alert] = []
    procedures = [(t.date, "selective dorsal rhizotomy") for t in record.treatments if isinstance(t, Sdr)]
    procedures += [(t.date, "pump implant") for t in record.treatments
                   if isinstance(t, PumpEvent) and t.event == "implant"]
    for day, name in sorted(procedures):
        for months in POST_OP_MONTHS:
            due = _add_months(day, months)
            alerts += _window(mrn, seen, on, due - POST_OP_WINDOW, due + POST_OP_WINDOW, due,
                              f"The {months}-month visit after the {name} of {day}")
    sessions = [t for t in record.treatments if isinstance(t, ToxinSession) and t.date <= on]
    if not sessions:
        return alerts
    last = max(sessions, key=lambda s: s.date)
    start = last.date + TOXIN_REVIEW_FROM
    alerts += _window(mrn, seen, on, start, last.date + TOXIN_REVIEW_TO, start,
                      f"The review {TOXIN_REVIEW_FROM.days // 7}-{TOXIN_REVIEW_TO.days // 7} weeks after "
                      f"{words(last.product)} on {last.date}")
    table = limits if limits is not None else _shipped_limits()
    paediatric = age_in_years(record.birth_date, on) < ADULT_AGE_YEARS
    minimum = table.toxin_interval(last.product, paediatric, {_limb(i.muscle) for i in last.injections})
    if minimum is not None:
        earliest = last.date + dt.timedelta(days=math.ceil(minimum.value * 7))
        if earliest >= on:
            alerts.append(Alert("followup_due", INFO, mrn, earliest, f"Earliest next botulinum toxin injection: "
                                f"{earliest} ({_n(minimum.value)} weeks after {words(last.product)} on {last.date})."
                                f"{_unverified([minimum])}", minimum.cited))
    return alerts


# --- worsening -------------------------------------------------------------------------------------------

def worsening_alerts(mrn: str, record: PatientRecord) -> list[Alert]:
    """The worsening rule (CLINICAL.md) for the latest visit(s) only, with the trigger checklist to go through."""
    if not record.visits:
        return []
    latest_day = max(v.date for v in record.visits)
    has_pump = pump_status(record.treatments, latest_day) is not None
    triggers = ", ".join(words(t) for t in TRIGGERS if has_pump or t != "itb_pump_problem")
    sessions = toxin_sessions(record)
    alerts: list[Alert] = []
    for visit in (v for v in record.visits if v.date == latest_day):
        flag = worsening(record.visits, visit, sessions)
        if not flag:
            continue
        parts = [("several muscle groups up" if flag.reason == "several groups" else "one muscle group up a lot")
                 + " against the patient's own reference: " + describe(dataclasses.replace(flag, penn_current=None))
                 ] if flag.muscles else []
        if flag.penn_up:
            parts.append(f"Penn spasm frequency up from a median of {flag.penn_previous:g} to {flag.penn_current}")
        alerts.append(Alert("worsening", WARNING, mrn, visit.date, f"Worse at the {words(visit.type)} of "
                            f"{visit.date}: {'; and '.join(parts)}. Look for a trigger: {triggers}."))
    return alerts


# --- one patient -----------------------------------------------------------------------------------------

def _weight_on(visits: Sequence[Visit], day: dt.date) -> float | None:
    weighed = [v for v in visits if v.date <= day and v.weight_kg is not None]
    return max(weighed, key=lambda v: v.date).weight_kg if weighed else None


def patient_alerts(record: PatientRecord, on: dt.date, limits: LimitTable) -> list[Alert]:
    """Every alert of one patient as of `on`, warnings first, then by date.

    Only what is recorded on or before `on` counts. Needs no findings but those of the latest visits (the worsening rule
    reads up to four earlier exams of each group: services/alerts.FINDINGS_OF_LATEST)."""
    visits = tuple(v for v in record.visits if v.date <= on)
    treatments = tuple(t for t in record.treatments if treatment_date(t) <= on)
    as_of = dataclasses.replace(record, visits=visits, treatments=treatments)
    since = _add_months(on, -HISTORY_MONTHS)
    mrn, birth = record.mrn, record.birth_date
    sessions = sorted((t for t in treatments if isinstance(t, ToxinSession)), key=lambda s: s.date)
    alerts: list[Alert] = []
    for session in sessions:
        if session.date >= since:
            weighed = weight_on(visits, session.date)
            alerts += toxin_session_alerts(mrn, session, birth, weighed[0] if weighed else None,
                                           [s for s in sessions if s.date < session.date], limits)
            alerts += toxin_weight_alerts(mrn, session, birth, weighed[1] if weighed else None, limits)
    drugs = [t for t in treatments if isinstance(t, OralMedication)]
    alerts += oral_alerts(mrn, drugs, birth, _weight_on(visits, on), on, limits)
    alerts += not_established_alerts(mrn, drugs, birth, on, limits) + interaction_alerts(mrn, as_of, on, limits)
    alerts += oral_weight_alerts(mrn, drugs, birth, visits, on, limits)
    events = [t for t in treatments if isinstance(t, PumpEvent)]
    origin = titration_origin(record.diagnosis, birth, on)
    alerts += pump_alerts(mrn, events, on, limits, origin, since=since) + stop_alerts(mrn, events, drugs, since)
    alerts += followup_alerts(mrn, as_of, on, limits)
    alerts += worsening_alerts(mrn, as_of)
    return sorted(alerts, key=lambda a: (a.severity != WARNING, a.date, a.code, a.message))
