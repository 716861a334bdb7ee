"""Goal Attainment Scaling T-score (Kiresuk & Sherman 1968; Turner-Stokes 2009), with rho = 0.3."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assess.record.domain import Goal, GoalScore

RHO = 0.3


@dataclass(frozen=True)
class WeightedScore:
    weight: float
    score: int


def goal_weight(goal: Goal) -> float:
    """importance x difficulty; a missing factor counts as 1, so a goal with neither weighs 1."""
    importance = 1 if goal.importance is None else goal.importance
    difficulty = 1 if goal.difficulty is None else goal.difficulty
    return float(importance * difficulty)


def t_score(scores: Iterable[WeightedScore]) -> float | None:
    """T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²); None when no goal with a weight above 0 was scored."""
    items = [s for s in scores if s.weight > 0]
    if not items:
        return None
    sum_wx = sum(s.weight * s.score for s in items)
    sum_w2 = sum(s.weight**2 for s in items)
    sum_w = sum(s.weight for s in items)
    return 50 + 10 * sum_wx / math.sqrt((1 - RHO) * sum_w2 + RHO * sum_w**2)


def visit_t_score(goals: Sequence[Goal], visit_date: dt.date, goal_scores: Sequence[GoalScore]) -> float | None:
    """The GAS T-score of one visit: goals set on or before the visit and scored at it."""
    by_id = {g.id: g for g in goals}
    weighted = [
        WeightedScore(goal_weight(by_id[s.goal]), s.score)
        for s in goal_scores
        if s.goal in by_id and by_id[s.goal].set_on <= visit_date
    ]
    return t_score(weighted)


def goals_scored(goals: Sequence[Goal], visit_date: dt.date, goal_scores: Sequence[GoalScore]) -> tuple[int, int]:
    """(goals scored at the visit, goals set on or before it): a T-score from some of them says so (issue 13)."""
    open_goals = {g.id for g in goals if g.set_on <= visit_date}
    return len({s.goal for s in goal_scores} & open_goals), len(open_goals)


def scored_words(scored: int, total: int) -> str:
    """'' when every goal was scored, else '(3 of 11 goals scored)'."""
    return "" if scored == total else f"({scored} of {total} goals scored)"
