"""Initial schema: patients, goals, visits with findings and scores, the seven treatment kinds.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24 06:57:03.389954
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mrn", sa.String(length=64), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=16), nullable=False),
        sa.Column("diagnosis", sa.String(length=64), nullable=False),
        sa.Column("diagnosis_note", sa.Text(), nullable=True),
        sa.Column("gmfcs", sa.String(length=3), nullable=True),
        sa.Column("pcp_name", sa.String(length=200), nullable=True),
        sa.Column("pcp_practice", sa.String(length=200), nullable=True),
        sa.Column("pcp_address", sa.Text(), nullable=True),
        sa.Column("pcp_phone", sa.String(length=64), nullable=True),
        sa.Column("pcp_fax", sa.String(length=64), nullable=True),
        sa.Column("pcp_email", sa.String(length=200), nullable=True),
        sa.Column("search_key", sa.String(length=600), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("mrn", name=op.f("uq_patient_mrn")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index("ix_patient_search_key", ["search_key"], unique=False)

    op.create_table(
        "drug_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("drug", sa.String(length=64), nullable=False),
        sa.Column("dose_mg_per_day", sa.Double(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("stop", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_drug_period_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drug_period")),
        sa.UniqueConstraint(
            "patient_id",
            "start",
            "drug",
            name=op.f("uq_drug_period_patient_id_start_drug"),
        ),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=True),
        sa.Column("difficulty", sa.Integer(), nullable=True),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.CheckConstraint("baseline IN (-2, -1)", name=op.f("ck_goal_baseline")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_goal_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
        sa.UniqueConstraint("patient_id", "code", name=op.f("uq_goal_patient_id_code")),
    )
    op.create_table(
        "orthosis_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("orthosis", sa.String(length=32), nullable=False),
        sa.Column("body_region", sa.String(length=200), nullable=True),
        sa.Column("side", sa.String(length=5), nullable=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_orthosis_period_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orthosis_period")),
    )
    with op.batch_alter_table("orthosis_period", schema=None) as batch_op:
        batch_op.create_index("ix_orthosis_period_patient_id", ["patient_id", "start"], unique=False)

    op.create_table(
        "pump_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pump_model", sa.String(length=200), nullable=True),
        sa.Column("reservoir_ml", sa.Double(), nullable=True),
        sa.Column("volume_ml", sa.Double(), nullable=True),
        sa.Column("concentration_mcg_per_ml", sa.Double(), nullable=True),
        sa.Column("dose_mcg_per_day", sa.Double(), nullable=True),
        sa.Column("bolus_mcg", sa.Double(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_pump_event_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pump_event")),
        sa.UniqueConstraint(
            "patient_id",
            "date",
            "event",
            name=op.f("uq_pump_event_patient_id_date_event"),
        ),
    )
    op.create_table(
        "sdr_procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("levels", sa.String(length=64), nullable=True),
        sa.Column("rootlets_cut_percent", sa.Double(), nullable=True),
        sa.Column("surgeon", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_sdr_procedure_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sdr_procedure")),
        sa.UniqueConstraint("patient_id", "date", name=op.f("uq_sdr_procedure_patient_id_date")),
    )
    op.create_table(
        "surgery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_surgery_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surgery")),
        sa.UniqueConstraint(
            "patient_id",
            "date",
            "procedure",
            name=op.f("uq_surgery_patient_id_date_procedure"),
        ),
    )
    op.create_table(
        "therapy_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("therapy", sa.String(length=32), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("sessions_per_week", sa.Double(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_therapy_period_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapy_period")),
        sa.UniqueConstraint(
            "patient_id",
            "start",
            "therapy",
            name=op.f("uq_therapy_period_patient_id_start_therapy"),
        ),
    )
    op.create_table(
        "toxin_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("product", sa.String(length=32), nullable=False),
        sa.Column("dilution_units_per_ml", sa.Double(), nullable=True),
        sa.Column("lot", sa.String(length=64), nullable=True),
        sa.Column("guidance", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_toxin_session_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toxin_session")),
        sa.UniqueConstraint(
            "patient_id",
            "date",
            "product",
            name=op.f("uq_toxin_session_patient_id_date_product"),
        ),
    )
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("clinician", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("weight_kg", sa.Double(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("penn_frequency", sa.Integer(), nullable=True),
        sa.Column("penn_severity", sa.Integer(), nullable=True),
        sa.Column("pain_nrs", sa.Integer(), nullable=True),
        sa.Column("scats_clonus", sa.Integer(), nullable=True),
        sa.Column("scats_flexor_spasm", sa.Integer(), nullable=True),
        sa.Column("scats_extensor_spasm", sa.Integer(), nullable=True),
        sa.Column("das_hygiene", sa.Integer(), nullable=True),
        sa.Column("das_dressing", sa.Integer(), nullable=True),
        sa.Column("das_limb_position", sa.Integer(), nullable=True),
        sa.Column("das_pain", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IS NULL OR status = 'draft' OR status = 'signed'",
            name=op.f("ck_visit_status"),
        ),
        sa.CheckConstraint(
            "pain_nrs IS NULL OR pain_nrs BETWEEN 0 AND 10",
            name=op.f("ck_visit_pain_nrs"),
        ),
        sa.CheckConstraint(
            "penn_frequency IS NULL OR penn_frequency BETWEEN 0 AND 4",
            name=op.f("ck_visit_penn_frequency"),
        ),
        sa.CheckConstraint(
            "penn_severity IS NULL OR (penn_severity BETWEEN 1 AND 3 AND penn_frequency > 0)",
            name=op.f("ck_visit_penn_severity"),
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_visit_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
        sa.UniqueConstraint("patient_id", "date", "type", name=op.f("uq_visit_patient_id_date_type")),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("muscle_group", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("mas", sa.String(length=2), nullable=True),
        sa.Column("tardieu_x", sa.Integer(), nullable=True),
        sa.Column("tardieu_r1", sa.Double(), nullable=True),
        sa.Column("tardieu_r2", sa.Double(), nullable=True),
        sa.Column("asas", sa.Integer(), nullable=True),
        sa.Column("prom", sa.Double(), nullable=True),
        sa.Column("mrc", sa.String(length=2), nullable=True),
        sa.Column("reflex", sa.String(length=2), nullable=True),
        sa.Column("clonus_beats", sa.Integer(), nullable=True),
        sa.Column("clonus_sustained", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "mas IS NULL OR mas = '0' OR mas = '1' OR mas = '1+' OR mas = '2' OR mas = '3' OR mas = '4'",
            name=op.f("ck_finding_mas"),
        ),
        sa.CheckConstraint(
            "mrc IS NULL OR mrc = '0' OR mrc = '1' OR mrc = '2' OR mrc = '3' OR mrc = '4-' OR mrc = '4' OR mrc = '4+' OR mrc = '5'",
            name=op.f("ck_finding_mrc"),
        ),
        sa.CheckConstraint(
            "reflex IS NULL OR reflex = '0' OR reflex = '1+' OR reflex = '2+' OR reflex = '3+' OR reflex = '4+'",
            name=op.f("ck_finding_reflex"),
        ),
        sa.CheckConstraint("side = 'left' OR side = 'right'", name=op.f("ck_finding_side")),
        sa.CheckConstraint("asas IS NULL OR asas BETWEEN 0 AND 4", name=op.f("ck_finding_asas")),
        sa.CheckConstraint(
            "tardieu_x IS NULL OR tardieu_x BETWEEN 0 AND 5",
            name=op.f("ck_finding_tardieu_x"),
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_finding_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
        sa.UniqueConstraint(
            "visit_id",
            "muscle_group",
            "side",
            name=op.f("uq_finding_visit_id_muscle_group_side"),
        ),
    )
    op.create_table(
        "goal_score",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score BETWEEN -2 AND 2", name=op.f("ck_goal_score_score")),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_goal_score_goal_id_goal")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_goal_score_visit_id_visit")),
        sa.PrimaryKeyConstraint("visit_id", "goal_id", name=op.f("pk_goal_score")),
    )
    op.create_table(
        "toxin_injection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("muscle", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("units", sa.Double(), nullable=False),
        sa.Column("sites", sa.Integer(), nullable=True),
        sa.CheckConstraint("units > 0", name=op.f("ck_toxin_injection_units")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["toxin_session.id"],
            name=op.f("fk_toxin_injection_session_id_toxin_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toxin_injection")),
        sa.UniqueConstraint(
            "session_id",
            "muscle",
            "side",
            name=op.f("uq_toxin_injection_session_id_muscle_side"),
        ),
    )
    op.create_table(
        "visit_symptom",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_visit_symptom_visit_id_visit")),
        sa.PrimaryKeyConstraint("visit_id", "code", name=op.f("pk_visit_symptom")),
    )
    op.create_table(
        "visit_trigger",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_visit_trigger_visit_id_visit")),
        sa.PrimaryKeyConstraint("visit_id", "code", name=op.f("pk_visit_trigger")),
    )


def downgrade() -> None:

    op.drop_table("visit_trigger")
    op.drop_table("visit_symptom")
    op.drop_table("toxin_injection")
    op.drop_table("goal_score")
    op.drop_table("finding")
    op.drop_table("visit")
    op.drop_table("toxin_session")
    op.drop_table("therapy_period")
    op.drop_table("surgery")
    op.drop_table("sdr_procedure")
    op.drop_table("pump_event")
    with op.batch_alter_table("orthosis_period", schema=None) as batch_op:
        batch_op.drop_index("ix_orthosis_period_patient_id")

    op.drop_table("orthosis_period")
    op.drop_table("goal")
    op.drop_table("drug_period")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_search_key")

    op.drop_table("patient")
