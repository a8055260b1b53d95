"""Metric functions: pure, small, and checked by hand in tests/eval/test_metrics.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def first_relevant_rank(relevant: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant result, or None."""
    return next((i for i, r in enumerate(relevant, start=1) if r), None)


def recall_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose first relevant passage is within the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float:
    return sum(1 / r for r in ranks if r is not None) / len(ranks) if ranks else 0.0


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def statement_f1(true_pos: int, false_pos: int, false_neg: int) -> float:
    """RAGAS's factual F1: answer statements that match a ground-truth statement (true
    positives), those that match none (false positives: padding, or wrong), and ground-truth
    statements no answer statement matches (false negatives: the point missed)."""
    return true_pos / (true_pos + 0.5 * (false_pos + false_neg)) if true_pos else 0.0


@dataclass(frozen=True, slots=True)
class Abstention:
    precision: float | None  # of the abstentions, how many were on unanswerable questions
    recall: float | None  # of the unanswerable questions, how many were abstained on
    false_rate: float | None  # of the answerable questions, how many were abstained on


def abstention(answerable: Sequence[bool], abstained: Sequence[bool]) -> Abstention:
    pairs = list(zip(answerable, abstained, strict=True))
    true_pos = sum(1 for a, x in pairs if x and not a)
    predicted = sum(1 for _, x in pairs if x)
    unanswerable = sum(1 for a, _ in pairs if not a)
    answerable_n = len(pairs) - unanswerable
    false_abstentions = sum(1 for a, x in pairs if x and a)
    return Abstention(
        precision=true_pos / predicted if predicted else None,
        recall=true_pos / unanswerable if unanswerable else None,
        false_rate=false_abstentions / answerable_n if answerable_n else None,
    )


def auroc(
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[int] | np.ndarray,
    *,
    undefined: float | None = None,
) -> float:
    """Area under the ROC curve: the chance a random positive (label 1) outscores a random
    negative, ties counting half (the Mann-Whitney statistic; scikit-learn's, fast enough for
    the training script's bootstraps). With one label only it is undefined: `undefined` is
    returned then, or ValueError raised when that is None."""
    y = np.asarray(labels)
    if len(y) != len(scores):
        raise ValueError("scores and labels differ in length")
    if not 0 < int((y == 1).sum()) < len(y):
        if undefined is None:
            raise ValueError("AUROC needs both labels")
        return undefined
    # Imported here: scikit-learn takes ~2 s to import, and every `rag` command imports eval.
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, np.asarray(scores)))


@dataclass(frozen=True, slots=True)
class Confusion:
    """Positive = unfaithful (label 1), as in the judge datasets."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def balanced_accuracy(self) -> float:
        tpr = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        tnr = self.tn / (self.tn + self.fp) if self.tn + self.fp else 0.0
        return (tpr + tnr) / 2


def confusion(predicted: Sequence[int], labels: Sequence[int]) -> Confusion:
    pairs = list(zip(predicted, labels, strict=True))
    return Confusion(
        tp=sum(1 for p, y in pairs if p == 1 and y == 1),
        fp=sum(1 for p, y in pairs if p == 1 and y == 0),
        tn=sum(1 for p, y in pairs if p == 0 and y == 0),
        fn=sum(1 for p, y in pairs if p == 0 and y == 1),
    )
