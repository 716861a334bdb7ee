"""The words of the report: scales named in full, grades explained, warnings for the primary care doctor."""

from __future__ import annotations

import datetime as dt

from assess.scoring.scales import MAS, MRC, PENN_FREQUENCY, PENN_SEVERITY, REFLEX, TARDIEU_X

SCALE_NAMES = {
    "mas": "MAS", "tardieu_x": "Tardieu X", "tardieu_r1": "Tardieu R1", "tardieu_r2": "Tardieu R2",
    "asas": "ASAS", "prom": "PROM", "mrc": "MRC", "reflex": "Reflex", "clonus_beats": "Clonus beats",
    "clonus_sustained": "Sustained clonus",
}

# Each scale named in full, once, with what a non-specialist needs to read its grades.
SCALE_NOTES = {
    "mas": "Modified Ashworth Scale (MAS): resistance of a muscle group to passive stretch, from 0 (no increase "
           "in tone) to 4 (rigid). "
           + " ".join(f"{g.label}: {g.meaning}" for g in MAS.grades) + " Lower is better.",
    "tardieu": "Modified Tardieu Scale: the quality of the muscle's reaction to a fast stretch (X, 0-5: "
               + "; ".join(f"{g.label} {g.meaning.rstrip('.').lower()}" for g in TARDIEU_X.grades)
               + "), R1 the joint angle where a fast stretch catches, R2 the full range on a slow stretch, in "
               "degrees. A larger angle means a less tight muscle; R2 − R1 is the part of the tightness due to "
               "spasticity (its reliability is modest).",
    "prom": "Passive range of motion (PROM): the end angle reached on a slow passive stretch, in degrees; larger "
            "is less tight. Changes under 10° are within measuring error.",
    "mrc": "Medical Research Council scale (MRC): muscle strength from 0 (no contraction) to 5 (normal). "
           + " ".join(f"{g.label}: {g.meaning}" for g in MRC.grades),
    "reflex": "Tendon reflexes: " + "; ".join(f"{g.label} {g.meaning.rstrip('.').lower()}" for g in REFLEX.grades)
              + ".",
    "asas": "Australian Spasticity Assessment Scale (ASAS): spasticity on rapid passive movement, 0 (none) to 4 "
            "(joint appears fixed).",
    "clonus": "Clonus: the number of beats after a brisk stretch; sustained clonus does not stop by itself.",
}

PENN_NOTE = ("Penn Spasm Frequency Scale: " + "; ".join(f"{g.label} {g.meaning.rstrip('.').lower()}"
                                                       for g in PENN_FREQUENCY.grades)
             + ". Severity when there are spasms: " + ", ".join(
                 f"{g.label} {g.meaning.rstrip('.').lower()}" for g in PENN_SEVERITY.grades) + ".")

# Boxed warning of every botulinum toxin label (Botox, Dysport, Xeomin prescribing information).
TOXIN_SPREAD = ("After botulinum toxin injections: difficulty swallowing, speaking or breathing, or new "
                "generalised weakness, can mean the toxin has spread beyond the injected muscles (hours to weeks "
                "after the injection): this needs urgent assessment.")
# CLINICAL.md (oral drugs): never stop baclofen abruptly. Withdrawal signs per the baclofen labels.
ORAL_BACLOFEN = ("Baclofen must never be stopped abruptly: sudden withdrawal can cause hallucinations, "
                 "confusion, seizures and rebound spasticity. Any reduction should be gradual.")
# CLINICAL.md (ITB, Saulino 2016): abrupt withdrawal is dangerous; overdose signs per the intrathecal labels.
ITB_WITHDRAWAL = ("Intrathecal baclofen pump: the pump must never run empty or stop. Signs of withdrawal: high "
                  "fever, altered mental state, itching, rebound spasticity and muscle rigidity, which can progress "
                  "to rhabdomyolysis and multi-organ failure. Signs of overdose: drowsiness, dizziness, slowed "
                  "breathing, low muscle tone rising from the legs, loss of consciousness. Either is an emergency")
# CLINICAL.md (oral drugs): liver tests for tizanidine and dantrolene; dantrolene stopped without benefit by 45 days.
LIVER = "{drug} is taken: check liver function tests regularly (risk of liver injury){extra}."
DANTROLENE_45_DAYS = "; stop it if there is no benefit after 45 days"


def long_date(day: dt.date) -> str:
    """'2 March 2026': dates in plain words for the doctor's letter."""
    return f"{day.day} {day.strftime('%B')} {day.year}"
