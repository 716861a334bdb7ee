"""Issue 13: the rules that follow the US labels, each at its boundary (just under, at, just over), for
children and adults. Each test names the label figure and its source."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest

from assess.record.domain import Injection, OralMedication, PatientRecord, PumpEvent, ToxinSession, Visit
from assess.scoring.limits import load_limits
from assess.scoring.medicines import current_medicines, interactions
from assess.scoring.safety import Alert, oral_alerts, patient_alerts, pump_alerts, toxin_session_alerts

LIMITS = load_limits()
ONA, ABO, INCO = "onabotulinumtoxinA", "abobotulinumtoxinA", "incobotulinumtoxinA"
DAY = dt.date(2026, 3, 2)
ADULT = dt.date(1980, 5, 17)
SIX = dt.date(2019, 9, 1)  # 6 years old on DAY
MRN = "L-13"


def of(alerts: Sequence[Alert], code: str, severity: str | None = None) -> list[Alert]:
    return [a for a in alerts if a.code == code and (severity is None or a.severity == severity)]


def session(day: dt.date, product: str, *doses: tuple[str, str, float]) -> ToxinSession:
    return ToxinSession(day, product, tuple(Injection(m, side, u) for m, side, u in doses))


def toxin(s: ToxinSession, birth: dt.date = ADULT, weight: float | None = 70,
          earlier: Sequence[ToxinSession] = ()) -> list[Alert]:
    return toxin_session_alerts(MRN, s, birth, weight, earlier, LIMITS)


def record(*treatments: object, birth: dt.date = SIX, visits: Sequence[Visit] = (), other: str | None = None,
           diagnosis: str = "cerebral_palsy") -> PatientRecord:
    return PatientRecord(MRN, "Label", "Lee", birth, "female", diagnosis, other_medicines=other,
                         visits=tuple(visits), treatments=tuple(treatments))  # type: ignore[arg-type]


def weighed(day: dt.date, kg: float) -> Visit:
    return Visit(day, "follow_up", "Dr A", weight_kg=kg)


# --- 1. children's oral doses --------------------------------------------------------------------------

@pytest.mark.parametrize(("dose", "warns"), [(119, False), (120, False), (121, True)])
def test_dantrolene_child_6_mg_per_kg_per_day_dantrium_label(dose: float, warns: bool) -> None:
    """DANTRIUM, pediatric dosing: up to 2 mg/kg three times daily (6 mg/kg/day): 20 kg -> 120 mg/day."""
    alerts = oral_alerts(MRN, [OralMedication("dantrolene", dose, dt.date(2026, 1, 1))], SIX, 20, DAY, LIMITS)
    assert len(of(alerts, "oral_dose_limit", "warning")) == warns
    if warns:
        assert "6 mg/kg/day × 20 kg" in alerts[0].message and "DANTRIUM" in (alerts[0].source or "")


def test_the_issue_child_on_dantrolene_300_and_gabapentin_3600_warns_on_both() -> None:
    """6 years, 20 kg: dantrolene 300 mg/day (15 mg/kg) and gabapentin 3600 mg/day (180 mg/kg) both warn;
    NEURONTIN's 50 mg/kg/day is epilepsy dosing, and the warning says spasticity is off-label."""
    drugs = [OralMedication("dantrolene", 300, dt.date(2026, 1, 1)), OralMedication("gabapentin", 3600,
                                                                                     dt.date(2026, 1, 1))]
    warnings = of(oral_alerts(MRN, drugs, SIX, 20, DAY, LIMITS), "oral_dose_limit", "warning")
    assert len(warnings) == 2
    gaba = next(a for a in warnings if "gabapentin" in a.message)
    assert "1000 mg/day" in gaba.message and "off-label" in gaba.message and "NEURONTIN" in (gaba.source or "")


@pytest.mark.parametrize(("dose", "warns"), [(999, False), (1000, False), (1001, True)])
def test_gabapentin_child_50_mg_per_kg_per_day_neurontin_2_2(dose: float, warns: bool) -> None:
    """NEURONTIN 2.2: doses up to 50 mg/kg/day were well tolerated in children 3-11 years: 20 kg -> 1000 mg."""
    alerts = oral_alerts(MRN, [OralMedication("gabapentin", dose, dt.date(2026, 1, 1))], SIX, 20, DAY, LIMITS)
    assert len(of(alerts, "oral_dose_limit", "warning")) == warns


@pytest.mark.parametrize(("dose", "warns"), [(3599, False), (3600, False), (3601, True)])
def test_gabapentin_adult_3600_mg_per_day_neurontin(dose: float, warns: bool) -> None:
    alerts = oral_alerts(MRN, [OralMedication("gabapentin", dose, dt.date(2026, 1, 1))], ADULT, 70, DAY, LIMITS)
    assert len(of(alerts, "oral_dose_limit", "warning")) == warns


@pytest.mark.parametrize(("kg", "dose", "warns"), [(20, 3.9, False), (20, 4, False), (20, 4.1, True)])
def test_clonazepam_child_0_2_mg_per_kg_per_day_klonopin(kg: float, dose: float, warns: bool) -> None:
    """KLONOPIN 2.1, pediatric (up to 10 years or 30 kg): maintenance 0.1-0.2 mg/kg/day; seizures, off-label here."""
    alerts = oral_alerts(MRN, [OralMedication("clonazepam", dose, dt.date(2026, 1, 1))], SIX, kg, DAY, LIMITS)
    found = of(alerts, "oral_dose_limit", "warning")
    assert len(found) == warns
    if warns:
        assert "off-label" in found[0].message


@pytest.mark.parametrize(("dose", "warns"), [(39, False), (40, False), (41, True)])
def test_diazepam_adult_40_mg_per_day_valium_2_to_10_mg_3_or_4_times(dose: float, warns: bool) -> None:
    """Item 9: VALIUM, skeletal muscle spasm 2-10 mg three or four times daily: 40 mg/day, not 60."""
    alerts = oral_alerts(MRN, [OralMedication("diazepam", dose, dt.date(2026, 1, 1))], ADULT, 70, DAY, LIMITS)
    assert len(of(alerts, "oral_dose_limit", "warning")) == warns


@pytest.mark.parametrize(("birth", "severity"), [
    (DAY - dt.timedelta(days=150), "warning"),  # 5 months: VALIUM is not for use under 6 months
    (dt.date(2025, 9, 2), None),  # 6 months: dosing given (no maximum)
])
def test_diazepam_not_for_use_under_6_months_valium(birth: dt.date, severity: str | None) -> None:
    rec = record(OralMedication("diazepam", 2, dt.date(2026, 1, 1)), birth=birth)
    found = of(patient_alerts(rec, DAY, LIMITS), "oral_not_established")
    assert [a.severity for a in found] == ([severity] if severity else [])


@pytest.mark.parametrize(("birth", "found"), [(dt.date(2014, 3, 3), True), (dt.date(2014, 3, 2), False)])
def test_baclofen_under_12_the_label_says_not_established(birth: dt.date, found: bool) -> None:
    """Oral baclofen labels: 12 years and older. Just under 12 informs, at 12 it is quiet."""
    rec = record(OralMedication("baclofen", 20, dt.date(2026, 1, 1)), birth=birth,
                 visits=[weighed(dt.date(2026, 2, 1), 40)])
    alerts = of(patient_alerts(rec, DAY, LIMITS), "oral_not_established")
    assert len(alerts) == found
    if found:
        assert alerts[0].severity == "info" and "12 years" in alerts[0].message


# --- 2. Xeomin for everyone, and its paediatric upper limb ------------------------------------------------

@pytest.mark.parametrize(("units", "warns"), [(399, False), (400, False), (401, True)])
def test_xeomin_400_u_a_session_applies_to_children_xeomin_2_1(units: float, warns: bool) -> None:
    """XEOMIN 2.1: at most 400 U in a treatment session for any indication: a child included."""
    s = session(DAY, INCO, ("soleus", "left", units - 200), ("soleus", "right", 200))
    found = of(toxin(s, SIX, 60), "toxin_dose_limit", "warning")
    assert len(found) == warns
    if warns:
        assert "XEOMIN" in (found[0].source or "") and "2.1" in (found[0].source or "")


@pytest.mark.parametrize(("left", "warns"), [(159, 0), (160, 0), (161, 1)])
def test_xeomin_child_8_u_per_kg_per_upper_limb_xeomin_2_3(left: float, warns: int) -> None:
    """XEOMIN 2.3, pediatric upper limb: 8 U/kg, up to 200 U per single upper limb: 20 kg -> 160 U a limb."""
    s = session(DAY, INCO, ("biceps_brachii", "left", left), ("biceps_brachii", "right", 100))
    assert len(of(toxin(s, SIX, 20), "toxin_dose_limit", "warning")) == warns


# --- 3. cumulative dose over 3 months ----------------------------------------------------------------------

@pytest.mark.parametrize(("second", "warns"), [(99, False), (100, False), (101, True)])
def test_botox_adult_400_u_in_3_months_botox_2_1(second: float, warns: bool) -> None:
    """BOTOX 2.1: adults at most 400 U cumulative in a 3-month interval (unverified: secondary sources)."""
    first = session(DAY - dt.timedelta(weeks=6), ONA, ("biceps_brachii", "left", 300))
    found = of(toxin(session(DAY, ONA, ("soleus", "left", second)), earlier=[first]), "toxin_cumulative")
    assert len(found) == warns
    if warns:
        assert "300 U on" in found[0].message and "unverified" in found[0].message


def test_the_issue_300_then_300_six_weeks_later_warns_on_600() -> None:
    first = session(DAY - dt.timedelta(weeks=6), ONA, ("biceps_brachii", "left", 300))
    [found] = of(toxin(session(DAY, ONA, ("soleus", "left", 300)), earlier=[first]), "toxin_cumulative")
    assert "600 U within 12 weeks" in found.message and "by 200 U" in found.message


@pytest.mark.parametrize(("days", "adds_up"), [(83, True), (84, False)])
def test_cumulative_counts_sessions_under_12_weeks_before(days: int, adds_up: bool) -> None:
    """The '3-month interval' read as the 12-week re-treatment interval: a session every 12 weeks at the full
    400 U stays within the label; one 83 days after another adds up with it."""
    old = session(DAY - dt.timedelta(days=days), ONA, ("biceps_brachii", "left", 300))
    assert len(of(toxin(session(DAY, ONA, ("soleus", "left", 300)), earlier=[old]), "toxin_cumulative")) == adds_up


def test_cumulative_never_adds_other_products() -> None:
    dysport = session(DAY - dt.timedelta(weeks=6), ABO, ("soleus", "left", 1000))
    assert of(toxin(session(DAY, ONA, ("soleus", "left", 300)), earlier=[dysport]), "toxin_cumulative") == []


@pytest.mark.parametrize(("second", "warns"), [(99, False), (100, False), (101, True)])
def test_botox_child_10_u_per_kg_in_3_months(second: float, warns: bool) -> None:
    """BOTOX, pediatric: the lower of 10 U/kg or 340 U in a 3-month interval: 20 kg -> 200 U."""
    first = session(DAY - dt.timedelta(weeks=6), ONA, ("soleus", "left", 100))
    now = session(DAY, ONA, ("soleus", "right", second))
    assert len(of(toxin(now, SIX, 20, earlier=[first]), "toxin_cumulative")) == warns


# --- 4. age ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "warns"), [(dt.date(2024, 3, 3), True), (dt.date(2024, 3, 2), False)])
@pytest.mark.parametrize("product", [ONA, ABO, INCO])
def test_toxin_for_a_child_under_2_is_flagged(product: str, birth: dt.date, warns: bool) -> None:
    """Paediatric spasticity approvals start at 2 years (BOTOX, DYSPORT, XEOMIN indications)."""
    found = of(toxin(session(DAY, product, ("soleus", "left", 10)), birth, 10), "toxin_age")
    assert len(found) == warns


# --- 8. weight out of date ------------------------------------------------------------------------------

@pytest.mark.parametrize(("weighed_on", "stale"), [(dt.date(2025, 12, 2), False), (dt.date(2025, 12, 1), True)])
def test_a_childs_per_kg_check_on_a_weight_over_3_months_old_says_so(weighed_on: dt.date, stale: bool) -> None:
    jab = session(DAY, ONA, ("soleus", "left", 50))
    rec = record(jab, visits=[weighed(weighed_on, 20)])
    assert len(of(patient_alerts(rec, DAY, LIMITS), "weight_out_of_date")) == stale
    adult = record(jab, birth=ADULT, visits=[weighed(weighed_on, 70)])
    assert of(patient_alerts(adult, DAY, LIMITS), "weight_out_of_date") == []


# --- 10. Botox children's lower limb per leg; Dysport upper limb per limb -------------------------------

def test_botox_child_90_u_each_leg_at_20_kg_is_within_the_label() -> None:
    """BOTOX, pediatric lower limb: 8 U/kg or 300 U per leg; both legs 10 U/kg or 340 U: 90 + 90 U at 20 kg."""
    s = session(DAY, ONA, ("soleus", "left", 90), ("soleus", "right", 90))
    assert [a for a in toxin(s, SIX, 20) if a.severity == "warning"] == []


@pytest.mark.parametrize(("leg", "warns"), [(159, 0), (160, 0), (161, 1)])
def test_botox_child_8_u_per_kg_per_leg(leg: float, warns: int) -> None:
    s = session(DAY, ONA, ("soleus", "left", leg))
    assert len(of(toxin(s, SIX, 20), "toxin_dose_limit", "warning")) == warns


@pytest.mark.parametrize(("arm", "warns"), [(319, 0), (320, 0), (321, 1)])
def test_dysport_child_16_u_per_kg_per_upper_limb(arm: float, warns: int) -> None:
    """DYSPORT, pediatric upper limb: 8-16 U/kg per limb, not over 16 U/kg or 640 U: 20 kg -> 320 U a limb."""
    s = session(DAY, ABO, ("biceps_brachii", "left", arm), ("biceps_brachii", "right", 200))
    assert len(of(toxin(s, SIX, 20), "toxin_dose_limit", "warning")) == warns


# --- 5, 6, 7, 11: the pump -------------------------------------------------------------------------------

IMPLANT = dt.date(2026, 1, 1)


def pump(*events: PumpEvent, on: dt.date = dt.date(2026, 1, 5), origin: str = "cerebral") -> list[Alert]:
    return pump_alerts(MRN, events, on, LIMITS, origin)


def implant(dose: float, conc: float = 500, **kw: object) -> PumpEvent:
    return PumpEvent("implant", IMPLANT, reservoir_ml=20, volume_ml=20, concentration_mcg_per_ml=conc,
                     dose_mcg_per_day=dose, **kw)  # type: ignore[arg-type]


SCREEN = PumpEvent("screening", dt.date(2025, 11, 1), bolus_mcg=50)


@pytest.mark.parametrize(("dose", "warns"), [(99, False), (100, False), (101, True), (150, True)])
def test_first_dose_after_implant_at_most_twice_the_screening_bolus(dose: float, warns: bool) -> None:
    """LIORESAL INTRATHECAL, post-implant: twice the screening dose (the dose itself if effect > 8 h)."""
    assert len(of(pump(SCREEN, implant(dose)), "pump_first_dose")) == warns


@pytest.mark.parametrize("event", [PumpEvent("explant", dt.date(2026, 2, 1)),
                                   PumpEvent("dose_change", dt.date(2026, 2, 1), dose_mcg_per_day=0)])
def test_a_pump_stop_warns_of_withdrawal_and_the_cover(event: PumpEvent) -> None:
    rec = record(implant(100), event, birth=ADULT)
    [stop] = of(patient_alerts(rec, dt.date(2026, 2, 2), LIMITS), "pump_stop")
    assert "rhabdomyolysis" in stop.message and "benzodiazepines" in stop.message and "boxed" in (stop.source or "")


def test_a_pump_event_with_no_pump_on_record_is_an_unknown_state() -> None:
    rec = record(PumpEvent("refill", dt.date(2026, 2, 1), volume_ml=20), birth=ADULT)
    [stop] = of(patient_alerts(rec, dt.date(2026, 2, 2), LIMITS), "pump_stop")
    assert "unknown" in stop.message


@pytest.mark.parametrize(("conc", "warns"), [(500, False), (1000, False), (2000, False), (750, True), (3000, True)])
def test_concentration_must_be_a_marketed_strength_gablofen_16(conc: float, warns: bool) -> None:
    assert len(of(pump(implant(100, conc)), "pump_concentration")) == warns


@pytest.mark.parametrize(("dose", "warns"), [(999, False), (1000, False), (1001, True)])
def test_daily_dose_above_the_labels_1000_ug_experience(dose: float, warns: bool) -> None:
    change = PumpEvent("dose_change", dt.date(2026, 1, 3), dose_mcg_per_day=dose)
    assert len(of(pump(implant(900), change), "pump_dose_ceiling")) == warns


def test_the_pumps_own_alarm_volume_moves_the_refill_date() -> None:
    # (20 - 2) x 500 / 100 = 90 days with the default; (20 - 5) x 500 / 100 = 75 days with the pump's own 5 mL.
    [default] = of(pump(implant(100), on=dt.date(2026, 3, 20)), "pump_refill_due")
    [own] = of(pump(implant(100, alarm_ml=5), on=dt.date(2026, 3, 10)), "pump_refill_due")
    assert default.date == dt.date(2026, 4, 1) and own.date == dt.date(2026, 3, 17) and "own" in own.message


@pytest.mark.parametrize(("on", "due"), [(dt.date(2028, 12, 31), False), (dt.date(2029, 1, 1), True)])
def test_replacement_due_6_months_before_the_recorded_date(on: dt.date, due: bool) -> None:
    alerts = of(pump(implant(100, replacement_due=dt.date(2029, 7, 1)), on=on), "pump_replacement_due")
    assert len(alerts) == due


def test_no_replacement_date_takes_the_7_year_service_life() -> None:
    [found] = of(pump(implant(100), on=dt.date(2032, 7, 1)), "pump_replacement_due")
    assert found.date == dt.date(2033, 1, 1) and "record the date" in found.message


@pytest.mark.parametrize(("new", "phase", "warns"), [
    (230, "post_implant", False), (231, "post_implant", True),
    (240, "maintenance", False), (241, "maintenance", True),
])
def test_titration_steps_post_implant_15_then_maintenance_20_percent(new: float, phase: str, warns: bool) -> None:
    """Item 11: cerebral origin: post-implant 5-15 % per 24 h; at refills (maintenance) 5-20 %."""
    events = [implant(200)]
    if phase == "maintenance":
        events.append(PumpEvent("refill", dt.date(2026, 3, 1), volume_ml=20))
    change = PumpEvent("dose_change", dt.date(2026, 3, 10), dose_mcg_per_day=new)
    found = of(pump(*events, change, on=dt.date(2026, 3, 11)), "pump_titration_step")
    assert len(found) == warns


def test_a_decrease_for_side_effects_is_not_flagged() -> None:
    change = PumpEvent("dose_change", dt.date(2026, 1, 3), dose_mcg_per_day=100)
    assert of(pump(implant(200), change), "pump_titration_step") == []


# --- 13. interactions, and the letter's functions --------------------------------------------------------

@pytest.mark.parametrize(("other", "found"), [("Ciprofloxacin 500 mg twice daily", "ciprofloxacin"),
                                              ("omeprazole\nLuvox 50 mg", "fluvoxamine"),
                                              ("ciprofloxacin eye drops stopped; levofloxacin", "ciprofloxacin"),
                                              ("amoxicillin", None), (None, None)])
def test_tizanidine_with_ciprofloxacin_or_fluvoxamine_is_contraindicated(other: str | None,
                                                                          found: str | None) -> None:
    rec = record(OralMedication("tizanidine", 12, dt.date(2026, 1, 1)), birth=ADULT, other=other)
    pairs = interactions(rec, DAY, LIMITS)
    assert [p.interacting for p in pairs] == ([found] if found else [])
    alerts = of(patient_alerts(rec, DAY, LIMITS), "drug_interaction", "warning")
    assert len(alerts) == (1 if found else 0)


def test_current_medicines_say_over_or_within_with_the_source() -> None:
    rec = record(OralMedication("dantrolene", 300, dt.date(2026, 1, 1)),
                 OralMedication("baclofen", 20, dt.date(2026, 1, 1)), visits=[weighed(dt.date(2026, 2, 1), 20)])
    by_drug = {m.drug: m for m in current_medicines(rec, DAY, LIMITS)}
    assert by_drug["dantrolene"].over and by_drug["dantrolene"].maximum_mg_per_day == 120
    assert "DANTRIUM" in (by_drug["dantrolene"].source or "") and not by_drug["dantrolene"].verified
    assert not by_drug["baclofen"].over and "12 years" in (by_drug["baclofen"].note or "")
    stopped = dataclasses.replace(rec, treatments=())
    assert current_medicines(stopped, DAY, LIMITS) == []
