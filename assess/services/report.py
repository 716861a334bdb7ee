"""The report to the primary care doctor, worked out from the record (what it says, not how it looks)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from assess.record.actor import REPORT
from assess.record.domain import (
    OralMedication,
    Orthosis,
    PatientRecord,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Treatment,
    Visit,
    age_in_years,
    treatment_date,
)
from assess.record.errors import NotFoundError
from assess.record.labels import count, words
from assess.reports.content import Clinic, ExamRow, GoalLine, ReportContent, TreatmentLine
from assess.scoring.arrows import change_words
from assess.scoring.change import latest_findings, toxin_sessions, worsening
from assess.scoring.gas import goals_scored, scored_words, visit_t_score
from assess.scoring.muscles import group_name, groups_of_muscle, muscle_name
from assess.scoring.safety import Alert
from assess.scoring.scales import DAS_DOMAINS, GAS, GMFCS, PAIN_NRS, PENN_FREQUENCY, PENN_SEVERITY
from assess.services import letter
from assess.services import report_text as text
from assess.services.access import require
from assess.services.alerts import alerts
from assess.services.clinic import LetterheadMissingError, clinic_letterhead, letterhead_missing
from assess.services.history import last_weight, patient_history
from assess.services.report_trends import report_trends


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}°"
    return str(value)


def _pick_visit(record: PatientRecord, day: dt.date | None) -> Visit:
    if not record.visits:
        raise NotFoundError(f"patient {record.mrn} has no visit to report")
    if day is None:
        return record.visits[-1]
    chosen = [v for v in record.visits if v.date == day]
    if not chosen:
        raise NotFoundError(f"patient {record.mrn} has no visit on {day}")
    return chosen[-1]


def reported_visit_key(session: Session, mrn: str, visit_date: dt.date | None = None) -> str:
    """The audit trail's name of the visit a report is about ('2026-03-02 follow_up')."""
    visit = _pick_visit(patient_history(session, mrn), visit_date)
    return f"{visit.date.isoformat()} {visit.type}"


def _toxin_between(record: PatientRecord, group: str, side: str, start: dt.date, end: dt.date) -> ToxinSession | None:
    for t in reversed(record.treatments):
        if isinstance(t, ToxinSession) and start < t.date <= end and any(
                i.side == side and group in groups_of_muscle(i.muscle) for i in t.injections):
            return t
    return None


def _summary(record: PatientRecord, visit: Visit, given: Sequence[Treatment]) -> list[str]:
    """Page one's sentences: what changed (MAS, the scale a doctor meets most), what was done."""
    lines: list[str] = []
    history = [v for v in record.visits if v.date <= visit.date]
    moved: dict[str, list[str]] = {"better": [], "worse": []}
    for change in latest_findings(history):
        mas = change.change("mas")
        if change.date != visit.date or mas is None or mas.previous is None or mas.direction not in moved:
            continue
        assert mas.previous_date is not None
        where = f"{change.side} {group_name(change.muscle_group).lower()}"
        line = f"{where}: Modified Ashworth {mas.previous} → {mas.current} since {text.day(mas.previous_date)}"
        toxin = _toxin_between(record, change.muscle_group, change.side, mas.previous_date, visit.date)
        if toxin is not None and mas.direction == "better":
            line += f", after botulinum toxin on {text.day(toxin.date)}"
        moved[mas.direction].append(line)
    if len(moved["better"]) + len(moved["worse"]) <= 3:
        lines += [f"{line[0].upper()}{line[1:]} ({direction})." for direction in ("worse", "better")
                  for line in moved[direction]]
    else:  # many groups moved: one sentence each way, the table has the detail
        for direction in ("worse", "better"):
            if moved[direction]:
                parts = [line.replace(": Modified Ashworth", "").split(" since ")[0] for line in moved[direction]]
                lines.append(f"{direction.capitalize()} on the Modified Ashworth Scale than at the previous "
                             f"examination: {'; '.join(parts)}.")
    if lines:
        lines.append("The Modified Ashworth Scale (MAS) grades resistance to stretch from 0 (normal tone) to 4 "
                     "(rigid); 1+ lies between 1 and 2. Lower is better.")
    elif len(history) > 1:
        lines.append(f"Muscle tone (Modified Ashworth Scale) was unchanged since {text.day(history[-2].date)}.")
    else:
        lines.append(f"First examination at this clinic on {text.day(visit.date)}.")
    return lines


def _done(record: PatientRecord, visit: Visit, given: Sequence[Treatment]) -> list[str]:
    """What was done in the report's period, and the last toxin session when none was given in it."""
    lines = letter.done_lines(given, [_title(t, record) for t in given])
    toxins = [t for t in record.treatments if isinstance(t, ToxinSession) and t.date <= visit.date]
    if toxins and toxins[-1] not in given:
        last = toxins[-1]
        lines.append("Last botulinum toxin session: " + letter.done_lines([last], [_title(last, record)])[0])
    return lines or ["No treatment was started or given since the previous visit."]


def _title(t: Treatment, record: PatientRecord) -> str:
    """A treatment's title with a capital, except free text (a surgery's procedure), printed as recorded."""
    title = _treatment_title(t, record)
    return title if isinstance(t, Surgery) else title[0].upper() + title[1:]


def _treatment_title(t: Treatment, record: PatientRecord) -> str:
    if isinstance(t, ToxinSession):
        weight = last_weight(record, t.date)
        per_kg = f" ({t.total_units / weight[0]:.1f} U/kg at {weight[0]:g} kg)" if weight else ""
        return f"botulinum toxin, {words(t.product)}, {t.total_units:g} U{per_kg}"
    if isinstance(t, OralMedication):
        return f"{words(t.drug)} {t.dose_mg_per_day:g} mg/day started" + (f", until {t.stop}" if t.stop else "")
    if isinstance(t, PumpEvent):
        dose = f", {t.dose_mcg_per_day:g} µg/day" if t.dose_mcg_per_day is not None else ""
        return f"intrathecal baclofen pump {words(t.event)}{dose}"
    if isinstance(t, Sdr):
        return "selective dorsal rhizotomy" + (f" ({t.levels})" if t.levels else "")
    if isinstance(t, Therapy):
        per_week = t.sessions_per_week
        return f"{words(t.therapy)} started" + (f" ({per_week:g} session{'' if per_week == 1 else 's'} a week)"
                                                 if per_week else "")
    if isinstance(t, Orthosis):
        return f"{words(t.orthosis)}" + (f" ({t.body_region})" if t.body_region else "") + " started"
    return t.procedure  # surgery: the last of the seven kinds


def _treatment_line(t: Treatment, record: PatientRecord) -> TreatmentLine:
    details: list[str] = []
    if isinstance(t, ToxinSession):
        details += [f"{i.side.capitalize()} {muscle_name(i.muscle).lower()} {i.units:g} U"
                    + (f" ({count(i.sites, 'site')})" if i.sites else "") for i in t.injections]
        # Lot, dilution and product exactly as recorded: a lot number is what a recall names.
        extra = [f"Dilution {t.dilution_units_per_ml:g} U/mL" if t.dilution_units_per_ml else "",
                 f"Lot {t.lot}" if t.lot else "", f"Guided by {words(t.guidance)}" if t.guidance else ""]
        if any(extra):
            details.append("; ".join(x for x in extra if x))
    elif isinstance(t, PumpEvent):
        details += [x for x in (
            f"Concentration {t.concentration_mcg_per_ml:g} µg/mL" if t.concentration_mcg_per_ml else "",
            f"Volume {t.volume_ml:g} mL" if t.volume_ml else "", f"Pump {t.pump_model}" if t.pump_model else "") if x]
    if t.notes:
        details.append(t.notes)
    return TreatmentLine(treatment_date(t), _title(t, record), tuple(details))


def _exam(record: PatientRecord, visit: Visit) -> tuple[list[ExamRow], set[str]]:
    rows: list[ExamRow] = []
    used: set[str] = set()
    history = [v for v in record.visits if v.date <= visit.date]
    for change in latest_findings(history):
        if change.date != visit.date:
            continue
        for c in change.changes:
            rows.append(ExamRow(group_name(change.muscle_group), change.side, text.SCALE_NAMES[c.scale],
                                _value(c.current), "" if c.previous is None else _value(c.previous),
                                change_words(c)))
            used.add({"tardieu_x": "tardieu", "tardieu_r1": "tardieu", "tardieu_r2": "tardieu",
                      "clonus_beats": "clonus", "clonus_sustained": "clonus"}.get(c.scale, c.scale))
    return rows, used


def _visit_scores(visit: Visit) -> list[str]:
    s = visit.scores
    lines = []
    if s.penn_frequency is not None:
        severity = (f", severity {PENN_SEVERITY.meaning(str(s.penn_severity)).rstrip('.').lower()}"
                    if s.penn_severity else "")
        lines.append(f"Penn spasm frequency {s.penn_frequency}: "
                     f"{PENN_FREQUENCY.meaning(str(s.penn_frequency)).rstrip('.').lower()}{severity}.")
    if s.pain_nrs is not None:
        lines.append(f"Pain {s.pain_nrs} of 10 ({PAIN_NRS.name.lower()}).")
    if s.das_total is not None:
        parts = [f"{DAS_DOMAINS[f.removeprefix('das_')].abbreviation.removeprefix('DAS ')} {getattr(s, f)}"
                 for f in s.DAS_FIELDS if getattr(s, f) is not None]
        lines.append(f"Disability Assessment Scale {s.das_total} of 12 (0 none to 3 severe per domain: "
                     f"{', '.join(parts)}).")
    return lines


def _trigger_actions(record: PatientRecord, visit: Visit) -> list[str]:
    actions = []
    if visit.triggers:
        actions.append("Treat the triggers of spasticity found at this visit: "
                       + ", ".join(words(t) for t in visit.triggers) + ".")
    flag = worsening([v for v in record.visits if v.date <= visit.date], visit, toxin_sessions(record))
    if flag:
        actions.append("Spasticity was worse at this visit: look for and treat a trigger (urinary tract infection, "
                       "constipation, skin breakdown or pressure sores, ingrown toenail, pain, tight clothing or "
                       "orthoses).")
    return actions


def _reason(record: PatientRecord, visit: Visit) -> str:
    cause = words(record.diagnosis) + (f" ({record.diagnosis_note})" if record.diagnosis_note else "")
    return (f"Seen on {text.day(visit.date)} ({words(visit.type)}) for spasticity due to {cause}, by "
            f"{visit.clinician}.")


def build_report(record: PatientRecord, visit: Visit, clinic: Clinic, found: Sequence[Alert],
                 today: dt.date, since: dt.date | None = None, as_of: dt.date | None = None) -> ReportContent:
    """The report of one visit: the letter first, then the detail (CLINICAL.md, the report's contents).

    Everything is judged as of the visit (`as_of`, default the visit's day): medicines, pump, emergencies and
    `found` (the alerts, which the caller computes as of the same day). `today` is only the date written."""
    on = as_of or visit.date
    earlier = [v for v in record.visits if v.date < visit.date]
    start = since or (earlier[-1].date if earlier else record.birth_date)
    given = [t for t in record.treatments if start < treatment_date(t) <= visit.date
             or (isinstance(t, ToxinSession) and t.date == visit.date)]
    exam, used = _exam(record, visit)
    medicines = letter.medicine_limit_status(record, on)
    actions, emergency, warnings = letter.letter_advice(record, on, medicines, given, clinic.phone)
    goals = [g for g in record.goals if g.set_on <= visit.date]
    t_score = visit_t_score(goals, visit.date, visit.goal_scores) if visit.goal_scores else None
    weight = last_weight(record, visit.date)
    lines = [f"age {age_in_years(record.birth_date, visit.date)} at the visit; {words(record.sex)}"
             + (f"; weight {weight[0]:g} kg ({text.day(weight[1])})" if weight else "; no weight recorded")]
    if record.gmfcs:
        lines.append(f"Gross Motor Function Classification System (GMFCS) level {record.gmfcs}: "
                     f"{GMFCS.meaning(record.gmfcs)}")
    pcp = record.primary_care
    notes = [text.SCALE_NOTES[k] for k in ("mas", "tardieu", "prom", "mrc", "reflex", "asas", "clonus") if k in used]
    if visit.scores.penn_frequency is not None:
        notes.append(text.PENN_NOTE)
    scores_by_goal = {s.goal: s.score for s in visit.goal_scores}
    judged = "the same day" if on == visit.date else f"{text.day(on)}"
    signed = "Not signed yet (draft)"
    if visit.status == "signed":
        # The clinician's name, never a computer login; the time in this computer's zone, named.
        signed = f"Signed by {visit.clinician}" + (f" on {text.local_time(visit.signed_at)}" if visit.signed_at else "")
    return ReportContent(
        clinic=clinic, title="Spasticity clinic report", report_date=today, draft=visit.status != "signed",
        patient_name=f"{record.given_name} {record.family_name}", birth_date=record.birth_date, mrn=record.mrn,
        patient_lines=tuple(lines),
        primary_care=", ".join(x for x in (pcp.name, pcp.practice) if x) if pcp else "",
        summary=tuple(_summary(record, visit, given)),
        actions=tuple(actions + _trigger_actions(record, visit) or [text.NOTHING_ASKED.format(phone=clinic.phone)]),
        warnings=tuple(warnings), next_visits=tuple(letter.next_visits(found, record, on)),
        exam=tuple(exam), scale_notes=tuple(notes), visit_scores=tuple(_visit_scores(visit)),
        goals=tuple(GoalLine(g.text, f"{g.baseline:+d} ({GAS.meaning(str(g.baseline)).rstrip('.').lower()})",
                             f"{scores_by_goal[g.id]:+d} ({GAS.meaning(str(scores_by_goal[g.id])).rstrip('.').lower()})"
                             f" on {text.day(visit.date)}" if g.id in scores_by_goal else "not scored at this visit")
                    for g in goals),
        gas_t_score=(f"{t_score:.1f} (50 means the goals were met as expected; above 50, better)"
                     + (f" {scored_words(*goals_scored(goals, visit.date, visit.goal_scores))}".rstrip())
                     if t_score else ""),
        treatments=tuple(_treatment_line(t, record) for t in given),
        triggers=tuple(words(t) for t in visit.triggers),
        alerts=tuple(f"{text.day(a.date)}: {a.message}" for a in found if a.severity == "warning"),
        clinician=visit.clinician, signed=signed,
        trends=report_trends(record, visit, given),
        reason=_reason(record, visit), done=tuple(_done(record, visit, given)), medicines=tuple(medicines),
        pump=tuple(letter.pump_lines(record, on)), emergency=emergency,
        data_through=f"Data up to the visit of {text.day(visit.date)}; medicines, alerts and dates as of {judged}.",
        exam_date=visit.date if exam else None,
    )


def patient_report(session: Session, mrn: str, today: dt.date, visit_date: dt.date | None = None,
                   since: dt.date | None = None, today_alerts: bool = False) -> ReportContent:
    """The report content for a patient's visit (default: the latest), from the stored record, judged as of
    that visit (or as of `today` with `today_alerts`), with the addenda of the visit and of the toxin sessions
    it reports. Refused while the clinic's name or phone is not set. The caller writes the PDF inside
    reads.recorded_report, which records the report once the file is written."""
    from assess.services.signing import addenda, addendum_note

    require(session, REPORT)
    clinic = clinic_letterhead(session)
    missing = letterhead_missing(clinic)
    if missing:
        raise LetterheadMissingError(f"the clinic's {' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} "
                                     "not set, and every report is headed "
                                     "with them: set them with `assess clinic --name NAME --phone PHONE` or in "
                                     "the window (Clinic settings)")
    record = patient_history(session, mrn)
    visit = _pick_visit(record, visit_date)
    as_of = today if today_alerts else visit.date
    content = build_report(record, visit, clinic, alerts(session, as_of, [mrn]), today, since, as_of)
    reported_toxin = {(t.date, t.product) for t in content_toxin_sessions(record, visit, since)}
    notes = [f"{a.describe_record().capitalize()}: {addendum_note(a, visit if a.record == 'visit' else None)}"
             for a in addenda(session, mrn)
             if (a.record == "visit" and (a.record_date, a.record_detail) == visit.key)
             or (a.record == "toxin_session" and (a.record_date, a.record_detail) in reported_toxin)]
    return dataclasses.replace(content, addenda=tuple(notes))


def content_toxin_sessions(record: PatientRecord, visit: Visit, since: dt.date | None) -> list[ToxinSession]:
    """The toxin sessions a report of this visit lists (as build_report chooses the treatments given)."""
    earlier = [v for v in record.visits if v.date < visit.date]
    start = since or (earlier[-1].date if earlier else record.birth_date)
    return [t for t in record.treatments if isinstance(t, ToxinSession) and start <= t.date <= visit.date]
