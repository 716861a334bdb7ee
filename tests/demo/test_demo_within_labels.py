"""The demo cohort stays within the labels (issue 13): every safety rule over demo patients finds no dose,
interval, age, interaction or pump warning, except on a treatment the generator marks as deliberate."""

from __future__ import annotations

import datetime as dt

import pytest

from assess.demo.patients import demo_patients
from assess.record.domain import PatientRecord, treatment_date
from assess.scoring.limits import load_limits
from assess.scoring.safety import patient_alerts

# Planning and record-keeping alerts, not a dose outside a label: a visit or refill due, a worsening, a weight
# to take again, a pump replacement to book.
NOT_A_LABEL_LIMIT = {"followup_due", "followup_overdue", "pump_refill_due", "worsening", "weight_out_of_date",
                     "pump_replacement_due"}
DELIBERATE = "deliberate"  # the word a demo treatment's notes carry when it is outside a label on purpose


def _deliberate(record: PatientRecord, day: dt.date) -> bool:
    return any(DELIBERATE in (t.notes or "").lower() for t in record.treatments if treatment_date(t) == day)


@pytest.mark.parametrize(("seed", "today"), [(1, dt.date(2026, 12, 1)), (7, dt.date(2026, 11, 1))])
def test_every_rule_over_a_demo_cohort_finds_only_deliberate_warnings(seed: int, today: dt.date) -> None:
    limits = load_limits()
    outside = []
    for record in demo_patients(150, seed=seed, today=today):
        for alert in patient_alerts(record, today, limits):
            if alert.severity == "warning" and alert.code not in NOT_A_LABEL_LIMIT \
                    and not _deliberate(record, alert.date):
                outside.append(f"{alert.mrn} {alert.code}: {alert.message}")
    assert outside == []
