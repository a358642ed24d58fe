"""The scoring arithmetic: pure functions, every scale, weights, missing optional answers."""

import pytest

from cluster_intranet.expertise.models import Scale, Verdict
from cluster_intranet.expertise.scoring import (
    Score,
    criterion_score,
    format_number,
    format_percent,
    majority_verdict,
    mean,
    propose_conclusion,
    total,
    verdict_for_share,
)

R, V, X = Verdict.RECOMMEND, Verdict.REVISE, Verdict.REJECT


@pytest.mark.parametrize(
    "scale, n, options",
    [
        (Scale.YES_NO, None, [(1, "да"), (0, "нет")]),
        (Scale.POINTS_2, None, [(0, "0"), (1, "1"), (2, "2")]),
        (Scale.POINTS_N, 4, [(0, "0"), (1, "1"), (2, "2"), (3, "3"), (4, "4")]),
        (Scale.CONFORMITY, None, [(2, "соответствует"), (1, "частично соответствует"), (0, "не соответствует")]),
    ],
)
def test_every_scale_has_its_answers_and_maximum(scale, n, options):
    assert scale.options(n) == options
    assert scale.max_value(n) == max(value for value, _ in options)


@pytest.mark.parametrize(
    "value, max_value, weight, expected",
    [
        (1, 1, 2.0, Score(2.0, 2.0)),  # yes/no «да», weight 2
        (0, 1, 2.0, Score(0.0, 2.0)),  # «нет»: nothing, but the maximum counts
        (1, 2, 1.5, Score(1.5, 3.0)),  # 0–2 scale, one point, weight 1,5
        (3, 5, 1.0, Score(3.0, 5.0)),  # 0–5 scale
        (1, 2, 1.0, Score(1.0, 2.0)),  # «частично соответствует»
        (None, 2, 3.0, Score(0.0, 0.0)),  # an optional criterion left unanswered: not assessed
    ],
)
def test_criterion_score_is_value_times_weight_out_of_maximum_times_weight(value, max_value, weight, expected):
    assert criterion_score(value, max_value, weight) == expected


def test_unanswered_optional_criteria_neither_help_nor_hurt():
    answered = [criterion_score(2, 2, 1.0), criterion_score(1, 2, 1.0)]
    with_gap = answered + [criterion_score(None, 2, 5.0)]
    assert total(answered) == total(with_gap) == Score(3.0, 4.0)
    assert total(with_gap).share == pytest.approx(0.75)


def test_weights_change_the_share():
    # 2 of 2 with weight 3 and 0 of 2 with weight 1: 6 of 8, not 2 of 4.
    assert total([criterion_score(2, 2, 3.0), criterion_score(0, 2, 1.0)]).share == pytest.approx(0.75)


def test_nothing_assessed_has_no_share():
    assert total([]).share is None
    assert Score().share is None


def test_mean_skips_missing_answers():
    assert mean([2, 1, None]) == 1.5
    assert mean([None, None]) is None
    assert mean([]) is None


@pytest.mark.parametrize(
    "verdicts, expected",
    [
        ([R, R, R], R),
        ([R, R, X], R),  # one strict expert of three does not decide
        ([R, V, X], V),  # half or more at least as strict as «after revision»
        ([R, X], X),  # a tie goes to the stricter verdict
        ([V, V, R, R], V),
        ([X, X, R], X),
        ([], None),
    ],
)
def test_majority_verdict(verdicts, expected):
    assert majority_verdict(verdicts) == expected


@pytest.mark.parametrize(
    "share, expected",
    [(1.0, R), (0.8, R), (0.7999, V), (0.6, V), (0.59, X), (0.0, X), (None, None)],
)
def test_thresholds(share, expected):
    assert verdict_for_share(share, 0.8, 0.6) == expected


def test_the_proposal_is_the_stricter_of_score_and_verdicts():
    assert propose_conclusion(0.95, [R, R, R], 0.8, 0.6) == R
    assert propose_conclusion(0.95, [V, V, R], 0.8, 0.6) == V  # experts stricter than the score
    assert propose_conclusion(0.65, [R, R, R], 0.8, 0.6) == V  # score stricter than the experts
    assert propose_conclusion(0.3, [R, R, R], 0.8, 0.6) == X
    assert propose_conclusion(None, [], 0.8, 0.6) is None


@pytest.mark.parametrize(
    "value, text",
    [(12.5, "12,5"), (12.0, "12"), (1.3333, "1,33"), (0, "0"), (-0.0, "0"), (2.675, "2,67"), (None, "—")],
)
def test_numbers_read_the_russian_way(value, text):
    assert format_number(value) == text


def test_percent():
    assert format_percent(0.8333) == "83,3\u00a0%"
    assert format_percent(1) == "100\u00a0%"
    assert format_percent(None) == "—"
