"""Fitting the judge and choosing the gate, and validating both on folds that never share a
source or a model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from rag.verification import (
    CHANGED,
    CLAIM_FEATURES,
    EMPTY,
    enough,
)

from .. import metrics
from .data import BOOTSTRAP, LEXICAL, QA, SEED, SHARES, THRESHOLDS, TOLERANCE, C, Table

NAN = float("nan")


@dataclass(frozen=True)
class Judge:
    """A judge as the fit compares them: its name, how many signals it reads, and whether it
    applies the contradiction checks and the gate's rules (says nothing, addresses the
    question). The lexical judge is the one this replaces: 8 signals, no rules."""

    name: str
    columns: int
    rules: bool


JUDGES = (Judge("grounding", len(CLAIM_FEATURES), True), Judge("lexical", LEXICAL, False))


@dataclass(frozen=True)
class Fitted:
    judge: Judge
    scaler: StandardScaler
    model: LogisticRegression

    def probability(self, rows: np.ndarray) -> np.ndarray:
        z = self.scaler.transform(rows[:, : self.judge.columns])
        return np.asarray(self.model.predict_proba(z)[:, 1])

    def claim_scores(self, table: Table) -> np.ndarray:
        """Each claim's probability of "unsupported", as the judge gives it (with rules: a
        claim that changes its window scores at least CHANGED, one that says nothing EMPTY)."""
        p = self.probability(table.x)
        if self.judge.rules:
            p = np.where(table.change != "", np.maximum(p, CHANGED), p)
            p = np.where(table.said, p, EMPTY)
        return p

    def answer_scores(self, table: Table) -> np.ndarray:
        """Each answer's score: its worst claim that says something (judge.answer_score), or,
        for the lexical judge, the model on the answer's worst signals."""
        if not self.judge.rules:
            return self.probability(table.worst(only_said=False))
        scores = np.full(len(table), -np.inf)
        np.maximum.at(scores, table.owner[table.said], self.claim_scores(table)[table.said])
        return np.where(np.isfinite(scores), scores, EMPTY)

    def gate_counts(self, table: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per answer: sentences that say something, and per threshold of THRESHOLDS those
        supported and those supported that address the question (the lexical judge's gate
        counts every sentence and asks no question)."""
        scores = self.claim_scores(table)
        said = table.said if self.judge.rules else np.ones(len(table.owner), bool)
        topic = table.on_topic if self.judge.rules else np.ones(len(table.owner), bool)
        n = len(table)
        supported = np.stack(
            [np.bincount(table.owner, (scores < t) & said, n) for t in THRESHOLDS], axis=1
        )
        on_topic = np.stack(
            [np.bincount(table.owner, (scores < t) & said & topic, n) for t in THRESHOLDS],
            axis=1,
        )
        return np.bincount(table.owner, said, n), supported, on_topic

    def shown(self, table: Table, threshold: float, share: float) -> np.ndarray:
        said, supported, on_topic = self.gate_counts(table)
        k = int(np.flatnonzero(np.isclose(THRESHOLDS, threshold))[0])
        return np.asarray(enough(said, supported[:, k], on_topic[:, k], share))


def fit(table: Table, train: np.ndarray, judge: Judge) -> Fitted:
    x = table.worst(only_said=judge.rules)[train][:, : judge.columns]
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(scaler.transform(x), table.label[train], sample_weight=_weights(table, train))
    return Fitted(judge, scaler, model)


def _weights(table: Table, train: np.ndarray) -> np.ndarray:
    """Each dataset weighs the same in the fit (its answers' weights sum to 1)."""
    names = table.dataset[train]
    counts = {n: int((names == n).sum()) for n in set(names)}
    return np.array([1.0 / counts[n] for n in names])


def choose_gate(fitted: Fitted, table: Table, train: np.ndarray) -> tuple[float, float]:
    """The (threshold, min_supported) that shows most supported QA answers for fewest
    unsupported ones (supported shown - unsupported shown) among the `train` QA answers."""
    pick = train & np.isin(table.dataset, QA)
    said, supported, on_topic = (c[pick] for c in fitted.gate_counts(table))
    good, bad = table.label[pick] == 0, table.label[pick] == 1
    if not good.any() or not bad.any():
        raise ValueError(
            "a training fold holds no supported or no unsupported QA answer to choose the gate "
            "on: use fewer folds or more answers"
        )
    value = np.stack(
        [
            (shown := enough(said[:, None], supported, on_topic, m))[good].mean(axis=0)
            - shown[bad].mean(axis=0)
            for m in SHARES
        ],
        axis=1,
    )  # thresholds x shares
    # Of the pairs within TOLERANCE of the best, the highest threshold: the same gate, and
    # fewer faithful paraphrases shown as unverified citations.
    near = value >= value.max() - TOLERANCE
    t = int(np.flatnonzero(near.any(axis=1)).max())
    return float(THRESHOLDS[t]), SHARES[int(np.argmax(np.where(near[t], value[t], -np.inf)))]


def balanced_threshold(fitted: Fitted, table: Table, train: np.ndarray) -> float:
    """The answer-level threshold with the best mean balanced accuracy over the datasets."""
    scores, labels, names = (
        fitted.answer_scores(table)[train],
        table.label[train],
        table.dataset[train],
    )
    means = np.zeros(len(THRESHOLDS))
    used = [n for n in set(names) if 0 < labels[names == n].sum() < (names == n).sum()]
    for name in used:
        y, s = labels[names == name], scores[names == name]
        flagged = s[:, None] >= THRESHOLDS[None, :]
        means += (flagged[y == 1].mean(axis=0) + (~flagged[y == 0]).mean(axis=0)) / 2
    return float(THRESHOLDS[int(np.argmax(means))])


def interval(statistic: Callable[[np.ndarray], float], n: int) -> tuple[float, float]:
    """Bootstrap 95 % interval of statistic(indexes) over n items (seeded)."""
    rng = np.random.default_rng(SEED)
    values = []
    for _ in range(BOOTSTRAP):
        value = statistic(rng.integers(0, n, n))
        if not np.isnan(value):
            values.append(value)
    if not values:  # no answer of that kind among the n
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def auroc_of(labels: np.ndarray, scores: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda i: metrics.auroc(scores[i], labels[i], undefined=NAN)


def mean_of(values: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda i: float(values[i].mean()) if len(i) else float("nan")


@dataclass
class Held:
    """Held-out results of one judge: answer scores, answer-level verdicts, gate, and the
    (threshold, min_supported) each fold chose."""

    scores: np.ndarray
    predicted: np.ndarray
    shown: np.ndarray
    gates: list[tuple[float, float]]


def folds_of(table: Table, folds: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded groups of sources and of models."""
    rng = np.random.default_rng(SEED)
    sources, models = np.unique(table.source), np.unique(table.model)
    source_fold = dict(zip(sources, rng.permutation(len(sources)) % folds, strict=True))
    model_fold = dict(zip(models, rng.permutation(len(models)) % folds, strict=True))
    return (
        np.array([source_fold[s] for s in table.source]),
        np.array([model_fold[m] for m in table.model]),
    )


def cross_validate(table: Table, folds: int, judges: Sequence[Judge] = JUDGES) -> dict[str, Held]:
    """Every answer is scored once, by fits that saw neither its source nor its model: block
    (i, j) holds the answers of source group i and model group j, and is judged by a fit on
    the answers of no source group i and no model group j."""
    by_source, by_model = folds_of(table, folds)
    n = len(table)
    held = {
        j.name: Held(np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool), []) for j in judges
    }
    for i in range(folds):
        for j in range(folds):
            test = (by_source == i) & (by_model == j)
            train = (by_source != i) & (by_model != j)
            if not test.any():
                continue
            for judge in judges:
                fitted = fit(table, train, judge)
                threshold = balanced_threshold(fitted, table, train)
                gate = choose_gate(fitted, table, train)
                result = held[judge.name]
                result.gates.append(gate)
                scores = fitted.answer_scores(table)
                result.scores[test] = scores[test]
                result.predicted[test] = scores[test] >= threshold
                result.shown[test] = fitted.shown(table, *gate)[test]
    return held
