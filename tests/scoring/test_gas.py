"""GAS T-score (record-format.md): T = 50 + 10·Σwx / √((1−ρ)·Σw² + ρ·(Σw)²), ρ = 0.3, w = importance × difficulty."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.record.domain import Goal, GoalScore
from assess.scoring.gas import WeightedScore, goal_weight, goals_scored, scored_words, t_score, visit_t_score

MARCH = dt.date(2025, 3, 2)
JUNE = dt.date(2025, 6, 9)


def goal(goal_id: str, set_on: dt.date = MARCH, importance: int | None = None,
         difficulty: int | None = None) -> Goal:
    return Goal(goal_id, f"goal {goal_id}", set_on, -1, importance, difficulty)


# --- hand-worked examples -----------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "expected"), [
    # One goal of weight 1: Σwx = x, Σw² = 1, (Σw)² = 1, denominator √(0.7·1 + 0.3·1) = 1, so T = 50 + 10x.
    (0, 50.0), (1, 60.0), (2, 70.0), (-1, 40.0), (-2, 30.0),
])
def test_one_goal_of_weight_1(score: int, expected: float) -> None:
    assert t_score([WeightedScore(1, score)]) == pytest.approx(expected)


def test_two_goals_of_weight_1_both_above_expected() -> None:
    # Σwx = 1 + 1 = 2; Σw² = 2; (Σw)² = 4; denominator √(0.7·2 + 0.3·4) = √2.6 = 1.6125
    # T = 50 + 10·2/√2.6 = 50 + 12.403 = 62.40
    assert t_score([WeightedScore(1, 1), WeightedScore(1, 1)]) == pytest.approx(62.40, abs=0.005)


def test_two_goals_of_weight_1_both_below_expected() -> None:
    # Σwx = −2, same denominator √2.6: T = 50 − 20/√2.6 = 37.60
    assert t_score([WeightedScore(1, -1), WeightedScore(1, -1)]) == pytest.approx(37.60, abs=0.005)


def test_weights_are_importance_times_difficulty() -> None:
    walk = goal("walk", importance=2, difficulty=3)   # w = 2 × 3 = 6
    shoes = goal("shoes", importance=1, difficulty=2)  # w = 1 × 2 = 2
    assert goal_weight(walk) == 6
    assert goal_weight(shoes) == 2
    assert goal_weight(goal("plain")) == 1  # neither given: weight 1
    # Σwx = 6·2 + 2·(−1) = 10; Σw² = 36 + 4 = 40; (Σw)² = 8² = 64
    # denominator √(0.7·40 + 0.3·64) = √(28 + 19.2) = √47.2 = 6.8702
    # T = 50 + 100/6.8702 = 50 + 14.556 = 64.56
    scores = [GoalScore("walk", 2), GoalScore("shoes", -1)]
    assert visit_t_score([walk, shoes], JUNE, scores) == pytest.approx(64.56, abs=0.005)


def test_a_missing_factor_counts_as_1() -> None:
    stairs = goal("stairs", importance=3)  # difficulty absent: w = 3 × 1 = 3
    plain = goal("plain")                  # w = 1
    assert goal_weight(stairs) == 3
    # Σwx = 3·1 + 1·(−1) = 2; Σw² = 9 + 1 = 10; (Σw)² = 16; denominator √(7 + 4.8) = √11.8 = 3.4351
    # T = 50 + 20/3.4351 = 55.82
    scores = [GoalScore("stairs", 1), GoalScore("plain", -1)]
    assert visit_t_score([stairs, plain], JUNE, scores) == pytest.approx(55.82, abs=0.005)


def test_a_goal_set_after_the_visit_is_ignored() -> None:
    early, late = goal("early", MARCH), goal("late", JUNE + dt.timedelta(days=1))
    # Only 'early' counts: one goal of weight 1 scored 0 -> T = 50 (the +2 of 'late' would have given 62.40).
    scores = [GoalScore("early", 0), GoalScore("late", 2)]
    assert visit_t_score([early, late], JUNE, scores) == pytest.approx(50.0)


def test_a_goal_set_on_the_visit_day_counts() -> None:
    early, same_day = goal("early", MARCH), goal("same_day", JUNE)
    # Two goals of weight 1 scored 0 and +2: Σwx = 2, denominator √2.6, T = 50 + 20/√2.6 = 62.40.
    scores = [GoalScore("early", 0), GoalScore("same_day", 2)]
    assert visit_t_score([early, same_day], JUNE, scores) == pytest.approx(62.40, abs=0.005)


def test_a_goal_of_weight_0_does_not_count() -> None:
    dropped = goal("dropped", importance=0, difficulty=3)  # w = 0 × 3 = 0
    kept = goal("kept")                                    # w = 1
    assert goal_weight(dropped) == 0
    # Only 'kept', scored 0: T = 50 (the +2 of the weight-0 goal changes nothing).
    assert visit_t_score([dropped, kept], JUNE, [GoalScore("dropped", 2), GoalScore("kept", 0)]) == 50.0
    # Only goals of weight 0 scored: there is no T-score, rather than a division by zero.
    assert visit_t_score([dropped], JUNE, [GoalScore("dropped", 2)]) is None


def test_nothing_scored_gives_no_t_score() -> None:
    assert t_score([]) is None
    assert visit_t_score([goal("walk")], JUNE, []) is None
    assert visit_t_score([], JUNE, []) is None
    # A score for a goal the patient does not have is not counted.
    assert visit_t_score([goal("walk")], JUNE, [GoalScore("run", 2)]) is None


def test_all_goals_set_after_the_visit_gives_no_t_score() -> None:
    assert visit_t_score([goal("late", JUNE)], MARCH, [GoalScore("late", 1)]) is None


# --- properties ---------------------------------------------------------------------------------------

weights = st.integers(min_value=1, max_value=9)  # importance × difficulty, both 1..3
gas_scores = st.integers(min_value=-2, max_value=2)
weighted_lists = st.lists(st.builds(WeightedScore, weights, gas_scores), min_size=1, max_size=10)


@settings(max_examples=200)
@given(st.lists(weights, min_size=1, max_size=10))
def test_t_is_50_when_every_goal_is_at_the_expected_level(ws: list[int]) -> None:
    assert t_score([WeightedScore(w, 0) for w in ws]) == 50.0


@settings(max_examples=200)
@given(weighted_lists, st.data())
def test_t_rises_when_one_score_rises(items: list[WeightedScore], data: st.DataObject) -> None:
    raisable = [i for i, s in enumerate(items) if s.score < 2]
    if not raisable:
        items = [WeightedScore(items[0].weight, 1), *items[1:]]
        raisable = [0]
    i = data.draw(st.sampled_from(raisable))
    better = [*items[:i], WeightedScore(items[i].weight, items[i].score + 1), *items[i + 1:]]
    before, after = t_score(items), t_score(better)
    assert before is not None and after is not None
    assert after > before


@settings(max_examples=200)
@given(st.lists(gas_scores, min_size=1, max_size=10),
       st.floats(min_value=0.1, max_value=100, allow_nan=False, allow_infinity=False))
def test_equal_weights_give_the_same_t_whatever_the_weight(scores: list[int], weight: float) -> None:
    unweighted = t_score([WeightedScore(1, x) for x in scores])
    weighted = t_score([WeightedScore(weight, x) for x in scores])
    assert unweighted is not None and weighted is not None
    assert math.isclose(weighted, unweighted, rel_tol=1e-9)


@settings(max_examples=200)
@given(weighted_lists, st.integers(min_value=2, max_value=5))
def test_scaling_every_weight_alike_leaves_t_unchanged(items: list[WeightedScore], factor: int) -> None:
    scaled = t_score([WeightedScore(s.weight * factor, s.score) for s in items])
    original = t_score(items)
    assert scaled is not None and original is not None
    assert math.isclose(scaled, original, rel_tol=1e-9)


@settings(max_examples=200)
@given(weighted_lists)
def test_mirrored_scores_mirror_t_around_50(items: list[WeightedScore]) -> None:
    t = t_score(items)
    mirrored = t_score([WeightedScore(s.weight, -s.score) for s in items])
    assert t is not None and mirrored is not None
    assert math.isclose(t + mirrored, 100.0, rel_tol=1e-9)


def test_a_t_score_from_some_of_the_goals_says_how_many() -> None:
    """Issue 13, item 15: "3 of 11 goals scored"; nothing added when every goal set by then was scored."""
    goals = [goal(f"g{i}") for i in range(11)] + [goal("later", set_on=MARCH + dt.timedelta(days=60))]
    scores = [GoalScore("g0", 0), GoalScore("g1", 1), GoalScore("g2", -1)]
    visit_day = MARCH + dt.timedelta(days=30)
    assert goals_scored(goals, visit_day, scores) == (3, 11)
    assert scored_words(3, 11) == "(3 of 11 goals scored)"
    assert scored_words(*goals_scored(goals[:3], visit_day, scores)) == ""
