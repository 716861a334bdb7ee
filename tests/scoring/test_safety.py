"""Safety checks and follow-up planning: every rule at its boundaries (CLINICAL.md "Safety rules")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.record.domain import (
    Finding,
    Injection,
    OralMedication,
    PatientRecord,
    PumpEvent,
    Sdr,
    ToxinSession,
    Treatment,
    Visit,
    VisitScores,
)
from assess.scoring.limits import LimitTable, load_limits, parse_limits
from assess.scoring.safety import (
    Alert,
    followup_alerts,
    oral_alerts,
    patient_alerts,
    pump_alerts,
    toxin_session_alerts,
    worsening_alerts,
)

LIMITS = load_limits()
ONA, ABO, INCO = "onabotulinumtoxinA", "abobotulinumtoxinA", "incobotulinumtoxinA"
DAY = dt.date(2026, 3, 2)
ADULT = dt.date(1980, 5, 17)
CHILD = dt.date(2016, 9, 1)  # 9 years old on DAY
MRN = "MRN-0042"


def inj(muscle: str, units: float, side: str = "left") -> Injection:
    return Injection(muscle, side, units)


def session(day: dt.date, product: str, *injections: Injection) -> ToxinSession:
    return ToxinSession(day, product, injections)


def toxin(s: ToxinSession, birth: dt.date = ADULT, weight: float | None = None,
          earlier: Sequence[ToxinSession] = (), limits: LimitTable = LIMITS) -> list[Alert]:
    return toxin_session_alerts(MRN, s, birth, weight, earlier, limits)


def of(alerts: Sequence[Alert], code: str, severity: str | None = None) -> list[Alert]:
    return [a for a in alerts if a.code == code and (severity is None or a.severity == severity)]


def dose_warnings(alerts: Sequence[Alert]) -> list[Alert]:
    return of(alerts, "toxin_dose_limit", "warning")


# --- botulinum toxin: dose --------------------------------------------------------------------------------

def test_adult_botox_exactly_400_is_allowed_401_warns() -> None:
    assert toxin(session(DAY, ONA, inj("biceps_brachii", 200), inj("gastrocnemius_medial", 200))) == []
    alerts = toxin(session(DAY, ONA, inj("biceps_brachii", 201), inj("gastrocnemius_medial", 200)))
    [warning] = dose_warnings(alerts)
    assert "onabotulinumtoxinA (Botox)" in warning.message and "401 U" in warning.message
    assert "400 U" in warning.message and "by 1 U" in warning.message
    assert "BOTOX" in (warning.source or "") and "section 2.1" in (warning.source or "")
    assert warning.mrn == MRN and warning.date == DAY
    # The adult 400 U was read only in secondary sources on 2026-12-01: the warning says so.
    assert "unverified" in warning.message


def test_17_years_364_days_is_paediatric_18_years_0_days_adult() -> None:
    birth = dt.date(2008, 3, 2)
    units = (inj("biceps_brachii", 150), inj("gastrocnemius_medial", 200))  # 350 U: over 340, under 400
    child = toxin(session(dt.date(2026, 3, 1), ONA, *units), birth, weight=60)
    adult = toxin(session(dt.date(2026, 3, 2), ONA, *units), birth, weight=60)
    [warning] = dose_warnings(child)
    assert "paediatric whole-session limit of 340 U" in warning.message
    assert "unverified" not in warning.message  # 10 U/kg / 340 U: read as quoted by the manufacturer
    assert adult == []


@pytest.mark.parametrize(("weight", "ceiling"), [(20.0, 120), (50.0, 200), (33.3, 199.8)])
def test_paediatric_upper_limb_the_lower_of_per_kg_and_absolute(weight: float, ceiling: float) -> None:
    # Botox children's upper limb: 6 U/kg or 200 U, whichever is lower.
    at = toxin(session(DAY, ONA, inj("biceps_brachii", 6 * weight if 6 * weight < 200 else 200)), CHILD, weight)
    assert dose_warnings(at) == []
    over = toxin(session(DAY, ONA, inj("biceps_brachii", ceiling + 1)), CHILD, weight)
    [warning] = dose_warnings(over)
    assert f"paediatric upper-limb (one side) limit of {ceiling:g} U" in warning.message
    assert ("6 U/kg × " in warning.message) == (6 * weight < 200)


def test_a_child_without_weight_gets_a_warning_and_the_absolute_limits_still_apply() -> None:
    alerts = toxin(session(DAY, ONA, inj("biceps_brachii", 201)), CHILD, None)
    [missing] = of(alerts, "toxin_weight_missing", "warning")
    assert "could not be checked" in missing.message and "6 U/kg" in missing.message
    [warning] = dose_warnings(alerts)
    assert "200 U" in warning.message
    assert of(toxin(session(DAY, ONA, inj("biceps_brachii", 100)), ADULT, None), "toxin_weight_missing") == []


def test_dysport_paediatric_lower_limb_is_per_side() -> None:
    # 40 kg child: one side 15 U/kg x 40 = 600 U (below 1000 U); any combination 30 U/kg x 40 = 1200 -> 1000 U.
    both = toxin(session(DAY, ABO, inj("gastrocnemius_medial", 500, "left"), inj("gastrocnemius_medial", 500, "right")),
                 CHILD, 40)
    assert dose_warnings(both) == []
    at = toxin(session(DAY, ABO, inj("soleus", 600, "left"), inj("soleus", 400, "right")), CHILD, 40)
    assert dose_warnings(at) == []
    over = toxin(session(DAY, ABO, inj("soleus", 601, "left"), inj("soleus", 399, "right")), CHILD, 40)
    [warning] = dose_warnings(over)
    assert "left lower limb" in warning.message and "(one side)" in warning.message and "600 U" in warning.message
    assert "DYSPORT" in (warning.source or "")


def test_dysport_adult_limb_and_session_limits() -> None:
    assert dose_warnings(toxin(session(DAY, ABO, inj("biceps_brachii", 1000), inj("soleus", 500)))) == []
    [upper] = dose_warnings(toxin(session(DAY, ABO, inj("biceps_brachii", 1001))))
    assert "adult upper-limb limit of 1000 U" in upper.message
    [combined] = dose_warnings(toxin(session(DAY, ABO, inj("biceps_brachii", 600), inj("soleus", 901))))
    assert "adult whole-session limit of 1500 U" in combined.message


def test_xeomin_paediatric_upper_limb_per_limb_and_no_lower_limb_limit() -> None:
    # 20 kg child: 8 U/kg x 20 = 160 U per upper limb.
    at = toxin(session(DAY, INCO, inj("biceps_brachii", 160, "left"), inj("biceps_brachii", 160, "right")), CHILD, 20)
    assert dose_warnings(at) == []
    [warning] = dose_warnings(toxin(session(DAY, INCO, inj("biceps_brachii", 161, "right")), CHILD, 20))
    assert "right upper limb" in warning.message
    # XEOMIN 2.1: at most 400 U in a session for any indication, children included (issue 13, item 2).
    assert toxin(session(DAY, INCO, inj("soleus", 100)), CHILD, 20) == []
    both_legs = session(DAY, INCO, inj("soleus", 300, "left"), inj("soleus", 301, "right"))
    [whole] = dose_warnings(toxin(both_legs, CHILD, 20))
    assert "601 U in the whole session" in whole.message and "400 U" in whole.message


def test_a_clinics_own_muscle_is_only_checked_against_the_whole_session() -> None:
    alerts = toxin(session(DAY, ONA, inj("x-serratus_anterior", 50), inj("biceps_brachii", 351)))
    [warning] = dose_warnings(alerts)
    assert "401 U in the whole session" in warning.message
    [info] = of(alerts, "toxin_dose_limit", "info")
    assert "Serratus anterior (50 U) is not known" in info.message and "only the whole-session limit" in info.message
    # A child's x- muscle with Botox: 30 U into an unknown limb is not counted in the 6 U/kg upper limb limit.
    child = toxin(session(DAY, ONA, inj("x-serratus_anterior", 30), inj("biceps_brachii", 120)), CHILD, 20)
    assert dose_warnings(child) == []


def test_a_product_without_limits_says_so() -> None:
    [info] = toxin(session(DAY, "rimabotulinumtoxinB", inj("biceps_brachii", 5000)), CHILD, 20,
                   earlier=[session(DAY - dt.timedelta(weeks=2), ONA, inj("soleus", 50))])
    assert (info.code, info.severity) == ("toxin_dose_limit", "info")
    assert "No limit is on file for rimabotulinumtoxinB (Myobloc)" in info.message


def test_units_of_different_products_are_never_added() -> None:
    botox = session(DAY, ONA, inj("biceps_brachii", 400))
    dysport = session(DAY, ABO, inj("soleus", 1500))
    assert toxin(botox, earlier=[dysport]) == [] and toxin(dysport, earlier=[botox]) == []


def test_limits_come_from_the_table_not_the_code() -> None:
    document = {"format": "assess-limits/1", "limits": [{
        "id": "clinic_botox", "rule": "toxin_session_max_units", "subject": ONA, "population": "any", "limb": "any",
        "value": 300, "unit": "U", "source": "Clinic protocol", "section": "3", "checked_on": "2026-11-24",
        "verified": True,
        "note": "stricter local ceiling"}]}
    [warning] = dose_warnings(toxin(session(DAY, ONA, inj("biceps_brachii", 301)), limits=parse_limits(document)))
    assert "300 U" in warning.message and warning.source == "Clinic protocol, section 3"


@settings(max_examples=200, deadline=None)
@given(product=st.sampled_from([ONA, ABO, INCO]), child=st.booleans(),
       weight=st.one_of(st.none(), st.floats(min_value=8, max_value=120)),
       doses=st.lists(st.tuples(st.sampled_from(["biceps_brachii", "soleus", "gastrocnemius_medial", "x-custom"]),
                                st.sampled_from(["left", "right"]), st.integers(min_value=1, max_value=900)),
                      min_size=1, max_size=6),
       extra=st.integers(min_value=1, max_value=800), which=st.integers(min_value=0))
def test_adding_units_never_removes_a_dose_warning(product: str, child: bool, weight: float | None,
                                                   doses: list[tuple[str, str, int]], extra: int, which: int) -> None:
    injections = [inj(m, u, s) for m, s, u in doses]
    before = dose_warnings(toxin(session(DAY, product, *injections), CHILD if child else ADULT, weight))
    i = which % len(injections)
    injections[i] = inj(injections[i].muscle, injections[i].units + extra, injections[i].side)
    after = dose_warnings(toxin(session(DAY, product, *injections), CHILD if child else ADULT, weight))
    assert len(after) >= len(before)


@settings(max_examples=200, deadline=None)
@given(weight=st.floats(min_value=5, max_value=80).map(lambda w: round(w, 1)))
def test_exactly_at_a_per_kg_limit_never_warns(weight: float) -> None:
    ceiling = min(6 * weight, 200)  # floats: 6 x 23.3 = 139.79999...; 139.8 U must not warn
    for units in (ceiling, round(ceiling, 1)):
        assert dose_warnings(toxin(session(DAY, ONA, inj("biceps_brachii", units)), CHILD, weight)) == []
    assert len(dose_warnings(toxin(session(DAY, ONA, inj("biceps_brachii", ceiling + 1)), CHILD, weight))) == 1


# --- botulinum toxin: re-injection interval ---------------------------------------------------------------

def test_dysport_paediatric_upper_limb_16_weeks() -> None:
    first = session(DAY, ABO, inj("biceps_brachii", 200))
    early = toxin(session(DAY + dt.timedelta(weeks=16, days=-1), ABO, inj("biceps_brachii", 200)), CHILD, 30, [first])
    [warning] = of(early, "toxin_interval", "warning")
    assert "15 weeks 6 days" in warning.message and "16 weeks" in warning.message
    assert f"allowed from {DAY + dt.timedelta(weeks=16)}" in warning.message
    on_time = toxin(session(DAY + dt.timedelta(weeks=16), ABO, inj("biceps_brachii", 200)), CHILD, 30, [first])
    assert of(on_time, "toxin_interval") == []


def test_dysport_paediatric_lower_limb_12_weeks() -> None:
    first = session(DAY, ABO, inj("soleus", 200))
    assert of(toxin(session(DAY + dt.timedelta(weeks=12), ABO, inj("soleus", 200)), CHILD, 30, [first]),
              "toxin_interval") == []
    assert len(of(toxin(session(DAY + dt.timedelta(weeks=12, days=-1), ABO, inj("soleus", 200)), CHILD, 30, [first]),
                  "toxin_interval")) == 1


def test_the_interval_counts_from_the_last_session_of_any_product() -> None:
    history = [session(DAY - dt.timedelta(weeks=w), product, inj("soleus", 100))
               for w, product in ((52, ONA), (36, ABO), (24, INCO), (11, ONA))]
    [warning] = of(toxin(session(DAY, ABO, inj("soleus", 500)), earlier=history), "toxin_interval")
    assert "onabotulinumtoxinA (Botox) on 2025-12-15" in warning.message and "11 weeks" in warning.message
    assert of(toxin(session(DAY, ABO, inj("soleus", 500)), earlier=history[:3]), "toxin_interval") == []
    # a later session handed in by mistake is not "earlier"
    assert of(toxin(session(DAY, ABO, inj("soleus", 500)), earlier=[session(DAY + dt.timedelta(days=3), ONA)]),
              "toxin_interval") == []


# --- oral drugs --------------------------------------------------------------------------------------------

def oral(*drugs: OralMedication, birth: dt.date = ADULT, weight: float | None = 70.0, on: dt.date = DAY) -> list[Alert]:
    return oral_alerts(MRN, drugs, birth, weight, on, LIMITS)


def drug(name: str, mg: float, start: dt.date = dt.date(2025, 1, 1), stop: dt.date | None = None) -> OralMedication:
    return OralMedication(name, mg, start, stop)


@pytest.mark.parametrize(("name", "birth", "maximum"), [
    ("baclofen", ADULT, 80), ("baclofen", dt.date(2008, 3, 2), 80), ("baclofen", dt.date(2008, 3, 3), 60),
    ("baclofen", dt.date(2018, 3, 2), 60), ("baclofen", dt.date(2018, 3, 3), 40), ("tizanidine", ADULT, 36),
    ("tizanidine", CHILD, 36), ("dantrolene", ADULT, 400), ("diazepam", ADULT, 40), ("gabapentin", ADULT, 3600),
])
def test_oral_maximum_per_age_band(name: str, birth: dt.date, maximum: float) -> None:
    assert oral(drug(name, maximum), birth=birth) == []
    [warning] = oral(drug(name, maximum + 1), birth=birth)
    assert (warning.code, warning.severity) == ("oral_dose_limit", "warning")
    assert f"{name} {maximum + 1:g} mg/day" in warning.message and f"{maximum:g} mg/day" in warning.message


def test_baclofen_2_to_7_years_the_lower_of_mg_and_mg_per_kg() -> None:
    five = dt.date(2021, 1, 1)
    assert oral(drug("baclofen", 30), birth=five, weight=15) == []  # 2 mg/kg x 15 kg = 30 mg below 40 mg
    [warning] = oral(drug("baclofen", 31), birth=five, weight=15)
    assert "30 mg/day" in warning.message and "2 mg/kg/day × 15 kg" in warning.message
    assert oral(drug("baclofen", 40), birth=five, weight=25) == []  # 50 mg by weight: 40 mg applies
    assert len(oral(drug("baclofen", 41), birth=five, weight=25)) == 1


def test_baclofen_2_to_7_years_without_weight() -> None:
    alerts = oral(drug("baclofen", 35), birth=dt.date(2021, 1, 1), weight=None)
    [warning] = alerts
    assert "2 mg/kg/day maximum of baclofen could not be checked" in warning.message


def test_no_maximum_on_file_is_said() -> None:
    [info] = oral(drug("diazepam", 5), birth=CHILD)
    assert info.severity == "info" and "No maximum daily dose of diazepam" in info.message
    [info] = oral(drug("baclofen", 5), birth=dt.date(2025, 1, 1))  # a child of one year
    assert info.severity == "info"


def test_only_drugs_taken_on_the_day_count_and_overlaps_add_up() -> None:
    assert oral(drug("baclofen", 100, stop=DAY), drug("baclofen", 60, start=DAY)) == []
    assert oral(drug("baclofen", 100, start=DAY + dt.timedelta(days=1))) == []
    [warning] = oral(drug("baclofen", 50), drug("baclofen", 40))
    assert "90 mg/day" in warning.message


@pytest.mark.parametrize(("first", "second", "same"), [
    ("diazepam", "clonazepam", True), ("tizanidine", "clonidine", True), ("baclofen", "diazepam", False),
    ("tizanidine", "diazepam", False),
])
def test_two_drugs_of_one_class(first: str, second: str, same: bool) -> None:
    alerts = [a for a in oral(drug(first, 1), drug(second, 1)) if "one class" in a.message]
    assert len(alerts) == same
    if same:
        assert alerts[0].severity == "warning" and first in alerts[0].message and second in alerts[0].message


# --- intrathecal baclofen pump -----------------------------------------------------------------------------

IMPLANT = dt.date(2026, 1, 1)


def implant(volume: float = 20, concentration: float = 500, dose: float = 100) -> PumpEvent:
    return PumpEvent("implant", IMPLANT, reservoir_ml=20, volume_ml=volume, concentration_mcg_per_ml=concentration,
                     dose_mcg_per_day=dose)


def pump(*events: PumpEvent, on: dt.date, origin: str = "cerebral", since: dt.date | None = None) -> list[Alert]:
    return pump_alerts(MRN, events, on, LIMITS, origin, since=since)


def test_refill_due_date_hand_worked() -> None:
    # (20 mL - 2 mL alarm) x 500 µg/mL / 100 µg/day = 18 x 500 / 100 = 90 days: 2026-01-01 + 90 d = 2026-04-01.
    due = dt.date(2026, 4, 1)
    [warning] = pump(implant(), on=due - dt.timedelta(days=28))
    assert (warning.code, warning.severity, warning.date) == ("pump_refill_due", "warning", due)
    assert "2026-04-01" in warning.message and "2 mL low-reservoir alarm" in warning.message
    assert "unverified" in warning.message and "withdrawal" in warning.message
    assert pump(implant(), on=due - dt.timedelta(days=29)) == []
    [late] = pump(implant(), on=due + dt.timedelta(days=3))
    assert "was due on 2026-04-01:" in late.message  # the worklist counts the days since


def test_refill_due_date_rounds_down_to_a_whole_day() -> None:
    # 18 mL x 500 µg/mL = 9000 µg above the alarm; at 130 µg/day that lasts 69.2 days: due day 69, 2026-03-11.
    [warning] = pump(implant(dose=130), on=dt.date(2026, 3, 1))
    assert warning.date == dt.date(2026, 3, 11)


def test_refill_due_date_follows_dose_changes_since_the_refill() -> None:
    # Refill 2026-02-01: (18 - 2) mL x 1000 µg/mL = 16000 µg. 20 days at 200 µg/day use 4000 µg; the 12000 µg
    # left last 12000 / 250 = 48 days from the change on 2026-02-21: due 2026-04-10 (without the change: 04-22).
    refill = PumpEvent("refill", dt.date(2026, 2, 1), volume_ml=18, concentration_mcg_per_ml=1000, dose_mcg_per_day=200)
    change = PumpEvent("dose_change", dt.date(2026, 2, 21), dose_mcg_per_day=250)
    on = dt.date(2026, 3, 26)  # 28 days ahead reach 2026-04-23
    [due] = of(pump(implant(), refill, change, on=on), "pump_refill_due")
    assert due.date == dt.date(2026, 4, 10)
    [unchanged] = of(pump(implant(), refill, on=on), "pump_refill_due")
    assert unchanged.date == dt.date(2026, 4, 22)


def test_refill_without_concentration_takes_the_last_known_one_or_says_it_cannot() -> None:
    refill = PumpEvent("refill", dt.date(2026, 3, 1), volume_ml=20)
    # concentration 500 and dose 100 carried from the implant: 90 days after 2026-03-01 = 2026-05-30
    [due] = pump(implant(), refill, on=dt.date(2026, 5, 10))
    assert due.date == dt.date(2026, 5, 30)
    [info] = pump(PumpEvent("implant", IMPLANT, volume_ml=20, dose_mcg_per_day=100), on=dt.date(2026, 2, 1))
    assert info.severity == "info" and "concentration" in info.message


def test_no_pump_no_alert() -> None:
    assert pump(implant(), PumpEvent("explant", dt.date(2026, 2, 1)), on=dt.date(2026, 3, 25)) == []
    assert pump(implant(), on=IMPLANT - dt.timedelta(days=1)) == []


@pytest.mark.parametrize(("origin", "new", "warns"), [
    ("cerebral", 230, False), ("cerebral", 231, True), ("cerebral", 170, False), ("cerebral", 169, False),
    ("spinal", 260, False), ("spinal", 261, True),
])
def test_titration_step_exactly_at_and_over_the_percent(origin: str, new: float, warns: bool) -> None:
    change = PumpEvent("dose_change", dt.date(2026, 1, 10), dose_mcg_per_day=new)
    alerts = of(pump(implant(dose=200), change, on=dt.date(2026, 1, 12), origin=origin), "pump_titration_step")
    assert len(alerts) == warns
    if warns:
        assert alerts[0].date == dt.date(2026, 1, 10) and "200 to" in alerts[0].message
        assert "LIORESAL INTRATHECAL" in (alerts[0].source or "") and "post-implant" in (alerts[0].source or "")


def test_titration_is_per_24_hours_and_not_repeated_before_since() -> None:
    # two changes on one day: 200 -> 220 -> 240 is one step of 20 % from the day before
    same_day = [PumpEvent("dose_change", dt.date(2026, 1, 10), dose_mcg_per_day=d) for d in (220, 240)]
    [warning] = pump(implant(dose=200), *same_day, on=dt.date(2026, 1, 12))[1:]
    assert "from 200 to 240" in warning.message and "20 %" in warning.message
    assert of(pump(implant(dose=200), *same_day, on=dt.date(2026, 1, 12), since=dt.date(2026, 1, 11)),
              "pump_titration_step") == []


# --- follow-up -----------------------------------------------------------------------------------------------

SDR_DAY = dt.date(2026, 1, 15)  # 3 months: 2026-04-15, window 2026-03-25 to 2026-05-06


def record(*treatments: Treatment, visits: Sequence[Visit] = (), birth: dt.date = CHILD,
           diagnosis: str = "cerebral_palsy") -> PatientRecord:
    return PatientRecord(MRN, "Osei", "Ama", birth, "female", diagnosis, visits=tuple(visits),
                         treatments=tuple(treatments))


def visit(day: dt.date, *findings: Finding, penn: int | None = None, weight: float | None = None,
          type_: str = "follow_up") -> Visit:
    return Visit(day, type_, "Dr K. Osei", weight_kg=weight, findings=findings,
                 scores=VisitScores(penn_frequency=penn, penn_severity=1 if penn else None))


def follow(rec: PatientRecord, on: dt.date) -> list[Alert]:
    return followup_alerts(MRN, rec, on, LIMITS)


@pytest.mark.parametrize(("on", "expected"), [
    (dt.date(2026, 2, 24), []),  # window starts in 29 days
    (dt.date(2026, 2, 25), ["followup_due"]),  # starts in 28 days
    (dt.date(2026, 4, 15), ["followup_due"]),
    (dt.date(2026, 5, 6), ["followup_due"]),  # last day of the window
    (dt.date(2026, 5, 7), ["followup_overdue"]),
])
def test_sdr_3_month_window_due_and_overdue(on: dt.date, expected: list[str]) -> None:
    alerts = [a for a in follow(record(Sdr(SDR_DAY)), on) if "3-month" in a.message]
    assert [a.code for a in alerts] == expected
    if alerts:
        assert alerts[0].date == dt.date(2026, 4, 15) and "window 2026-03-25 to 2026-05-06" in alerts[0].message
        assert alerts[0].severity == ("warning" if expected == ["followup_overdue"] else "info")


@pytest.mark.parametrize(("seen", "met"), [
    (dt.date(2026, 3, 25), True), (dt.date(2026, 5, 6), True), (dt.date(2026, 3, 24), False),
    (dt.date(2026, 5, 20), True),  # seen late, after the window: not overdue for ever
])
def test_sdr_3_month_window_met(seen: dt.date, met: bool) -> None:
    alerts = follow(record(Sdr(SDR_DAY), visits=[visit(seen)]), dt.date(2026, 6, 1))
    assert any(a.code == "followup_overdue" and "3-month" in a.message for a in alerts) != met


def test_all_milestones_met_say_nothing_and_implants_count_too() -> None:
    visits = [visit(dt.date(2026, 4, 15)), visit(dt.date(2026, 7, 15)), visit(dt.date(2027, 1, 15))]
    assert follow(record(Sdr(SDR_DAY), visits=visits), dt.date(2027, 6, 1)) == []
    pump_visits = [visit(dt.date(2025, 4, 1)), visit(dt.date(2025, 7, 1))]
    [overdue] = follow(record(PumpEvent("implant", dt.date(2025, 1, 1)), visits=pump_visits), dt.date(2026, 2, 1))
    assert overdue.code == "followup_overdue" and "12-month visit after the pump implant" in overdue.message


def test_months_after_the_31st_fall_on_the_last_day_of_the_month() -> None:
    [due] = follow(record(Sdr(dt.date(2025, 11, 30))), dt.date(2026, 2, 20))
    assert due.date == dt.date(2026, 2, 28)


def test_post_injection_review_and_earliest_next_injection() -> None:
    jab = session(dt.date(2026, 1, 5), ONA, inj("soleus", 100))  # review window 2026-02-02 to 2026-03-02
    due = follow(record(jab, birth=ADULT), dt.date(2026, 1, 10))
    review = [a for a in due if "review" in a.message]
    assert [(a.code, a.date) for a in review] == [("followup_due", dt.date(2026, 2, 2))]
    assert "window 2026-02-02 to 2026-03-02" in review[0].message
    [earliest] = [a for a in due if "Earliest next" in a.message]
    assert earliest.date == dt.date(2026, 3, 30) and "BOTOX" in (earliest.source or "")
    assert [a.code for a in follow(record(jab, birth=ADULT), dt.date(2026, 3, 3)) if "review" in a.message] == [
        "followup_overdue"]
    assert [a for a in follow(record(jab, birth=ADULT, visits=[visit(dt.date(2026, 2, 20))]), dt.date(2026, 3, 3))
            if "review" in a.message] == []


def test_only_the_latest_sessions_review_is_reported() -> None:
    old = session(dt.date(2025, 6, 2), ONA, inj("soleus", 100))  # its review was missed
    new = session(dt.date(2026, 1, 5), ONA, inj("soleus", 100))
    alerts = follow(record(old, new, birth=ADULT), dt.date(2026, 1, 10))
    assert all("2025-06-02" not in a.message for a in alerts)


def test_earliest_next_dysport_for_a_childs_arm_is_16_weeks() -> None:
    jab = session(dt.date(2026, 1, 5), ABO, inj("biceps_brachii", 200))
    [earliest] = [a for a in follow(record(jab), dt.date(2026, 1, 10)) if "Earliest next" in a.message]
    assert earliest.date == dt.date(2026, 4, 27)  # 16 weeks after


# --- worsening ------------------------------------------------------------------------------------------------

def mas(grade: str, group: str = "elbow_flexors", side: str = "left") -> Finding:
    return Finding(group, side, mas=grade)


def test_worsening_of_the_latest_visit_names_groups_sides_and_penn() -> None:
    # scoring/worsening.py: one group two steps above each of its last three exams; Penn two levels up.
    visits = [visit(dt.date(2025, m, 1), mas("1"), penn=1) for m in (3, 4, 6)]
    visits.append(visit(dt.date(2025, 9, 1), mas("2"), penn=3))
    [warning] = worsening_alerts(MRN, record(visits=visits))
    assert (warning.code, warning.severity, warning.date) == ("worsening", "warning", dt.date(2025, 9, 1))
    assert "one muscle group up a lot against the patient's own reference: left elbow flexors MAS 2, " \
           "reference 1 (exams to 2025-06-01)" in warning.message
    assert "Penn spasm frequency up from a median of 1 to 3" in warning.message
    assert "urinary tract infection" in warning.message and "pump or catheter" not in warning.message
    with_pump = record(PumpEvent("implant", dt.date(2025, 1, 1)), visits=visits)
    assert "pump or catheter problem" in worsening_alerts(MRN, with_pump)[0].message


def test_worsening_only_for_the_latest_visit() -> None:
    visits = [visit(dt.date(2025, 6, 1), mas("1")), visit(dt.date(2025, 9, 1), mas("2")),
              visit(dt.date(2025, 12, 1), mas("2"))]
    assert worsening_alerts(MRN, record(visits=visits)) == []
    assert worsening_alerts(MRN, record()) == []


# --- one patient -----------------------------------------------------------------------------------------------

def test_patient_alerts_on_a_record_with_findings_only_on_the_last_two_visits() -> None:
    on = dt.date(2026, 6, 1)
    visits = [visit(dt.date(2025, m, 1), weight=20 + m / 10) for m in (1, 3, 5, 7, 9)]  # no findings
    # 1 -> 3 is three steps: "one group up a lot" with one exam on file (scoring/worsening.py)
    visits += [visit(dt.date(2026, 2, 1), mas("1", "knee_flexors"), weight=21),
               visit(dt.date(2026, 5, 1), mas("3", "knee_flexors"), weight=22)]
    visits += [visit(dt.date(2026, 7, 1), mas("4"), weight=30)]  # after `on`: not yet happened
    old = session(dt.date(2025, 3, 1), ONA, inj("biceps_brachii", 199))  # over the limit but 15 months ago
    recent = session(dt.date(2026, 2, 1), ONA, inj("biceps_brachii", 127))  # 6 U/kg x 21 kg = 126 U
    # SDR 2025-06-01: 3 months met (2025-09-01), 6 months seen late (2026-02-01), 12 months due (window has `on`)
    rec = record(old, recent, drug("baclofen", 70), Sdr(dt.date(2025, 6, 1)), visits=visits, birth=CHILD)
    alerts = patient_alerts(rec, on, LIMITS)
    assert [(a.code, a.date) for a in alerts] == [
        ("toxin_dose_limit", dt.date(2026, 2, 1)), ("worsening", dt.date(2026, 5, 1)), ("oral_dose_limit", on),
        ("followup_due", dt.date(2026, 6, 1)), ("oral_not_established", on)]
    severities = [a.severity for a in alerts]
    assert severities == sorted(severities, key=lambda s: s != "warning")
    warnings = [a for a in alerts if a.severity == "warning"]
    assert [a.date for a in warnings] == sorted(a.date for a in warnings)
    [dose] = of(alerts, "toxin_dose_limit")
    assert dose.date == dt.date(2026, 2, 1) and "126 U" in dose.message
    [worse] = of(alerts, "worsening")
    assert worse.date == dt.date(2026, 5, 1) and "MAS 3, reference 1 (exams to 2026-02-01)" in worse.message
    [baclofen] = of(alerts, "oral_dose_limit")
    assert "60 mg/day" in baclofen.message  # 9 years old on `on`


def test_patient_alerts_take_the_weight_of_the_session_day_or_before() -> None:
    visits = [visit(dt.date(2026, 1, 1), weight=20), visit(dt.date(2026, 2, 2), weight=40)]
    jab = session(dt.date(2026, 2, 1), ONA, inj("biceps_brachii", 150))  # 6 x 20 = 120 U, not 6 x 40 = 240
    assert len(of(patient_alerts(record(jab, visits=visits), dt.date(2026, 2, 10), LIMITS), "toxin_dose_limit")) == 1
    alerts = patient_alerts(record(jab, visits=visits[1:]), dt.date(2026, 2, 10), LIMITS)
    assert len(of(alerts, "toxin_weight_missing")) == 1


@pytest.mark.parametrize(("birth", "diagnosis", "warns"), [
    (ADULT, "spinal_cord_injury", False), (ADULT, "multiple_sclerosis", False), (ADULT, "stroke", True),
    (CHILD, "spinal_cord_injury", True), (ADULT, "other", True),
])
def test_patient_alerts_choose_the_titration_step_by_origin_and_age(birth: dt.date, diagnosis: str,
                                                                     warns: bool) -> None:
    # a 20 % step: over the 15 % for cerebral origin and children, within the 30 % for spinal origin
    events = (implant(dose=200), PumpEvent("dose_change", dt.date(2026, 1, 10), dose_mcg_per_day=240))
    rec = record(*events, birth=birth, diagnosis=diagnosis, visits=[visit(dt.date(2026, 1, 10))])
    alerts = patient_alerts(rec, dt.date(2026, 1, 20), LIMITS)
    assert len(of(alerts, "pump_titration_step")) == warns
