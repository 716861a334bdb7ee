"""Page one of the report, the letter to the primary care doctor: medicines with their limits, the plan, emergencies.

What the letter says is decided here, as plain words; assess.reports lays it out. Two questions go to the safety
rules through one function each: `medicine_limit_status` (each current medicine and whether it is over its
label maximum, from assess.scoring.medicines) and `pump_dates` (the next refill before the pump's own
low-reservoir alarm, from the pump rules). The interactions found among the patient's other medicines come first
in what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assess.record.domain import (
    PatientRecord,
    PumpEvent,
    ToxinSession,
    Treatment,
    age_in_years,
    treatment_date,
)
from assess.record.labels import count, words
from assess.reports.content import Medicine
from assess.scoring.current import current_treatments
from assess.scoring.limits import ADULT_AGE_YEARS, LimitTable, load_limits
from assess.scoring.medicines import current_medicines, interactions
from assess.scoring.muscles import muscle_name
from assess.scoring.response import EFFECT_END
from assess.scoring.safety import SPINAL_DIAGNOSES, WARNING, Alert, pump_alerts
from assess.services import report_text as text
from assess.services.history import last_weight

# Alerts that are a date to keep: the letter's "Next visits", overdue ones first.
DUE_CODES = ("followup_overdue", "pump_refill_due", "followup_due")
FAR_FUTURE = dt.timedelta(days=3650)  # the refill rule only speaks of a refill due within weeks: ask from far ahead


def medicine_limit_status(record: PatientRecord, on: dt.date, limits: LimitTable | None = None) -> list[Medicine]:
    """Each oral medicine taken on `on` with its dose, flagged when it is over its label maximum for the patient's
    age and weight (assess.scoring.medicines, the same rule the alerts use), or when a per-kg maximum could not be
    checked for want of a weight."""
    table = limits or load_limits()
    periods = current_treatments(record.treatments, on).drugs
    weight = last_weight(record, on)
    age = age_in_years(record.birth_date, on)
    medicines = []
    for status in current_medicines(record, on, table):
        name = words(status.drug)
        since = min(d.start for d in periods if d.drug == status.drug)
        flag = ""
        if status.over and status.maximum_mg_per_day is not None:
            # The label behind the figure is cited with the alert in the appendix; the letter says the figure.
            per_kg = "" if status.how == f"{status.maximum_mg_per_day:g} mg/day" else f" ({status.how})"
            flag = (f"over the maximum daily dose of {status.maximum_mg_per_day:g} mg/day at {age} years{per_kg}"
                    + ("" if status.verified else ", a limit not yet verified against the label"))
        elif weight is None and any(row.per_kg for row in table.for_drug(status.drug, age)):
            flag = "its mg/kg maximum could not be checked: no weight is recorded"
        medicines.append(Medicine(f"{name.capitalize()} {status.dose_mg_per_day:g} mg/day by mouth (since "
                                  f"{text.day(since)})", flag))
    return medicines


def _origin(record: PatientRecord, on: dt.date) -> str:
    """The titration origin the safety rules use (children and non-spinal causes: cerebral)."""
    child = age_in_years(record.birth_date, on) < ADULT_AGE_YEARS
    return "spinal" if record.diagnosis in SPINAL_DIAGNOSES and not child else "cerebral"


def pump_dates(record: PatientRecord, on: dt.date, limits: LimitTable | None = None) -> tuple[dt.date, bool] | None:
    """The last day before the pump's reservoir reaches its low-reservoir alarm (the refill due date) from the
    events up to `on`, and whether the alarm volume behind it is unverified; None when it cannot be worked out.
    Uses the pump's refill rule (scoring.safety.pump_alerts, with the pump's own alarm volume when recorded)."""
    events = [t for t in record.treatments if isinstance(t, PumpEvent) and t.date <= on]
    far = on + FAR_FUTURE
    found = pump_alerts(record.mrn, events, far, limits or load_limits(), _origin(record, on), since=far)
    due = [a for a in found if a.code == "pump_refill_due" and a.severity == WARNING]
    return (due[0].date, "unverified" in due[0].message) if due else None


def pump_lines(record: PatientRecord, on: dt.date) -> list[str]:
    """The pump in place on `on`: dose, concentration, pump, the next refill and the alarm dates."""
    pump = current_treatments(record.treatments, on).pump
    if pump is None:
        return []
    settings = [f"{pump.dose_mcg_per_day:g} µg/day" if pump.dose_mcg_per_day else "dose not recorded",
                f"concentration {pump.concentration_mcg_per_ml:g} µg/mL" if pump.concentration_mcg_per_ml
                else "concentration not recorded"]
    models = [t.pump_model for t in record.treatments if isinstance(t, PumpEvent) and t.date <= on and t.pump_model]
    lines = [f"Intrathecal baclofen pump (implanted {text.day(pump.implanted_on)}"
             + (f", {models[-1]}" if models else "") + f"): {', '.join(settings)}."]
    dates = pump_dates(record, on)
    if dates is None:
        lines.append("Next refill: not worked out (the volume, concentration or dose of the last fill is not "
                     "recorded); ask the clinic.")
    else:
        due, unverified = dates
        late = " — OVERDUE" if due < on else ""
        caveat = " (the alarm volume used is unverified: confirm it from the pump's manual)" if unverified else ""
        lines.append(f"Next refill due by {text.day(due)}{late}; the low-reservoir alarm is expected from "
                     f"{text.day(due + dt.timedelta(days=1))}{caveat}.")
    return lines


def _phone(phone: str) -> str:
    return f" on {phone}" if phone else ""


def letter_advice(record: PatientRecord, on: dt.date, medicines: Sequence[Medicine],
                  given: Sequence[Treatment], phone: str) -> tuple[list[str], str, list[str]]:
    """What to do (actions for this doctor), the emergency instruction and the emergencies' signs, as of `on`."""
    now = current_treatments(record.treatments, on)
    # A contraindicated pair and a medicine over its limit first: they are what this doctor must act on.
    actions = [f"{found.message[0].upper()}{found.message[1:]} Source: {found.source}."
               for found in interactions(record, on, load_limits())]
    actions += [text.OVER_LIMIT.format(medicine=m.text.split(" by mouth")[0], flag=m.flag) for m in medicines
                if m.flag.startswith("over")]
    for drug in now.drugs:
        if drug.drug in text.TAPER:
            actions.append(text.TAPER[drug.drug])
        if drug.drug == "tizanidine":
            actions += [text.TIZANIDINE_CONTRAINDICATED, text.TIZANIDINE_LIVER]
        if drug.drug == "dantrolene":
            actions.append(text.DANTROLENE_LIVER)
    warnings: list[str] = []
    if now.pump is not None:
        actions.insert(0, text.PUMP_FIRST.format(phone=_phone(phone)))
        warnings += [text.ITB_WITHDRAWAL + ".", text.ITB_OVERDOSE + "."]
    toxin = now.last_toxin
    if toxin is not None and (toxin in given or on - toxin.date <= EFFECT_END):
        warnings.append(f"After the botulinum toxin injection of {text.day(toxin.date)}: {text.TOXIN_SPREAD}.")
    emergency = text.EMERGENCY.format(phone=_phone(phone)) if warnings else ""
    return actions, emergency, warnings


def done_lines(given: Sequence[Treatment], titles: Sequence[str]) -> list[str]:
    """What was done: each toxin session's muscles and doses, side by side; other treatments by their titles."""
    lines = []
    for t, title in zip(given, titles, strict=True):
        line = f"{text.day(treatment_date(t))}: {title}"
        if isinstance(t, ToxinSession):
            sides = []
            for side in ("left", "right"):
                parts = [f"{muscle_name(i.muscle).lower()} {i.units:g} U"
                         + (f" ({count(i.sites, 'site')})" if i.sites else "") for i in t.injections if i.side == side]
                if parts:
                    sides.append(f"{side}: {', '.join(parts)}")
            line += " — " + "; ".join(sides) if sides else ""
        lines.append(line + ".")
    return lines


def next_visits(found: Sequence[Alert], record: PatientRecord, on: dt.date) -> list[str]:
    """Dates to keep, urgent first: what is overdue, then refills and visits due, each by date; the pump's next
    refill even when it is further ahead than the alerts look."""
    due = sorted((a for a in found if a.code in DUE_CODES),
                 key=lambda a: (a.code != "followup_overdue", a.severity != WARNING, a.date))
    lines = [("OVERDUE: " if a.code == "followup_overdue" else "") + a.message for a in due]
    refill = pump_dates(record, on) if current_treatments(record.treatments, on).pump is not None else None
    if refill is not None and not any(a.code == "pump_refill_due" for a in due):
        lines.append(f"Pump refill due by {text.day(refill[0])}.")
    return lines or ["No follow-up is due yet: the clinic will send the date of the next visit."]
