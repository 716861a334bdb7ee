"""The worsening flag: a change beyond the scales' measurement error against the patient's own reference.

Why (docs/worsening.md has the clinician's version; the sources' abstracts read 2026-12-01): the Modified
Ashworth Scale moves a step between sessions with nothing changed. Mehrholz et al. 2005 (Clin Rehabil 19(7)):
test-retest agreement over two consecutive days only moderate, kappa 0.47-0.62, between raters 0.16-0.42.
Fosang et al. 2003 (Dev Med Child Neurol 45(10):664-70): in children with cerebral palsy, repeated within six
days, test-retest results "varied widely, particularly for the MAS". The 2008 study of 38 children with
diplegia (BMC Musculoskelet Disord 9:44, doi 10.1186/1471-2474-9-44): test-retest ICC 0.36-0.83 a week apart.
Pandyan et al. 1999 (Clin Rehabil 13(5):373-83): the 1 / 1+ boundary is ambiguous; reliability better in the
upper limb. Bohannon & Smith 1987 (Phys Ther 67(2)): two raters on one day agreed on 86.7 % of elbow grades, so
about one grade in seven differed even then. So one exam against the one before flags nearly every stable
patient (issue 14: 100 % of 200). Each muscle group and side is therefore compared with the median of its latest
REFERENCE_EXAMS earlier exams outside a toxin's effect, and only what one-step chance moves cannot explain
counts. Penn spasm frequency is steadier (Mills et al., Penn Spasm Frequency Scale in chronic traumatic spinal
cord injury: weighted kappa 0.82 over 5-10 days, 0.73 over 4-6 weeks) but a one-level move is still common.
The thresholds below were set on the labelled cohorts of assess/demo/cohorts.py (benchmarks/worsening.py).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assess.record.domain import Finding, ToxinSession, Visit
from assess.record.labels import words
from assess.scoring.muscles import group_name, groups_of_muscle
from assess.scoring.order import finding_key
from assess.scoring.scales import MAS

# The reference of a group and side: the median of this many latest earlier exams of it.
REFERENCE_EXAMS = 4
# One group "up a lot": this many steps (of 0, 1, 1+, 2, 3, 4) above its reference and above every one of its
# reference exams, with at least ONE_GROUP_REFS of them on file; one more step when fewer are. A chance move of
# the exam (one step) on a chance low of the reference (half its exams a step down) is rare; two steps are not.
ONE_GROUP_STEPS, ONE_GROUP_REFS = 2, 3
# Several groups up: their rise, net of groups that fell, at least this many steps and more than one-step
# chance moves give across n groups (NET_RISE_PER_ROOT_N x sqrt(n) steps: the net of n independent one-step
# moves, each with a probability of about 0.15 either way, has a spread near 0.65 x sqrt(n)), with two groups
# or more up by a step.
NET_RISE_MIN_STEPS = 3
NET_RISE_PER_ROOT_N = 1.5
# Penn spasm frequency clearly up: this many levels above the median of its latest REFERENCE_EXAMS earlier values.
PENN_LEVELS = 2
# A toxin's effect (CLINICAL.md: it begins within days and lasts about 12-16 weeks). Exams from EFFECT_FROM to
# EFFECT_TO after a session that injected a muscle of the group on that side are not its reference: the tone
# was lowered by the toxin. From 12 to 16 weeks the effect is wearing off: tone back to the pre-injection
# baseline is the expected course, said as such.
EFFECT_FROM, EFFECT_TO = dt.timedelta(days=3), dt.timedelta(weeks=12)
WEAR_OFF_FROM, WEAR_OFF_TO = dt.timedelta(weeks=12), dt.timedelta(weeks=17)  # 12 weeks to the end of week 16
# At a visit in that window the injected groups need one step more to count as worse: the expected return
# to baseline comes on top of the chance moves, and the pre-injection baseline was often itself an exam near
# the end of an earlier cycle.
WEAR_OFF_MARGIN = 1

Pair = tuple[str, str]


@dataclass(frozen=True)
class MasWorsening:
    """A group and side whose MAS rose against its reference."""

    muscle_group: str
    side: str
    previous: str  # the reference grade: the median of the reference exams ('1', or '1–1+' between two)
    current: str
    previous_date: dt.date  # the latest reference exam
    steps: float  # current minus the reference, in steps of 0, 1, 1+, 2, 3, 4


@dataclass(frozen=True)
class WearingOff:
    """Tone back towards the pre-injection baseline 12-16 weeks after a toxin session: expected, not worse."""

    session_date: dt.date
    product: str
    weeks: int
    groups: tuple[Pair, ...]  # the injected groups and sides examined at this visit


@dataclass(frozen=True)
class Worsening:
    """Why a visit is flagged (several groups up, one group up a lot, Penn frequency clearly up), or not."""

    muscles: tuple[MasWorsening, ...]
    penn_previous: float | None
    penn_current: int | None
    reason: str = ""  # "several groups", "one group", "" when MAS did not flag
    wearing_off: WearingOff | None = None

    @property
    def penn_up(self) -> bool:
        return self.penn_previous is not None and self.penn_current is not None and (
            self.penn_current - self.penn_previous >= PENN_LEVELS)

    def __bool__(self) -> bool:
        return bool(self.muscles) or self.penn_up


def _rank_label(rank: float) -> str:
    if rank == int(rank):
        return MAS.labels[int(rank)]
    return f"{MAS.labels[math.floor(rank)]}–{MAS.labels[math.ceil(rank)]}"


def _injected(session: ToxinSession) -> set[Pair]:
    return {(group, i.side) for i in session.injections for group in groups_of_muscle(i.muscle)}


def _under_effect(day: dt.date, pair: Pair, sessions: Sequence[tuple[ToxinSession, set[Pair]]]) -> bool:
    return any(s.date + EFFECT_FROM <= day <= s.date + EFFECT_TO and pair in pairs for s, pairs in sessions)


def _wearing_off(visit: Visit, sessions: Sequence[tuple[ToxinSession, set[Pair]]]) -> WearingOff | None:
    before = [(s, p) for s, p in sessions if s.date < visit.date]
    if not before:
        return None
    session, pairs = max(before, key=lambda sp: sp[0].date)
    since = visit.date - session.date
    examined = tuple(sorted({(f.muscle_group, f.side) for f in visit.findings if f.mas is not None} & pairs))
    if not (WEAR_OFF_FROM <= since < WEAR_OFF_TO) or not examined:
        return None
    return WearingOff(session.date, session.product, since.days // 7, examined)


def net_rise_needed(groups: int) -> float:
    """Steps of net rise that 'several groups up' needs when `groups` groups and sides were compared."""
    return max(float(NET_RISE_MIN_STEPS), NET_RISE_PER_ROOT_N * math.sqrt(groups))


def judge(history: Sequence[Visit], visit: Visit, sessions: Sequence[ToxinSession] = ()) -> Worsening:
    """The flag of `visit` against the earlier days of `history` (visits of the same day are not compared).

    `sessions`: the patient's botulinum toxin sessions (the reference leaves out exams under their effect)."""
    injected = [(s, _injected(s)) for s in sessions]
    wearing = _wearing_off(visit, injected)
    expected = set(wearing.groups) if wearing else set()  # back up towards baseline as the toxin wears off
    earlier = sorted((v for v in history if v.date < visit.date), key=lambda v: v.date, reverse=True)
    compared: list[tuple[Finding, float, float, dt.date, int]] = []  # finding, steps, max step, latest, n refs
    for finding in sorted(visit.findings, key=finding_key):
        if finding.mas is None:
            continue
        pair = (finding.muscle_group, finding.side)
        refs: list[tuple[dt.date, int]] = []
        for past in earlier:
            if len(refs) == REFERENCE_EXAMS:
                break
            if _under_effect(past.date, pair, injected):
                continue
            grade = next((f.mas for f in past.findings if (f.muscle_group, f.side) == pair and f.mas), None)
            if grade is not None:
                refs.append((past.date, MAS.rank(grade)))
        if refs:
            ranks = [rank for _, rank in refs]
            now = MAS.rank(finding.mas)
            margin = WEAR_OFF_MARGIN if pair in expected else 0
            compared.append((finding, now - statistics.median(ranks) - margin, float(now - max(ranks) - margin),
                             refs[0][0], len(ranks)))
    muscles: tuple[MasWorsening, ...] = ()
    reason = ""
    net = sum(steps for _, steps, _, _, _ in compared)
    up = [c for c in compared if c[1] >= 1]
    if compared and net >= net_rise_needed(len(compared)) and len(up) >= 2:
        muscles, reason = tuple(_worse(c) for c in up), "several groups"
    else:
        big = [c for c in compared
               if c[1] >= ONE_GROUP_STEPS + (0 if c[4] >= ONE_GROUP_REFS else 1) and c[2] >= 1]
        if big:
            muscles, reason = tuple(_worse(c) for c in big), "one group"
    penn = [v.scores.penn_frequency for v in earlier if v.scores.penn_frequency is not None][:REFERENCE_EXAMS]
    flag = Worsening(muscles, statistics.median(penn) if penn else None, visit.scores.penn_frequency, reason)
    if not flag:
        return Worsening(muscles, flag.penn_previous, flag.penn_current, reason, wearing)
    return flag


def _worse(compared: tuple[Finding, float, float, dt.date, int]) -> MasWorsening:
    finding, steps, _, latest, _ = compared
    reference = MAS.rank(str(finding.mas)) - steps
    return MasWorsening(finding.muscle_group, finding.side, _rank_label(reference), str(finding.mas), latest, steps)


def judge_all(history: Sequence[Visit], sessions: Sequence[ToxinSession] = ()) -> dict[tuple[dt.date, str], Worsening]:
    """The flag of every visit (the patient view marks them all)."""
    return {visit.key: judge(history, visit, sessions) for visit in history}


# Under the exam's worsening line and in docs/worsening.md: the rule in a clinician's words.
RULE_IN_WORDS = (
    f"How assess calls a visit worse: each muscle group and side is compared with the median of its last "
    f"{REFERENCE_EXAMS} exams (leaving out exams 3 days to 12 weeks after a toxin injection of that group). "
    "The Modified Ashworth grade moves a step between sessions with nothing changed (test-retest kappa "
    "0.47–0.62, Mehrholz 2005; 'varied widely', Fosang 2003), so one step in one group is not enough: "
    f"worse means several groups up (a net rise of at least {NET_RISE_MIN_STEPS} steps, more when many groups "
    f"are examined), one group {ONE_GROUP_STEPS} steps above its median and above each of those exams, or Penn "
    f"spasm frequency {PENN_LEVELS} levels above its median. Tone back at its pre-injection level 12–16 weeks "
    "after a toxin session is the toxin wearing off, not worsening.")


def describe(flag: Worsening) -> str:
    """'left hip adductors MAS 2, reference 1 (exams to 2025-03-02); Penn spasm frequency 3, reference 1'."""
    parts = [f"{m.side} {group_name(m.muscle_group).lower()} MAS {m.current}, reference {m.previous} "
             f"(exams to {m.previous_date})" for m in flag.muscles]
    if flag.penn_up:
        parts.append(f"Penn spasm frequency {flag.penn_current}, reference {flag.penn_previous:g}")
    return "; ".join(parts)


def describe_wearing_off(wearing: WearingOff) -> str:
    """'14 weeks since onabotulinumtoxinA on 2026-08-01 (left elbow flexors)'."""
    groups = ", ".join(f"{side} {group_name(group).lower()}" for group, side in wearing.groups)
    return f"{wearing.weeks} weeks since {words(wearing.product)} on {wearing.session_date} ({groups})"
