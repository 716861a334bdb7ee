"""The database tables (SQLAlchemy 2 typed models); one row type per clinical record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so Alembic migrations (batch mode on SQLite) can name what they change.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC on both databases (SQLite keeps no time zone: store naive UTC, read back aware)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a moment without time zone cannot be stored")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _in(column: str, values: tuple[str, ...]) -> str:
    """'column is one of values' as a chain of comparisons: SQLite builds a temporary index for a long
    IN (...) list at every row of an executemany, a third of the cost of importing findings."""
    listed = " OR ".join(f"{column} = '{v}'" for v in values)
    return f"{column} IS NULL OR {listed}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Patient(Base):
    __tablename__ = "patient"
    # The patient list is ordered by search_key and filtered on it: the index serves the first page at once.
    __table_args__ = (Index("ix_patient_search_key", "search_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str] = mapped_column(String(64), unique=True)
    family_name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date]
    sex: Mapped[str] = mapped_column(String(16))
    diagnosis: Mapped[str] = mapped_column(String(64))
    diagnosis_note: Mapped[str | None] = mapped_column(Text)
    gmfcs: Mapped[str | None] = mapped_column(String(3))
    pcp_name: Mapped[str | None] = mapped_column(String(200))
    pcp_practice: Mapped[str | None] = mapped_column(String(200))
    pcp_address: Mapped[str | None] = mapped_column(Text)
    pcp_phone: Mapped[str | None] = mapped_column(String(64))
    pcp_fax: Mapped[str | None] = mapped_column(String(64))
    pcp_email: Mapped[str | None] = mapped_column(String(200))
    other_medicines: Mapped[str | None] = mapped_column(Text)
    # Names and MRN folded to lower case without accents: what search-as-you-type matches against.
    search_key: Mapped[str] = mapped_column(String(600))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save based on a stale copy (another workstation saved first) is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    goals: Mapped[list[GoalRow]] = relationship(back_populates="patient", order_by="GoalRow.set_on")
    visits: Mapped[list[VisitRow]] = relationship(back_populates="patient", order_by="VisitRow.date")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative form


class GoalRow(Base):
    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("patient_id", "code"),
                      CheckConstraint("baseline IN (-2, -1)", name="baseline"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    code: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    set_on: Mapped[dt.date]
    importance: Mapped[int | None]
    difficulty: Mapped[int | None]
    baseline: Mapped[int]
    # A goal given up (no longer relevant) stays for the scores it has; the exchange format has no word for
    # it, so an export still lists the goal (its scores name it) and the withdrawal stays in this clinic.
    withdrawn_on: Mapped[dt.date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    patient: Mapped[Patient] = relationship(back_populates="goals")


class VisitRow(Base):
    __tablename__ = "visit"
    __table_args__ = (
        # Leads with patient_id: this is the index that loads one patient's history among thousands.
        UniqueConstraint("patient_id", "date", "type"),
        CheckConstraint(_in("status", ("draft", "signed")), name="status"),
        CheckConstraint("penn_frequency IS NULL OR penn_frequency BETWEEN 0 AND 4", name="penn_frequency"),
        CheckConstraint("penn_severity IS NULL OR (penn_severity BETWEEN 1 AND 3 AND penn_frequency > 0)",
                        name="penn_severity"),
        CheckConstraint("pain_nrs IS NULL OR pain_nrs BETWEEN 0 AND 10", name="pain_nrs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    date: Mapped[dt.date]
    type: Mapped[str] = mapped_column(String(32))
    clinician: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8), default="draft")
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(200))  # the user who signed (None: imported signed)
    seal: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the content as signed (services/seals.py)
    weight_kg: Mapped[float | None] = mapped_column(Double)
    notes: Mapped[str | None] = mapped_column(Text)
    penn_frequency: Mapped[int | None]
    penn_severity: Mapped[int | None]
    pain_nrs: Mapped[int | None]
    scats_clonus: Mapped[int | None]
    scats_flexor_spasm: Mapped[int | None]
    scats_extensor_spasm: Mapped[int | None]
    das_hygiene: Mapped[int | None]
    das_dressing: Mapped[int | None]
    das_limb_position: Mapped[int | None]
    das_pain: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    patient: Mapped[Patient] = relationship(back_populates="visits")
    findings: Mapped[list[FindingRow]] = relationship(cascade="all, delete-orphan")
    triggers: Mapped[list[VisitTriggerRow]] = relationship(cascade="all, delete-orphan")
    symptoms: Mapped[list[VisitSymptomRow]] = relationship(cascade="all, delete-orphan")
    goal_scores: Mapped[list[GoalScoreRow]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative form


class FindingRow(Base):
    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("visit_id", "muscle_group", "side"),
        CheckConstraint("side = 'left' OR side = 'right'", name="side"),
        CheckConstraint(_in("mas", ("0", "1", "1+", "2", "3", "4")), name="mas"),
        CheckConstraint(_in("mrc", ("0", "1", "2", "3", "4-", "4", "4+", "5")), name="mrc"),
        CheckConstraint(_in("reflex", ("0", "1+", "2+", "3+", "4+")), name="reflex"),
        CheckConstraint("tardieu_x IS NULL OR tardieu_x BETWEEN 0 AND 5", name="tardieu_x"),
        CheckConstraint("asas IS NULL OR asas BETWEEN 0 AND 4", name="asas"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"))
    muscle_group: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(5))
    mas: Mapped[str | None] = mapped_column(String(2))
    tardieu_x: Mapped[int | None]
    tardieu_r1: Mapped[float | None] = mapped_column(Double)
    tardieu_r2: Mapped[float | None] = mapped_column(Double)
    asas: Mapped[int | None]
    prom: Mapped[float | None] = mapped_column(Double)
    mrc: Mapped[str | None] = mapped_column(String(2))
    reflex: Mapped[str | None] = mapped_column(String(2))
    clonus_beats: Mapped[int | None]
    clonus_sustained: Mapped[bool | None]
    note: Mapped[str | None] = mapped_column(Text)
    angle_convention: Mapped[str | None] = mapped_column(String(24))


class VisitTriggerRow(Base):
    __tablename__ = "visit_trigger"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class VisitSymptomRow(Base):
    __tablename__ = "visit_symptom"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class GoalScoreRow(Base):
    __tablename__ = "goal_score"
    __table_args__ = (CheckConstraint("score BETWEEN -2 AND 2", name="score"),)

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), primary_key=True)
    score: Mapped[int]

    goal: Mapped[GoalRow] = relationship()


class TherapyRow(Base):
    __tablename__ = "therapy_period"
    __table_args__ = (UniqueConstraint("patient_id", "start", "therapy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    therapy: Mapped[str] = mapped_column(String(32))
    start: Mapped[dt.date]
    end: Mapped[dt.date | None]
    sessions_per_week: Mapped[float | None] = mapped_column(Double)
    notes: Mapped[str | None] = mapped_column(Text)


class OrthosisRow(Base):
    __tablename__ = "orthosis_period"
    # The identity the import relies on (docs/design.md): one orthosis per patient, start, kind and side. Two
    # partial indexes, as a unique constraint would let rows without a side repeat (NULLs differ in SQL).
    __table_args__ = (
        Index("ix_orthosis_period_patient_id", "patient_id", "start"),
        Index("uq_orthosis_period_identity", "patient_id", "start", "orthosis", "side", unique=True,
              sqlite_where=text("side IS NOT NULL"), postgresql_where=text("side IS NOT NULL")),
        Index("uq_orthosis_period_identity_no_side", "patient_id", "start", "orthosis", unique=True,
              sqlite_where=text("side IS NULL"), postgresql_where=text("side IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    orthosis: Mapped[str] = mapped_column(String(32))
    body_region: Mapped[str | None] = mapped_column(String(200))
    side: Mapped[str | None] = mapped_column(String(5))
    start: Mapped[dt.date]
    end: Mapped[dt.date | None]
    notes: Mapped[str | None] = mapped_column(Text)


class DrugPeriodRow(Base):
    __tablename__ = "drug_period"
    __table_args__ = (UniqueConstraint("patient_id", "start", "drug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    drug: Mapped[str] = mapped_column(String(64))
    dose_mg_per_day: Mapped[float] = mapped_column(Double)
    start: Mapped[dt.date]
    stop: Mapped[dt.date | None]
    notes: Mapped[str | None] = mapped_column(Text)


class ToxinSessionRow(Base):
    __tablename__ = "toxin_session"
    __table_args__ = (UniqueConstraint("patient_id", "date", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    date: Mapped[dt.date]
    product: Mapped[str] = mapped_column(String(32))
    dilution_units_per_ml: Mapped[float | None] = mapped_column(Double)
    lot: Mapped[str | None] = mapped_column(String(64))
    guidance: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    # A clinician's signature: once signed the session is never changed (corrections are addenda).
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(200))
    seal: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the session as signed, injections included

    injections: Mapped[list[ToxinInjectionRow]] = relationship(cascade="all, delete-orphan")


class ToxinInjectionRow(Base):
    __tablename__ = "toxin_injection"
    __table_args__ = (UniqueConstraint("session_id", "muscle", "side"),
                      CheckConstraint("units > 0", name="units"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("toxin_session.id"))
    muscle: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(5))
    units: Mapped[float] = mapped_column(Double)
    sites: Mapped[int | None]


class PumpEventRow(Base):
    __tablename__ = "pump_event"
    __table_args__ = (UniqueConstraint("patient_id", "date", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    event: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date]
    pump_model: Mapped[str | None] = mapped_column(String(200))
    reservoir_ml: Mapped[float | None] = mapped_column(Double)
    volume_ml: Mapped[float | None] = mapped_column(Double)
    concentration_mcg_per_ml: Mapped[float | None] = mapped_column(Double)
    dose_mcg_per_day: Mapped[float | None] = mapped_column(Double)
    bolus_mcg: Mapped[float | None] = mapped_column(Double)
    notes: Mapped[str | None] = mapped_column(Text)
    alarm_ml: Mapped[float | None] = mapped_column(Double)
    replacement_due: Mapped[dt.date | None]


class SdrRow(Base):
    __tablename__ = "sdr_procedure"
    __table_args__ = (UniqueConstraint("patient_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    date: Mapped[dt.date]
    levels: Mapped[str | None] = mapped_column(String(64))
    rootlets_cut_percent: Mapped[float | None] = mapped_column(Double)
    surgeon: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class SurgeryRow(Base):
    __tablename__ = "surgery"
    __table_args__ = (UniqueConstraint("patient_id", "date", "procedure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    date: Mapped[dt.date]
    procedure: Mapped[str] = mapped_column(Text)
    side: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str | None] = mapped_column(Text)


class ClinicSettingRow(Base):
    """A clinic-wide setting shared by every workstation (e.g. the exam rows the clinic hides), as JSON."""

    __tablename__ = "clinic_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UserRow(Base):
    """Someone who may open the records; with no rows at all, assess runs in single-user mode."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role = 'clinician' OR role = 'therapist' OR role = 'reader'", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, with its own salt and parameters
    # Failed logins since the last success: each one lengthens the wait before the next attempt.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A user who left keeps their name in the audit trail; disabled, they can no longer log in.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginDeviceRow(Base):
    """A workstation where a user logged in: it keeps a token, and failed logins made with that token count
    here instead of against the user, so guesses made elsewhere never make the user wait at this one."""

    __tablename__ = "login_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token the workstation keeps
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEventRow(Base):
    """One entry of the append-only audit trail; `hash` covers its content and the previous event's hash."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_mrn", "mrn"),
                      # A login reads the user's last recorded state (role, seal) without scanning the trail.
                      Index("ix_audit_event_user", "entity_key", sqlite_where=sql_text("entity = 'user'"),
                            postgresql_where=sql_text("entity = 'user'")))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # the chain's order: 1, 2, 3...
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    workstation: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(400))
    mrn: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The chain's one-row head: appends lock it (PostgreSQL) so two workstations never fork the chain."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AddendumRow(Base):
    """A correction to a signed visit or toxin session, kept beside the original and never changed."""

    __tablename__ = "addendum"
    __table_args__ = (Index("ix_addendum_patient_id", "patient_id"),
                      CheckConstraint("record = 'visit' OR record = 'toxin_session'", name="record"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    record: Mapped[str] = mapped_column(String(16))
    # The corrected record's identity: visit date and type, or toxin session date and product.
    record_date: Mapped[dt.date]
    record_detail: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    corrections: Mapped[str | None] = mapped_column(Text)  # JSON: corrected values, e.g. a corrected finding
    seal: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the addendum as written


# The worklist's tables live in their own module; importing it here puts them in Base.metadata for Alembic.
from assess.storage import worklist_tables as _worklist_tables  # noqa: E402, F401
