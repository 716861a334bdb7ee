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

# The words below come from the US prescribing information (DailyMed / openFDA label text), read on 2026-12-01,
# section named beside each. They are shortened, never changed in meaning; a sign is only listed when the label
# lists it.

# BOTOX (onabotulinumtoxinA) label, BOXED WARNING "Distant spread of toxin effect", which names "BOTOX and all
# botulinum toxin products"; DYSPORT and XEOMIN carry the same class boxed warning (their own wording was not read
# in this session: their lists may add signs, never remove these).
TOXIN_SPREAD_SIGNS = ("trouble swallowing (dysphagia) or breathing, generalised muscle weakness (asthenia), double "
                      "vision (diplopia), drooping eyelids (ptosis), a hoarse or weak voice (dysphonia), slurred "
                      "speech (dysarthria), loss of bladder control (urinary incontinence)")
TOXIN_SPREAD = ("Botulinum toxin spread beyond the injected muscles (symptoms reported hours to weeks after an "
                "injection; swallowing and breathing difficulties can be life threatening): " + TOXIN_SPREAD_SIGNS)
# Lioresal Intrathecal (baclofen injection) and Gablofen labels, BOXED WARNING (abrupt discontinuation).
ITB_WITHDRAWAL = ("Intrathecal baclofen withdrawal (the pump stopped, ran empty or the catheter failed): high fever, "
                  "altered mental status, exaggerated rebound spasticity and muscle rigidity, which in rare cases has "
                  "advanced to rhabdomyolysis, multiple organ-system failure and death")
# Lioresal Intrathecal label, OVERDOSAGE ("Symptoms of Lioresal Intrathecal overdose").
ITB_OVERDOSE = ("Intrathecal baclofen overdose: drowsiness, lightheadedness, dizziness, somnolence, slowed "
                "breathing (respiratory depression), seizures, floppiness rising from the legs (rostral progression "
                "of hypotonia), loss of consciousness progressing to coma")
EMERGENCY = "Call emergency services or go to the emergency department now, then call the clinic{phone}."
PUMP_FIRST = ("Worse spasticity in a pump patient: check the pump first (refill date, alarms, catheter). Call the "
              "clinic{phone} the same day; with any sign of withdrawal or overdose below, treat it as an emergency.")

# Taper advice: never stop abruptly, by drug.
TAPER = {
    # Baclofen tablets label, WARNINGS, "Abrupt Drug Withdrawal".
    "baclofen": ("Do not stop baclofen abruptly: hallucinations and seizures have occurred on abrupt withdrawal. "
                 "Reduce the dose slowly when it is stopped, unless a serious adverse reaction requires otherwise."),
    # Diazepam and clonazepam labels, BOXED WARNING (dependence and withdrawal reactions, 2020 class wording).
    "diazepam": ("Do not stop diazepam abruptly or reduce it rapidly: withdrawal reactions, including seizures, can "
                 "be life-threatening. Use a gradual taper."),
    "clonazepam": ("Do not stop clonazepam abruptly or reduce it rapidly: withdrawal reactions, including seizures, "
                   "can be life-threatening. Use a gradual taper."),
    # Gabapentin (Neurontin) label, 2.1 General dosing information, and 5.x "Withdrawal precipitated seizure".
    "gabapentin": ("Do not stop gabapentin abruptly (withdrawal can precipitate seizures): reduce or stop it "
                   "gradually over at least 1 week."),
    # Tizanidine (Zanaflex) label, WARNINGS AND PRECAUTIONS "Withdrawal adverse reactions" and DOSAGE AND
    # ADMINISTRATION (drug withdrawal: decrease by 2 to 4 mg per day).
    "tizanidine": ("Do not stop tizanidine abruptly (rebound high blood pressure, fast heart rate and increased "
                   "muscle tone): decrease it slowly, by 2 to 4 mg per day, above all after high doses for weeks."),
}
# Tizanidine label, CONTRAINDICATIONS (4) and DRUG INTERACTIONS: fluvoxamine and ciprofloxacin (strong CYP1A2
# inhibitors) caused significantly decreased blood pressure, increased drowsiness and psychomotor impairment.
TIZANIDINE_CONTRAINDICATED = ("Never give tizanidine with ciprofloxacin or fluvoxamine (contraindicated: a marked "
                              "fall in blood pressure and drowsiness); avoid other CYP1A2 inhibitors, including oral "
                              "contraceptives.")
# Tizanidine label (11/2024), 2.1 and 5.2 Hepatotoxicity: aminotransferases at baseline and 1 month after the
# maximum dose is reached.
TIZANIDINE_LIVER = ("Tizanidine can injure the liver: check aminotransferases (liver tests) at baseline and 1 month "
                    "after the maximum dose is reached, and if liver injury is suspected.")
# Dantrium (dantrolene) label, BOXED WARNING (hepatotoxicity: liver function tests) and DOSAGE ("if no observable
# benefit ... after 45 days, discontinue").
DANTROLENE_LIVER = ("Dantrolene can injure the liver (boxed warning): check liver function tests regularly, and stop "
                    "it if there is no benefit after 45 days.")
NOTHING_ASKED = "Nothing is asked of you before the next visit; call the clinic on {phone} with any concern."
OVER_LIMIT = ("{medicine} is {flag}: please review it with the clinic; do not increase it, and lower it "
              "gradually, not abruptly.")


def day(value: dt.date) -> str:
    """The one date format of the report: ISO 8601, 2026-03-02 (never 03/02, read differently either side
    of the Atlantic), as the alerts and the tables print dates too."""
    return value.isoformat()


def local_time(moment: dt.datetime) -> str:
    """A signature's time in this computer's time zone, named: '2025-06-09 13:30 CEST'."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    local = aware.astimezone()
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()
