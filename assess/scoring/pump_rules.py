"""Intrathecal baclofen pump rules from the labels: the first daily dose after implant, stopping the pump,
the marketed concentrations, daily doses far above the maintenance ranges, the refill date before the pump's
low-reservoir alarm, and the pump's replacement date."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from assess.record.domain import OralMedication, PumpEvent
from assess.record.labels import words
from assess.scoring.alerting import INFO, WARNING, Alert, add_months, n, unverified
from assess.scoring.current import current_treatments
from assess.scoring.limits import Limit, LimitTable

# The boxed warning of LIORESAL INTRATHECAL and GABLOFEN (read in the GABLOFEN label text on medlibrary.org,
# 2026-12-01): abrupt discontinuation, whatever the cause.
BOXED_WARNING_SOURCE = ("LIORESAL INTRATHECAL (baclofen injection) and GABLOFEN US prescribing information, "
                        "boxed warning")
BOXED_WARNING = ("Abrupt discontinuation of intrathecal baclofen, whatever the cause, has resulted in high fever, "
                 "altered mental status, exaggerated rebound spasticity and muscle rigidity, that in rare cases "
                 "advanced to rhabdomyolysis, multiple organ-system failure and death (boxed warning).")
# What to cover with: the labels' warnings section on withdrawal, which was read only in summaries: unverified.
COVER = ("Restore intrathecal delivery as soon as possible; until then cover with GABA-ergic drugs (oral or enteral "
         "baclofen, or oral, enteral or intravenous benzodiazepines), and do not rely on oral baclofen alone "
         "(labels' warnings on withdrawal, read in summaries only: unverified).")
_COVERING = ("baclofen", "diazepam", "clonazepam")


def _cover(drugs: Sequence[OralMedication], day: dt.date) -> str:
    taken = sorted({d.drug for d in current_treatments(drugs, day).drugs if d.drug in _COVERING})
    return (f" Recorded cover: {', '.join(words(t) for t in taken)}." if taken
            else " No oral baclofen or benzodiazepine is recorded as taken.")


def first_dose_alerts(mrn: str, events: Sequence[PumpEvent], limits: LimitTable) -> list[Alert]:
    """The daily dose set at each implant against the last screening bolus before it: the label starts at twice
    the screening dose (the screening dose itself when its effect lasted over 8 hours)."""
    factor = limits.first("itb_first_dose_max_times_screening")
    ordered = sorted(events, key=lambda e: e.date)
    alerts: list[Alert] = []
    for i, implant in enumerate(ordered):
        if implant.event != "implant" or not implant.dose_mcg_per_day or factor is None:
            continue
        screens = [e for e in ordered[:i] if e.event == "screening" and e.bolus_mcg]
        if not screens or screens[-1].bolus_mcg is None:
            continue
        bolus = screens[-1].bolus_mcg
        if implant.dose_mcg_per_day > bolus * factor.value + 1e-9:
            alerts.append(Alert(
                "pump_first_dose", WARNING, mrn, implant.date,
                f"The first intrathecal baclofen dose after the implant on {implant.date} is "
                f"{n(implant.dose_mcg_per_day)} µg/day, over {n(factor.value)} × the {n(bolus)} µg screening bolus of "
                f"{screens[-1].date} ({n(bolus * factor.value)} µg/day; the screening dose itself when its effect "
                f"lasted over 8 hours).{unverified([factor])}", factor.cited))
    return alerts


def stop_alerts(mrn: str, events: Sequence[PumpEvent], drugs: Sequence[OralMedication], since: dt.date | None,
                ) -> list[Alert]:
    """An explant, a daily dose set to 0, or a pump event when no pump is on record (its state unknown): each
    warns of abrupt withdrawal and what to cover with. Events before `since` are not reported again."""
    alerts: list[Alert] = []
    in_place = False
    for event in sorted(events, key=lambda e: e.date):
        what = None
        if event.event == "implant":
            in_place = True
        elif event.event == "explant":
            what = f"The intrathecal baclofen pump was explanted on {event.date}" if in_place else (
                f"A pump explant is recorded on {event.date} with no implant on record: the pump's state is unknown")
            in_place = False
        elif event.event in ("dose_change", "refill") and not in_place:
            what = (f"A pump {words(event.event)} is recorded on {event.date} with no pump in place on record: "
                    "the pump's state is unknown")
        elif event.event == "dose_change" and event.dose_mcg_per_day == 0:
            what = f"The intrathecal baclofen dose was set to 0 µg/day on {event.date}"
        if what is not None and (since is None or event.date >= since):
            alerts.append(Alert("pump_stop", WARNING, mrn, event.date,
                                f"{what}. {BOXED_WARNING} {COVER}{_cover(drugs, event.date)}", BOXED_WARNING_SOURCE))
    return alerts


def setting_alerts(mrn: str, events: Sequence[PumpEvent], limits: LimitTable, since: dt.date | None) -> list[Alert]:
    """A concentration that is not a marketed strength, and a daily dose above the labels' limited experience."""
    strengths = limits.rows("itb_concentration_strength")
    ceiling = limits.first("itb_daily_dose_limited_experience")
    alerts: list[Alert] = []
    for event in sorted(events, key=lambda e: e.date):
        if since is not None and event.date < since:
            continue
        conc = event.concentration_mcg_per_ml
        if conc and strengths and all(abs(conc - s.value) > 1e-9 for s in strengths):
            alerts.append(Alert(
                "pump_concentration", WARNING, mrn, event.date,
                f"The pump concentration {n(conc)} µg/mL at the {words(event.event)} on {event.date} is not a marketed "
                f"strength ({', '.join(n(s.value) for s in strengths)} µg/mL): check the vial and the pump's "
                f"programmed concentration.{unverified(strengths)}", strengths[0].cited))
        dose = event.dose_mcg_per_day
        if ceiling is not None and dose and dose > ceiling.value + 1e-9:
            alerts.append(Alert(
                "pump_dose_ceiling", WARNING, mrn, event.date,
                f"Intrathecal baclofen {n(dose)} µg/day on {event.date} is above {n(ceiling.value)} µg/day, where the "
                f"labels report limited experience (usual maintenance 300-800 µg/day spinal, 90-703 µg/day "
                f"cerebral origin).{unverified([ceiling])}", ceiling.cited))
    return alerts


@dataclass(frozen=True)
class Refill:
    """When the pump's reservoir reaches its low-reservoir alarm, from its last fill and the doses set since."""

    fill: PumpEvent  # the last implant or refill
    missing: tuple[str, ...] = ()  # what the fill lacks to work the date out ("volume", "concentration", ...)
    due: dt.date | None = None  # the last whole day before the alarm: the refill is due by then
    alarm_ml: float = 0.0  # the alarm volume used
    default_alarm: Limit | None = None  # the table's default, used when the pump's own volume is not recorded
    volume_ml: float = 0.0  # filled at the last fill
    concentration: float = 0.0
    fill_dose: float = 0.0


def _last(events: Sequence[PumpEvent], field: str) -> float | None:
    """The latest recorded value of a setting (a refill may leave the concentration or dose unsaid)."""
    values = [v for v in (getattr(e, field) for e in events) if v]
    return float(values[-1]) if values else None


def refill_date(events: Sequence[PumpEvent], limits: LimitTable) -> Refill:
    """days until the alarm = (volume - alarm volume) x concentration / dose, through each dose change.
    `events`: the pump in place, its implant first, in date order."""
    last_fill = max(i for i, e in enumerate(events) if e.event in ("implant", "refill"))
    fill, upto = events[last_fill], events[:last_fill + 1]
    concentration = _last(upto, "concentration_mcg_per_ml")
    fill_dose = _last(upto, "dose_mcg_per_day")
    missing = tuple(what for what, value in (("volume", fill.volume_ml), ("concentration", concentration),
                                             ("daily dose", fill_dose)) if not value)
    if missing or fill.volume_ml is None or concentration is None or fill_dose is None:
        return Refill(fill, missing)
    alarm = limits.itb_low_reservoir()
    alarm_ml = alarm.value if alarm is not None else 0.0
    if events[0].alarm_ml is not None:  # the pump's own alarm volume, recorded at its implant
        alarm, alarm_ml = None, events[0].alarm_ml
    remaining_mcg = (fill.volume_ml - alarm_ml) * concentration  # what may be given before the alarm
    start, rate = fill.date, fill_dose
    for event in (e for e in events[last_fill + 1:] if e.dose_mcg_per_day):
        used = rate * (event.date - start).days
        if used >= remaining_mcg:
            break
        remaining_mcg -= used
        start, rate = event.date, float(event.dose_mcg_per_day or rate)
    # The refill is due on the last whole day before the reservoir falls to the alarm volume.
    due = start + dt.timedelta(days=math.floor(max(remaining_mcg, 0.0) / rate))
    return Refill(fill, (), due, alarm_ml, alarm, fill.volume_ml, concentration, fill_dose)


def replacement_date(implant: PumpEvent, limits: LimitTable) -> tuple[dt.date, bool] | None:
    """The day the pump is due for replacement and whether it is estimated: the recorded date, or, with none,
    the longest service life on file from the implant."""
    life = limits.first("itb_pump_service_life_years")
    if implant.replacement_due is not None:
        return implant.replacement_due, False
    if life is not None:
        return add_months(implant.date, math.floor(life.value * 12)), True
    return None


def replacement_alerts(mrn: str, implant: PumpEvent, on: dt.date, limits: LimitTable) -> list[Alert]:
    """The pump in place is due for replacement (battery / elective replacement indicator): from the notice
    period before the recorded date, or, with no date recorded, before the longest service life on file."""
    life = limits.first("itb_pump_service_life_years")
    notice = limits.first("itb_replacement_notice_months")
    found = replacement_date(implant, limits)
    if found is None:
        return []
    due, estimated = found
    months = int(notice.value) if notice is not None else 6
    if on < add_months(due, -months):
        return []
    used = [x for x in (life if estimated else None, notice) if x is not None]
    if estimated:
        what = (f"no replacement date is recorded; at most {n(life.value if life else 0)} years of service from the "
                f"implant on {implant.date} ends on {due} (typically 5 to 7 years, depending on the dose): record the "
                "date the programmer gives")
    else:
        what = f"its recorded replacement date is {due}"
    when = f"was due on {due}" if due < on else f"is due by {due}"
    return [Alert("pump_replacement_due", WARNING if due <= add_months(on, 3) else INFO, mrn, due,
                  f"The intrathecal baclofen pump replacement {when}: {what}. Schedule it about {months} months "
                  f"ahead: a pump that stops means abrupt withdrawal.{unverified(used)}",
                  "; ".join(dict.fromkeys(x.cited for x in used)) or None)]
