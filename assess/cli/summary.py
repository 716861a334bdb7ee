"""Plain-text summaries of a patient and of the database, for the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assess.record.domain import PatientRecord, age_in_years
from assess.record.labels import words
from assess.scoring.arrows import LEGEND, change_mark
from assess.scoring.change import FindingChange, ScaleChange, latest_findings
from assess.scoring.current import current_treatments
from assess.scoring.gas import visit_t_score
from assess.scoring.muscles import group_name, muscle_name

COLUMNS = (("mas", "MAS"), ("tardieu_x", "Tardieu X"), ("tardieu_r1", "R1"), ("tardieu_r2", "R2"),
           ("prom", "PROM"), ("mrc", "MRC"), ("reflex", "Reflex"), ("clonus_beats", "Clonus"))


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}°"
    return str(value)


def _change(change: ScaleChange) -> str:
    text = _value(change.current)
    if change.previous is not None and change.direction != "same":
        text += f" (was {_value(change.previous)}, {change_mark(change) or change.direction})"
    return text


def findings_table(changes: Sequence[FindingChange]) -> list[str]:
    used = [(field, title) for field, title in COLUMNS if any(c.change(field) for c in changes)]
    header = ["Muscle group", "Side", "Examined"] + [title for _, title in used]
    rows = [header]
    for c in changes:
        rows.append([group_name(c.muscle_group), c.side, c.date.isoformat()]
                    + [_change(ch) if (ch := c.change(field)) else "" for field, _ in used])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def patient_summary(record: PatientRecord, today: dt.date) -> str:
    lines = [
        f"{record.display_name}   MRN {record.mrn}   born {record.birth_date} "
        f"({age_in_years(record.birth_date, today)} y)   {record.sex}",
        f"Diagnosis: {words(record.diagnosis)}" + (f" ({record.diagnosis_note})" if record.diagnosis_note else "")
        + (f", GMFCS {record.gmfcs}" if record.gmfcs else ""),
    ]
    if record.primary_care:
        pcp = record.primary_care
        contact = ", ".join(x for x in (pcp.practice, f"phone {pcp.phone}" if pcp.phone else None,
                                        f"fax {pcp.fax}" if pcp.fax else None) if x)
        lines.append(f"Primary care: {pcp.name}" + (f" ({contact})" if contact else ""))
    if record.visits:
        last = record.visits[-1]
        lines.append(f"Visits: {len(record.visits)}, {record.visits[0].date} to {last.date}; last: "
                     f"{words(last.type)} on {last.date} by {last.clinician} ({last.status})")
        weights = [v for v in record.visits if v.weight_kg is not None]
        if weights:
            lines.append(f"Weight: {weights[-1].weight_kg:g} kg on {weights[-1].date}")
    else:
        lines.append("No visits recorded yet.")
    changes = latest_findings(record.visits)
    if changes:
        lines += ["", "Latest findings (change since the previous examination of the same group and side; "
                  f"{LEGEND})"]
        lines += ["  " + line for line in findings_table(changes)]
    lines += ["", "Current treatments"] + ["  " + line for line in _current(record, today)]
    if record.goals:
        lines += ["", "Goals (Goal Attainment Scaling)"]
        for goal in record.goals:
            scored = [(v.date, s.score) for v in record.visits for s in v.goal_scores if s.goal == goal.id]
            latest = f"latest {scored[-1][1]:+d} on {scored[-1][0]}" if scored else "not scored yet"
            lines.append(f"  {goal.id}: {goal.text} (set {goal.set_on}, baseline {goal.baseline:+d}; {latest})")
        scored_visits = [v for v in record.visits if v.goal_scores]
        if scored_visits:
            t = visit_t_score(record.goals, scored_visits[-1].date, scored_visits[-1].goal_scores)
            if t is not None:
                lines.append(f"  GAS T-score on {scored_visits[-1].date}: {t:.1f} (50 = goals met as expected)")
    return "\n".join(lines)


def _current(record: PatientRecord, today: dt.date) -> list[str]:
    now = current_treatments(record.treatments, today)
    lines = [f"{words(d.drug).capitalize()} {d.dose_mg_per_day:g} mg/day since {d.start}" for d in now.drugs]
    if now.pump:
        pump = now.pump
        dose = f", {pump.dose_mcg_per_day:g} µg/day" if pump.dose_mcg_per_day is not None else ""
        conc = f" at {pump.concentration_mcg_per_ml:g} µg/mL" if pump.concentration_mcg_per_ml is not None else ""
        refill = f", last refill {pump.last_refill.date}" if pump.last_refill else ""
        lines.append(f"Intrathecal baclofen pump since {pump.implanted_on}{dose}{conc}{refill}")
    lines += [f"{words(t.therapy).capitalize()} since {t.start}" for t in now.therapies]
    lines += [f"{words(o.orthosis).capitalize()}" + (f" ({o.body_region})" if o.body_region else "")
              + f" since {o.start}" for o in now.orthoses]
    if now.last_toxin:
        toxin = now.last_toxin
        muscles = ", ".join(f"{i.side} {muscle_name(i.muscle).lower()} {i.units:g} U" for i in toxin.injections)
        lines.append(f"Last botulinum toxin {toxin.date}: {words(toxin.product)}, {toxin.total_units:g} U "
                     f"({muscles})")
    return lines or ["None recorded."]
