"""Metric functions on small cases worked out by hand."""

import pytest

from eval import metrics


def test_ranks_recall_and_mrr() -> None:
    ranks = [
        metrics.first_relevant_rank(r)
        for r in ([False, True, False], [True], [False, False], [False, False, False, True])
    ]
    assert ranks == [2, 1, None, 4]
    assert metrics.recall_at_k(ranks, 1) == 0.25
    assert metrics.recall_at_k(ranks, 2) == 0.5
    assert metrics.recall_at_k(ranks, 4) == 0.75
    assert metrics.mean_reciprocal_rank(ranks) == pytest.approx((1 / 2 + 1 + 0 + 1 / 4) / 4)


def test_abstention() -> None:
    # answerable:  T     T     F     F     F
    # abstained:   F     T     T     T     F
    result = metrics.abstention([True, True, False, False, False], [False, True, True, True, False])
    assert result.precision == pytest.approx(2 / 3)  # 2 of 3 abstentions were right
    assert result.recall == pytest.approx(2 / 3)  # 2 of 3 unanswerable caught
    assert result.false_rate == pytest.approx(1 / 2)  # 1 of 2 answerable refused
    assert metrics.abstention([True], [False]).precision is None


def test_auroc_by_hand() -> None:
    # positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5, 0.9>0.1, 0.4<0.5, 0.4>0.1) = 3/4
    assert metrics.auroc([0.9, 0.4, 0.5, 0.1], [1, 1, 0, 0]) == 0.75
    assert metrics.auroc([0.5, 0.5], [1, 0]) == 0.5  # a tie counts half
    with pytest.raises(ValueError):
        metrics.auroc([0.1], [1])


def test_confusion_and_balanced_accuracy() -> None:
    matrix = metrics.confusion([1, 1, 0, 0, 1], [1, 0, 0, 1, 1])
    assert (matrix.tp, matrix.fp, matrix.tn, matrix.fn) == (2, 1, 1, 1)
    assert matrix.balanced_accuracy == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_statement_f1() -> None:
    assert metrics.statement_f1(1, 0, 0) == 1.0
    assert metrics.statement_f1(1, 2, 0) == pytest.approx(1 / 2)  # two padded sentences
    assert metrics.statement_f1(1, 1, 1) == pytest.approx(1 / 2)
    assert metrics.statement_f1(0, 3, 1) == 0.0  # the point missed
