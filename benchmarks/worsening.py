"""The worsening flag on labelled cohorts; prints the flag rate per group. Run: uv run python benchmarks/worsening.py

Cohorts from assess/demo/cohorts.py (test-retest noise of the scale: each MAS and Penn frequency value moves a step
with probability 0.15 either way at every exam): stable patients, truly worse patients (several groups up by a step
or more, one group up three steps, or Penn frequency up two or three levels; a trigger recorded), and toxin cycles
wearing off back to the pre-injection baseline 12-16 weeks after the session. Each patient's latest visit is judged.
"""

from __future__ import annotations

import argparse
import collections

from assess.demo.cohorts import labelled_patients
from assess.scoring.change import toxin_sessions, worsening
from assess.scoring.muscles import groups_of_muscle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-cohort", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    for seed in args.seeds:
        counts: collections.Counter[str] = collections.Counter()
        flagged: collections.Counter[str] = collections.Counter()
        wear_called_worse = wear_shown = 0
        for labelled in labelled_patients(args.per_cohort, seed=seed):
            record = labelled.record
            latest = max(record.visits, key=lambda v: v.date)
            flag = worsening(record.visits, latest, toxin_sessions(record))
            group = labelled.cohort if labelled.cohort != "worse" else f"worse: {labelled.how}"
            counts[group] += 1
            flagged[group] += bool(flag)
            if labelled.cohort == "worse":
                counts["worse (all)"] += 1
                flagged["worse (all)"] += bool(flag)
            if labelled.cohort == "wear_off":
                injected = {(g, i.side) for t in toxin_sessions(record) for i in t.injections
                            for g in groups_of_muscle(i.muscle)}
                wear_called_worse += bool({(m.muscle_group, m.side) for m in flag.muscles} & injected)
                wear_shown += flag.wearing_off is not None
        goals = {"stable": "≤ 10 %", "worse (all)": "≥ 90 %", "wear_off": "0 wear-offs called worsening"}
        print(f"\nseed {seed}, {args.per_cohort} patients per cohort")
        print("| group | patients | flagged worse | goal |")
        print("| --- | --- | --- | --- |")
        for group in ("stable", "worse (all)", "worse: several groups", "worse: one group", "worse: penn", "wear_off"):
            rate = flagged[group] / counts[group] if counts[group] else 0.0
            print(f"| {group} | {counts[group]} | {flagged[group]} ({rate:.1%}) | {goals.get(group, '')} |")
        print(f"| wear-off: the injected groups' return called worsening | {counts['wear_off']} | "
              f"{wear_called_worse} | 0 |")
        print(f"| wear-off: shown as 'toxin wearing off' | {counts['wear_off']} | {wear_shown} | |")


if __name__ == "__main__":
    main()
