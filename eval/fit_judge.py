"""Fit the default faithfulness judge and say, honestly, how good it is.

    .venv/bin/python -m eval.fit_judge [--data ../shared/data] [--folds 5] [--out FILE]

Reads HaluEval-QA and RAGTruth-QA (the dev splits in ../shared/data, never copied into the
project) and eval/datasets/judge.jsonl, computes the judge's signals
(rag/verification/features.py) for every labeled answer, and fits a logistic regression on
them (scikit-learn; each dataset weighs the same). It prints, per dataset, the AUROC on
folds the fit did not see with a bootstrap 95 % interval, F1 and balanced accuracy at a
threshold chosen on the training folds only, and the two baselines (token overlap, MiniLM
cosine) in the same run. Then it fits on everything and writes the weights with the
threshold to rag/verification/judge_weights.json. Deterministic: fixed folds, seeded
bootstrap, a deterministic solver.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.preprocessing import StandardScaler

from index.embedding import Embedder, load_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from rag.verification import (
    FEATURES,
    WEIGHTS_FILE,
    Featurizer,
    OverlapJudge,
    answer_features,
    context_text,
    split_claims,
)

from .datasets import DEFAULT_JUDGE, JudgeRow, load_judge

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
DATASETS = {
    "halueval": "halueval_qa_dev.jsonl",
    "ragtruth": "ragtruth_qa_dev.jsonl",
}
SEED = 0
BOOTSTRAP = 1000
C = 1.0  # inverse regularisation strength: the default, not tuned


@dataclass
class Table:
    """Signals and labels of one dataset."""

    name: str
    path: Path
    rows: list[JudgeRow]
    x: np.ndarray  # FEATURES per answer
    y: np.ndarray
    groups: np.ndarray
    overlap: np.ndarray  # the baseline: share of answer words the context lacks
    cosine: np.ndarray  # the other baseline: 1 - cosine of answer and context (MiniLM)


def load_tables(data: Path, featurizer: Featurizer, embedder: Embedder) -> list[Table]:
    paths = {name: data / file for name, file in DATASETS.items()} | {"judge.jsonl": DEFAULT_JUDGE}
    tables = []
    for name, path in paths.items():
        loaded = load_judge(path)
        for problem in loaded.problems:
            print(f"skipped {problem}")
        x, overlap, cosine = [], [], []
        for row in loaded.rows:
            signals = featurizer.signals(row.context, split_claims(row.answer), row.question)
            features = answer_features(signals)
            x.append(features)
            overlap.append(OverlapJudge().judge(row.context, row.answer).score)
            # Sentence by sentence, so nothing is cut at MiniLM's 256 tokens.
            claims = embedder.encode(split_claims(row.answer))
            sentences = embedder.encode(split_claims(context_text(row.context)))
            cosine.append(1 - float((claims @ sentences.T).max(axis=1).mean()))
        tables.append(
            Table(
                name,
                path,
                loaded.rows,
                np.array(x),
                np.array([r.label for r in loaded.rows]),
                np.array([f"{name}/{r.group}" for r in loaded.rows]),
                np.array(overlap),
                np.array(cosine),
            )
        )
    return tables


def _weights(masks: Sequence[np.ndarray]) -> np.ndarray:
    """Each dataset weighs the same in the fit (its rows' weights sum to 1), whatever its size.
    The scale matters with a regularised fit: C keeps sklearn's default against this scale."""
    return np.concatenate([np.full(int(m.sum()), 1.0 / m.sum()) for m in masks])


def fit(
    tables: Sequence[Table], masks: Sequence[np.ndarray]
) -> tuple[StandardScaler, LogisticRegression]:
    x = np.concatenate([t.x[m] for t, m in zip(tables, masks, strict=True)])
    y = np.concatenate([t.y[m] for t, m in zip(tables, masks, strict=True)])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(scaler.transform(x), y, sample_weight=_weights(masks))
    return scaler, model


def best_threshold(scores: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> float:
    """The threshold with the best mean balanced accuracy over the datasets. Not F1: the share
    of unsupported answers differs from one use to the next (half of HaluEval, a third of
    RAGTruth, few of a good model's claims), and F1's best threshold drifts low with it,
    flagging faithful paraphrases."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    means = [
        np.mean([balanced_accuracy(y, s >= t) for s, y in zip(scores, labels, strict=True)])
        for t in grid
    ]
    return float(grid[int(np.argmax(means))])


def bootstrap_auroc(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    rng = np.random.default_rng(SEED)
    values = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(labels), len(labels))
        if 0 < labels[pick].sum() < len(pick):
            values.append(roc_auc_score(labels[pick], scores[pick]))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def balanced_accuracy(labels: np.ndarray, predicted: np.ndarray) -> float:
    tpr = (predicted & (labels == 1)).sum() / max((labels == 1).sum(), 1)
    tnr = (~predicted & (labels == 0)).sum() / max((labels == 0).sum(), 1)
    return float((tpr + tnr) / 2)


def cross_validate(tables: Sequence[Table], folds: int) -> None:
    """Out-of-fold scores for every row; thresholds chosen on the training folds only."""
    fold_of = []
    for t in tables:
        assignment = np.zeros(len(t.y), dtype=int)
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
        for k, (_, test) in enumerate(splitter.split(t.x, t.y, t.groups)):
            assignment[test] = k
        fold_of.append(assignment)
    held_out = [np.zeros(len(t.y)) for t in tables]
    predicted = [np.zeros(len(t.y), dtype=bool) for t in tables]
    for k in range(folds):
        train = [f != k for f in fold_of]
        scaler, model = fit(tables, train)
        train_scores = [
            model.predict_proba(scaler.transform(t.x[m]))[:, 1]
            for t, m in zip(tables, train, strict=True)
        ]
        threshold = best_threshold(
            train_scores, [t.y[m] for t, m in zip(tables, train, strict=True)]
        )
        for i, t in enumerate(tables):
            test = fold_of[i] == k
            held_out[i][test] = model.predict_proba(scaler.transform(t.x[test]))[:, 1]
            predicted[i][test] = held_out[i][test] >= threshold
    print(f"\n{folds}-fold cross-validation (grouped by context; held-out folds only)")
    print(
        f"{'dataset':<12} {'n':>5}  {'learned AUROC [95% CI]':<24} {'F1':>6} {'bal.acc':>7}  "
        f"{'overlap AUROC':>13} {'F1':>6}  {'cosine AUROC':>12}"
    )
    for t, scores, guess in zip(tables, held_out, predicted, strict=True):
        low, high = bootstrap_auroc(scores, t.y)
        overlap_f1 = _baseline_f1(t)
        print(
            f"{t.name:<12} {len(t.y):>5}  {roc_auc_score(t.y, scores):.3f} [{low:.3f}, {high:.3f}]"
            f"{'':<4} {f1_score(t.y, guess):>6.3f} {balanced_accuracy(t.y, guess):>7.3f}  "
            f"{roc_auc_score(t.y, t.overlap):>13.3f} {overlap_f1:>6.3f}  "
            f"{roc_auc_score(t.y, t.cosine):>12.3f}"
        )


def _baseline_f1(t: Table) -> float:
    """The overlap baseline's F1 at its own best threshold: generous to the baseline."""
    return max(float(f1_score(t.y, t.overlap >= c, zero_division=0)) for c in np.unique(t.overlap))


def write_weights(tables: Sequence[Table], out: Path) -> None:
    masks = [np.ones(len(t.y), dtype=bool) for t in tables]
    scaler, model = fit(tables, masks)
    scores = [model.predict_proba(scaler.transform(t.x))[:, 1] for t in tables]
    threshold = best_threshold(scores, [t.y for t in tables])
    data = {
        "about": "Logistic regression over rag/verification/features.py FEATURES, fitted by "
        "python -m eval.fit_judge. P(unsupported) = sigmoid(sum(coef * (x - mean) / scale) "
        "+ intercept); unsupported when P >= threshold.",
        "fitted_on": {
            t.name: {
                "file": t.path.name,
                "sha256": hashlib.sha256(t.path.read_bytes()).hexdigest(),
                "answers": len(t.y),
            }
            for t in tables
        },
        "threshold": threshold,
        "intercept": round(float(model.intercept_[0]), 6),
        "features": list(FEATURES),
        "weights": {
            name: {
                "coef": round(float(c), 6),
                "mean": round(float(m), 6),
                "scale": round(float(s), 6),
            }
            for name, c, m, s in zip(
                FEATURES, model.coef_[0], scaler.mean_, scaler.scale_, strict=True
            )
        },
    }
    out.write_text(json.dumps(data, indent=2) + "\n")
    print(f"\nwrote {out} (threshold {threshold})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fit the faithfulness judge.")
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="HaluEval/RAGTruth dir")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = parser.parse_args(argv)
    tables = load_tables(args.data, Featurizer(), load_embedder(DEFAULT_EMBEDDING_MODEL))
    cross_validate(tables, args.folds)
    write_weights(tables, args.out)


if __name__ == "__main__":
    main()
