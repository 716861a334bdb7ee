"""A patient's record as plain frozen data: what every layer passes around (no ORM objects)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Literal

VISIT_TYPES: tuple[str, ...] = (
    "initial", "follow_up", "post_injection_review", "post_op_3_months", "post_op_6_months",
    "post_op_12_months", "itb_refill", "dosing", "other",
)
VISIT_STATUSES: tuple[str, ...] = ("draft", "signed")
SEXES: tuple[str, ...] = ("female", "male", "other", "unknown")
DIAGNOSES: tuple[str, ...] = (
    "cerebral_palsy", "brain_injury", "stroke", "spinal_cord_injury", "multiple_sclerosis", "other",
)
TRIGGERS: tuple[str, ...] = (
    "uti", "urinary_retention", "constipation", "pressure_sore", "ingrown_toenail", "infection", "fever", "pain",
    "tight_clothing_or_orthosis", "fracture", "ms_relapse", "menstruation", "fatigue", "stress", "cold",
    "itb_pump_problem",
)
SYMPTOMS: tuple[str, ...] = (
    "leg_crossing", "joint_deformity", "stiffness", "spasms", "muscle_fatigue", "joint_pain", "frozen_joint",
)
TREATMENT_KINDS: tuple[str, ...] = (
    "therapy", "orthosis", "oral_medication", "botulinum_toxin", "itb_pump", "sdr", "surgery",
)
TOXIN_PRODUCTS: tuple[str, ...] = (
    "onabotulinumtoxinA", "abobotulinumtoxinA", "incobotulinumtoxinA", "rimabotulinumtoxinB",
)
DRUGS: tuple[str, ...] = ("baclofen", "diazepam", "clonazepam", "dantrolene", "tizanidine", "clonidine", "gabapentin")
PUMP_EVENTS: tuple[str, ...] = ("screening", "implant", "dose_change", "refill", "explant")
THERAPIES: tuple[str, ...] = ("physical", "occupational")
ORTHOSES: tuple[str, ...] = ("cast", "serial_casting", "brace", "splint")
GUIDANCE: tuple[str, ...] = ("ultrasound", "emg", "electrical_stimulation", "palpation")

Side = Literal["left", "right"]


@dataclass(frozen=True)
class Contact:
    """The patient's primary care doctor: who receives the report."""

    name: str
    practice: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Goal:
    """A Goal Attainment Scaling goal; weight = importance x difficulty (Turner-Stokes 2009)."""

    id: str
    text: str
    set_on: dt.date
    baseline: int
    importance: int | None = None
    difficulty: int | None = None


@dataclass(frozen=True)
class Finding:
    """One muscle group on one side at one visit; every scale optional, at least one present."""

    muscle_group: str
    side: str
    mas: str | None = None
    tardieu_x: int | None = None
    tardieu_r1: float | None = None
    tardieu_r2: float | None = None
    asas: int | None = None
    prom: float | None = None
    mrc: str | None = None
    reflex: str | None = None
    clonus_beats: int | None = None
    clonus_sustained: bool | None = None
    note: str | None = None
    # How the knee-flexor angles (the popliteal angle) were measured: None for the format's convention (the
    # anatomical angle, larger = less tight), "extension_deficit" for degrees short of full extension. The
    # angles above are always held in the format's convention; this only says how to show them as measured.
    angle_convention: str | None = None

    SCALE_FIELDS: ClassVar[tuple[str, ...]] = (
        "mas", "tardieu_x", "tardieu_r1", "tardieu_r2", "asas", "prom", "mrc", "reflex",
        "clonus_beats", "clonus_sustained", "note",
    )

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.SCALE_FIELDS)


@dataclass(frozen=True)
class VisitScores:
    """Visit-level scores: Penn, pain, SCATS and the Disability Assessment Scale."""

    penn_frequency: int | None = None
    penn_severity: int | None = None
    pain_nrs: int | None = None
    scats_clonus: int | None = None
    scats_flexor_spasm: int | None = None
    scats_extensor_spasm: int | None = None
    das_hygiene: int | None = None
    das_dressing: int | None = None
    das_limb_position: int | None = None
    das_pain: int | None = None

    DAS_FIELDS: ClassVar[tuple[str, ...]] = ("das_hygiene", "das_dressing", "das_limb_position", "das_pain")

    @property
    def das_total(self) -> int | None:
        """Sum of the DAS domains scored (0-12); None when no domain was scored."""
        values = [getattr(self, f) for f in self.DAS_FIELDS if getattr(self, f) is not None]
        return sum(values) if values else None


@dataclass(frozen=True)
class GoalScore:
    goal: str
    score: int


@dataclass(frozen=True)
class Visit:
    """One examination; identified by (patient, date, type)."""

    date: dt.date
    type: str
    clinician: str
    status: str = "draft"
    signed_at: dt.datetime | None = None
    weight_kg: float | None = None
    findings: tuple[Finding, ...] = ()
    scores: VisitScores = field(default_factory=VisitScores)
    triggers: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    goal_scores: tuple[GoalScore, ...] = ()
    notes: str | None = None

    @property
    def key(self) -> tuple[dt.date, str]:
        return (self.date, self.type)

    def finding(self, muscle_group: str, side: str) -> Finding | None:
        for finding in self.findings:
            if finding.muscle_group == muscle_group and finding.side == side:
                return finding
        return None


@dataclass(frozen=True)
class Therapy:
    therapy: str
    start: dt.date
    end: dt.date | None = None
    sessions_per_week: float | None = None
    notes: str | None = None
    kind: ClassVar[str] = "therapy"


@dataclass(frozen=True)
class Orthosis:
    orthosis: str
    start: dt.date
    body_region: str | None = None
    side: str | None = None
    end: dt.date | None = None
    notes: str | None = None
    kind: ClassVar[str] = "orthosis"


@dataclass(frozen=True)
class OralMedication:
    """A period on one drug at one daily dose; a dose change is a new period."""

    drug: str
    dose_mg_per_day: float
    start: dt.date
    stop: dt.date | None = None
    notes: str | None = None
    kind: ClassVar[str] = "oral_medication"


@dataclass(frozen=True)
class Injection:
    muscle: str
    side: str
    units: float
    sites: int | None = None


@dataclass(frozen=True)
class ToxinSession:
    """One botulinum toxin injection session of one product."""

    date: dt.date
    product: str
    injections: tuple[Injection, ...]
    dilution_units_per_ml: float | None = None
    lot: str | None = None
    guidance: str | None = None
    notes: str | None = None
    kind: ClassVar[str] = "botulinum_toxin"

    @property
    def total_units(self) -> float:
        """Units of this session's one product (units of different products are never added)."""
        return sum(i.units for i in self.injections)


@dataclass(frozen=True)
class PumpEvent:
    """One intrathecal baclofen pump event: screening, implant, dose change, refill, explant."""

    event: str
    date: dt.date
    pump_model: str | None = None
    reservoir_ml: float | None = None
    volume_ml: float | None = None
    concentration_mcg_per_ml: float | None = None
    dose_mcg_per_day: float | None = None
    bolus_mcg: float | None = None
    notes: str | None = None
    # Kept by assess, not carried by assess-record/1 (docs/design.md): on the implant event, the pump's own
    # low-reservoir alarm volume and the date its battery / elective replacement is due.
    alarm_ml: float | None = None
    replacement_due: dt.date | None = None
    kind: ClassVar[str] = "itb_pump"


@dataclass(frozen=True)
class Sdr:
    """Selective dorsal rhizotomy."""

    date: dt.date
    levels: str | None = None
    rootlets_cut_percent: float | None = None
    surgeon: str | None = None
    notes: str | None = None
    kind: ClassVar[str] = "sdr"


@dataclass(frozen=True)
class Surgery:
    date: dt.date
    procedure: str
    side: str | None = None
    notes: str | None = None
    kind: ClassVar[str] = "surgery"


Treatment = Therapy | Orthosis | OralMedication | ToxinSession | PumpEvent | Sdr | Surgery


def treatment_date(treatment: Treatment) -> dt.date:
    """The date a treatment is filed under: its start for periods, its day otherwise."""
    if isinstance(treatment, (Therapy, Orthosis, OralMedication)):
        return treatment.start
    return treatment.date


def treatment_key(treatment: Treatment) -> tuple[str, ...]:
    """A treatment's identity within a patient (record-format.md, "Identity and re-import").

    The format names kind, date and, for toxin the product, for drugs the drug and start, for pumps the
    event. For the period kinds and surgery, assess adds the type of therapy/orthosis (and side) or the
    procedure, so that two different treatments started on one day are not taken for the same one.
    """
    day = treatment_date(treatment).isoformat()
    if isinstance(treatment, ToxinSession):
        return (treatment.kind, day, treatment.product)
    if isinstance(treatment, OralMedication):
        return (treatment.kind, day, treatment.drug)
    if isinstance(treatment, PumpEvent):
        return (treatment.kind, day, treatment.event)
    if isinstance(treatment, Therapy):
        return (treatment.kind, day, treatment.therapy)
    if isinstance(treatment, Orthosis):
        return (treatment.kind, day, treatment.orthosis, treatment.side or "")
    if isinstance(treatment, Surgery):
        return (treatment.kind, day, treatment.procedure)
    return (treatment.kind, day)


def describe_treatment_key(treatment: Treatment) -> str:
    """The identity in words, for messages: 'botulinum_toxin on 2025-03-10 (onabotulinumtoxinA)'."""
    kind, day, *rest = treatment_key(treatment)
    extra = f" ({', '.join(r for r in rest if r)})" if any(rest) else ""
    return f"{kind} on {day}{extra}"


@dataclass(frozen=True)
class PatientDetails:
    """Who the patient is: what the patient dialog edits."""

    mrn: str
    family_name: str
    given_name: str
    birth_date: dt.date
    sex: str
    diagnosis: str
    diagnosis_note: str | None = None
    gmfcs: str | None = None
    primary_care: Contact | None = None
    # The patient's other medicines (not spasticity treatments), free text, one per line or comma: what the
    # interaction checks read (tizanidine with ciprofloxacin or fluvoxamine). Not carried by assess-record/1.
    other_medicines: str | None = None


@dataclass(frozen=True)
class PatientRecord(PatientDetails):
    """Everything assess holds about one patient (who, plus goals, visits, treatments); identified by MRN."""

    goals: tuple[Goal, ...] = ()
    visits: tuple[Visit, ...] = ()
    treatments: tuple[Treatment, ...] = ()

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def details(self) -> PatientDetails:
        return PatientDetails(**{f.name: getattr(self, f.name) for f in dataclasses.fields(PatientDetails)})

    @classmethod
    def from_details(cls, details: PatientDetails) -> PatientRecord:
        return cls(**{f.name: getattr(details, f.name) for f in dataclasses.fields(PatientDetails)})


ANGLE_CONVENTIONS: tuple[str, ...] = ("extension_deficit",)
# The facts assess keeps that the fixed assess-record/1 format does not carry (docs/design.md, "Decisions the
# format left open"): a record read from a file has them empty, so comparisons on re-import leave them out.
LOCAL_FIELDS: dict[type, tuple[str, ...]] = {
    PatientDetails: ("other_medicines",), PumpEvent: ("alarm_ml", "replacement_due"), Finding: ("angle_convention",),
}


def without_local(item: object) -> object:
    """The record as a file would carry it: the local-only facts emptied (findings of a visit included)."""
    if isinstance(item, Visit):
        return dataclasses.replace(item, findings=tuple(without_local(f) for f in item.findings))  # type: ignore[misc]
    names = next((v for k, v in LOCAL_FIELDS.items() if type(item) is k), ())
    return dataclasses.replace(item, **dict.fromkeys(names)) if names else item  # type: ignore[type-var]


def age_in_years(birth_date: dt.date, on: dt.date) -> int:
    """Completed years of age on a day (a child of 17 years 364 days is 17)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


@dataclass(frozen=True)
class Addendum:
    """A correction to a signed visit or toxin session: kept beside the original, which stays as signed.

    `record` is "visit" (identified by date and visit type) or "toxin_session" (date and product);
    `corrected_findings` are the findings as they should have read (a visit's only).
    """

    record: str
    record_date: dt.date
    record_detail: str
    author: str
    written_at: dt.datetime
    text: str
    corrected_findings: tuple[Finding, ...] = ()

    def describe_record(self) -> str:
        what = self.record_detail.replace("_", " ")
        noun = "visit" if self.record == "visit" else "session"
        return f"{what} {noun} of {self.record_date.isoformat()}"
