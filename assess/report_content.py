"""What the report to the primary care doctor says, as plain data (CLINICAL.md, "What the report ... holds").

Built by assess.services.report from the record; drawn by assess.reports.pdf. Every sentence is final text:
the PDF builder decides layout only, never wording or clinical content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Clinic:
    """The clinic's letterhead (clinic settings, shared by every workstation)."""

    name: str
    address: str = ""
    phone: str = ""
    fax: str = ""
    paper: str = "letter"  # "letter" (US Letter, the default) or "a4"


@dataclass(frozen=True)
class ExamRow:
    """One muscle group and side, one scale: the latest value and the one before, in words."""

    muscle_group: str  # readable name, e.g. "Ankle plantarflexors (knee extended)"
    side: str  # "left" / "right"
    scale: str  # abbreviation as introduced in the text, e.g. "MAS", "Tardieu R1", "PROM", "MRC"
    latest: str  # e.g. "1+", "-5°"
    previous: str  # "" when there is no earlier value
    change: str  # "better", "worse", "same", "changed" or "" (first examination)


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
class ReportContent:
    """Everything printed, in order. The first page is `summary`, `actions`, `warnings` and `next_visits`."""

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
    warnings: tuple[str, ...]  # what to watch for (with the clinic's phone where a warning is)
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
    # Corrections made after signing, each with its author and time, printed after the signature.
    addenda: tuple[str, ...] = ()
