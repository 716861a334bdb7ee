"""What the report to the primary care doctor says, as plain data (CLINICAL.md, "What the report ... holds").

Built by assess.services.report from the record; drawn by assess.reports.pdf. Every sentence is final text:
the PDF builder decides layout only, never wording or clinical content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assess.record.domain import PatientRecord


@dataclass(frozen=True)
class Clinic:
    """The clinic's letterhead (clinic settings, shared by every workstation)."""

    name: str
    address: str = ""
    phone: str = ""
    fax: str = ""
    paper: str = "letter"  # "letter" (US Letter, the default) or "a4"


@dataclass(frozen=True)
class Medicine:
    """A medicine the patient takes on the day reported, with its dose; `flag` says when it is over its limit."""

    text: str  # "Tizanidine 48 mg/day (since 2025-01-10)"
    flag: str = ""  # "" or e.g. "over the maximum daily dose of 36 mg/day at 52 years"


@dataclass(frozen=True)
class ExamRow:
    """One muscle group and side, one scale: the latest value and the one before, in words."""

    muscle_group: str  # readable name, e.g. "Ankle plantarflexors (knee extended)"
    side: str  # "left" / "right"
    scale: str  # abbreviation as introduced in the text, e.g. "MAS", "Tardieu R1", "PROM", "MRC"
    latest: str  # e.g. "1+", "-5°"
    previous: str  # "" when there is no earlier value
    change: str  # "better", "worse", "same", "changed" or "" (first examination): the word, without a mark


@dataclass(frozen=True)
class TreatmentLine:
    """A treatment given in the report's period, in words, with its details lines."""

    date: dt.date
    title: str  # e.g. "Botulinum toxin: onabotulinumtoxinA (Botox), 260 U (11.5 U/kg at 22.6 kg)"
    details: tuple[str, ...]  # e.g. ("Left soleus 40 U (2 sites)", "Dilution 50 U/mL; lot C123")


@dataclass(frozen=True)
class GoalLine:
    text: str
    baseline: str  # e.g. "-1 (less than expected)"
    latest: str  # e.g. "0 (expected level) on 2025-06-09" or "not scored yet"


@dataclass(frozen=True)
class TrendChart:
    """One chart of the report, drawn by the same functions as the window (assess.reports.charts)."""

    group: str | None  # a muscle group code, or None for a visit score
    chart: str  # "mas", "tardieu", ... or a visit score code ("penn_frequency")
    caption: str  # why this chart is in the report, in words


@dataclass(frozen=True)
class Trends:
    """The pictures of the report: the body map at the visit, a few trend charts, the toxin responses."""

    history: PatientRecord  # the record up to the visit: what the charts draw
    body_map: tuple[tuple[str, str, str], ...]  # (muscle group, side, latest MAS grade)
    charts: tuple[TrendChart, ...]
    response_note: str  # the responder rule, in words
    # The toxin responses, head to toe, each group's newest session first: (session with its product, muscle
    # group, side, verdict), e.g.
    # ("2026-04-14 Dysport 270 U", "Hip flexors", "right", "yes (MAS 3 → 2)"); printed as a table of each
    # group and side against the sessions.
    responses: tuple[tuple[str, ...], ...]
    response_headers: tuple[str, ...] = ()  # the titles of the four parts


@dataclass(frozen=True)
class ReportContent:
    """Everything printed, in order. Page one is the letter (US consult-letter order): `reason`, the findings
    (`summary`), what was done (`done`), `medicines`, the plan (`pump`, `actions`), the emergencies
    (`emergency`, `warnings`) and `next_visits`; the appendix follows from page two."""

    clinic: Clinic
    title: str  # e.g. "Spasticity clinic report"
    report_date: dt.date
    draft: bool  # the visit is not signed: "DRAFT" on every page
    # Who: printed on every page's header: name, birth date, MRN.
    patient_name: str
    birth_date: dt.date
    mrn: str
    patient_lines: tuple[str, ...]  # diagnosis and cause, GMFCS with its meaning, visit type and date, clinician
    primary_care: str  # "Dr A. Rao, Elm Street Practice" or ""
    summary: tuple[str, ...]  # plain-word sentences: what changed, what was done
    actions: tuple[str, ...]  # what the primary care doctor should do
    warnings: tuple[str, ...]  # emergencies: each the full list of signs of one danger (boxed warnings)
    next_visits: tuple[str, ...]  # planned and due dates
    exam: tuple[ExamRow, ...]
    scale_notes: tuple[str, ...]  # each scale named in full at first use, with what its grades mean
    visit_scores: tuple[str, ...]  # Penn, pain, DAS lines
    goals: tuple[GoalLine, ...]
    gas_t_score: str  # "" when no goal was scored
    treatments: tuple[TreatmentLine, ...]
    triggers: tuple[str, ...]  # triggers found at the visit, in words
    alerts: tuple[str, ...]  # open alerts with their dates
    clinician: str
    signed: str  # "Signed by Dr K. Osei on 2025-06-09 11:30 UTC" or "Not signed (draft)"
    trends: Trends | None = None  # None: no pictures (a report of a first visit has no trend yet)
    # Corrections made after signing, each with its author and time, printed after the signature.
    addenda: tuple[str, ...] = ()
    reason: str = ""  # why the patient was seen, in one sentence
    done: tuple[str, ...] = ()  # what was done: each toxin session's muscles and doses per side, other treatments
    medicines: tuple[Medicine, ...] = ()  # taken on the day reported
    pump: tuple[str, ...] = ()  # the pump's dose, concentration, next refill and alarm dates
    emergency: str = ""  # what to do in an emergency, with the clinic's phone
    data_through: str = ""  # the day the report's data runs to, and the day its alerts are judged on
    exam_date: dt.date | None = None  # the examination the appendix's table shows
