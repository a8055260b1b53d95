"""Train the grounding judge and the answer gate on labelled LLM answers, and say, honestly, how
good they are on models and sources the fit never saw.

    .venv/bin/python -m eval.train_judge [--data ../shared/data] [--tasks qa|all] [--folds 5]
                                         [--out rag/verification/judge_weights.json]

Data (read where it lies, never copied): ../shared/data/grounding (answers of 43 LLMs to the 64
RAGTruth QA sources, FaithJudge labels; with `--tasks all` also their summaries and
data-to-text answers, train side only), RAGTruth QA dev (human labels), HaluEval QA dev and
eval/datasets/judge.jsonl. Every answer is cut into claims and each claim gets the judge's
signals (rag/verification/features.py); a logistic regression over the answer's worst value
of each signal is fitted, each dataset weighing the same.

Validation, printed in one run: folds never share a source or a model. Sources are dealt into
`folds` groups and models into `folds` groups (seeded); fold k tests on the answers whose
source AND model are both in group k and trains on those whose source and model are both in
no group k (the rest sit the fold out). Per dataset: AUROC of the held-out scores with a
bootstrap 95 % interval and F1, for this judge, the lexical judge it replaces (the first 8
signals, no contradiction checks, no gate rules) and the overlap baseline. Then the answer
gate on the QA answers (grounding QA and RAGTruth QA): the judge's threshold and the gate's
`min_supported` are chosen on the training folds only (the pair that shows most supported
answers for fewest unsupported ones), and applied to the held-out answers: supported answers
shown, unsupported answers shown, with 95 % intervals, also for small models only.

Then it fits on everything, chooses threshold and min_supported on everything, and writes the
weights, and a model card beside them (judge_card.md: data, recipe, time, figures).
Deterministic: fixed seeds, a deterministic solver; runs in a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

from rag.verification import FEATURES, WEIGHTS_FILE, Featurizer, context_text, split_claims
from rag.verification.features import CLAIM_FEATURES, ClaimSignals, ContextView, claim_signals
from rag.verification.gate import Checked, addresses, shows
from rag.verification.judge import CHANGED, EMPTY

from .datasets import DEFAULT_JUDGE, JudgeRow, load_judge
from .grounding import is_small, load_grounding

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
FILES = {"ragtruth": "ragtruth_qa_dev.jsonl", "halueval": "halueval_qa_dev.jsonl"}
QA = ("grounding-qa", "ragtruth")  # the answers the gate is chosen and measured on
LEXICAL = 8  # the lexical judge's signals: the first 8 of CLAIM_FEATURES
SEED = 0
BOOTSTRAP = 1000
C = 1.0  # inverse regularisation strength: sklearn's default, not tuned
SHARES = (0.5, 0.6, 0.67, 0.75, 0.8, 0.9, 1.0)  # min_supported candidates
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)


@dataclass(frozen=True)
class Labelled:
    """One labelled answer, its claims' signals, and where it comes from."""

    dataset: str
    model: str
    source: str
    label: int
    claims: np.ndarray  # CLAIM_FEATURES per claim
    says_something: np.ndarray  # per claim
    changed: np.ndarray  # per claim: contradiction.py found a change
    addresses: np.ndarray  # per claim: shares a content word with the question
    overlap: float  # the baseline: share of the answer's words the context lacks

    def worst(self, columns: int | None = None) -> np.ndarray:
        """The answer's row: each signal's worst value over its claims that say something."""
        said = self.claims[self.says_something] if self.says_something.any() else self.claims
        return np.asarray(said[:, :columns].max(axis=0))


def load(data: Path, tasks: str) -> list[Labelled]:
    featurizer = Featurizer()
    rows: list[tuple[str, str, str, JudgeRow]] = []
    for answer in load_grounding(data / "grounding", None if tasks == "all" else "ragtruth-qa"):
        name = "grounding-qa" if answer.task == "ragtruth-qa" else f"grounding-{answer.task}"
        rows.append((name, answer.model, answer.row.group, answer.row))
    raw = [
        json.loads(line)
        for line in (data / FILES["ragtruth"]).read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    for row, line in zip(load_judge(data / FILES["ragtruth"]).rows, raw, strict=True):
        # The grounding QA answers are to the same 64 sources: one source group for both.
        rows.append(("ragtruth", line["model"], f"ragtruth-qa:{line['source_id']}", row))
    for name, path in (("halueval", data / FILES["halueval"]), ("judge.jsonl", DEFAULT_JUDGE)):
        for row in load_judge(path).rows:
            # Written answers, not a model's: each source stands for its own "model".
            rows.append((name, f"{name}:{row.group}", f"{name}:{row.group}", row))
    return [_labelled(featurizer, *row) for row in rows]


def _labelled(
    featurizer: Featurizer, dataset: str, model: str, source: str, row: JudgeRow
) -> Labelled:
    claims = split_claims(row.answer)
    signals: list[ClaimSignals] = featurizer.signals(row.context, claims, row.question)
    view = ContextView.of(context_text(row.context))
    words = claim_signals(row.answer, view, "").values["novel_words"]
    return Labelled(
        dataset,
        model,
        source,
        row.label,
        np.array([[s.values[f] for f in CLAIM_FEATURES] for s in signals]),
        np.array([not s.says_nothing for s in signals]),
        np.array([bool(s.contradiction) for s in signals]),
        np.array([addresses(c, row.question) for c in claims]),
        words,
    )


@dataclass(frozen=True)
class Fitted:
    """A logistic regression over the first `columns` signals."""

    columns: int
    scaler: StandardScaler
    model: LogisticRegression

    def claim_scores(self, answer: Labelled, rules: bool) -> np.ndarray:
        """Each claim's probability of "unsupported", as the judge gives it (rules: a claim
        that says nothing scores EMPTY, one that changes its window at least CHANGED)."""
        p = self.model.predict_proba(self.scaler.transform(answer.claims[:, : self.columns]))[:, 1]
        if rules:
            p = np.where(answer.changed, np.maximum(p, CHANGED), p)
            p = np.where(answer.says_something, p, EMPTY)
        return np.asarray(p)

    def answer_score(self, answer: Labelled, rules: bool) -> float:
        if not rules:  # the lexical judge: the model on the answer's worst signals
            row = answer.claims[:, : self.columns].max(axis=0)
            return float(self.model.predict_proba(self.scaler.transform(row[None, :]))[0, 1])
        said = self.claim_scores(answer, rules)[answer.says_something]
        return float(said.max()) if said.size else EMPTY


@dataclass(frozen=True)
class Judge:
    """A judge as the fit compares them: its name, how it is fitted, whether it applies the
    contradiction checks and the gate's rules (says nothing, addresses the question)."""

    name: str
    columns: int
    rules: bool


JUDGES = (Judge("grounding", len(CLAIM_FEATURES), True), Judge("lexical", LEXICAL, False))


def fit(answers: Sequence[Labelled], judge: Judge) -> Fitted:
    x = np.stack([a.worst(judge.columns) for a in answers])
    y = np.array([a.label for a in answers])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(scaler.transform(x), y, sample_weight=_weights(answers))
    return Fitted(judge.columns, scaler, model)


def _weights(answers: Sequence[Labelled]) -> np.ndarray:
    """Each dataset weighs the same in the fit (its answers' weights sum to 1)."""
    names = [a.dataset for a in answers]
    return np.array([1.0 / names.count(n) for n in names])


def gate_shows(
    fitted: Fitted, answer: Labelled, rules: bool, threshold: float, share: float
) -> bool:
    scores = fitted.claim_scores(answer, rules)
    if not rules:  # the lexical judge's gate: every sentence counts, no question asked
        return bool(len(scores)) and (scores < threshold).sum() >= share * len(scores)
    return shows(
        [
            Checked(bool(s < threshold), bool(said), bool(asked))
            for s, said, asked in zip(scores, answer.says_something, answer.addresses, strict=True)
        ],
        share,
    )


def choose_gate(fitted: Fitted, answers: Sequence[Labelled], rules: bool) -> tuple[float, float]:
    """The (threshold, min_supported) that shows most supported QA answers for fewest
    unsupported ones (supported shown - unsupported shown), on `answers`' QA answers."""
    qa = [a for a in answers if a.dataset in QA]
    scores = [fitted.claim_scores(a, rules) for a in qa]
    labels = np.array([a.label for a in qa])
    best, chosen = -2.0, (0.5, 0.75)
    for t in THRESHOLDS:
        for m in SHARES:
            if rules:
                shown = np.array([_shows_fast(s, a, t, m) for s, a in zip(scores, qa, strict=True)])
            else:
                shown = np.array([(s < t).sum() >= m * len(s) for s in scores])
            value = shown[labels == 0].mean() - shown[labels == 1].mean()
            if value > best + 1e-12:
                best, chosen = value, (float(t), m)
    return chosen


def _shows_fast(scores: np.ndarray, answer: Labelled, threshold: float, share: float) -> bool:
    """gate.shows over arrays (the same rule; the choice tries ~600 pairs on ~3,000 answers)."""
    said = answer.says_something
    supported = (scores < threshold) & said
    return bool(
        supported.any()
        and supported.sum() >= share * said.sum()
        and (supported & answer.addresses).any()
    )


def balanced_threshold(fitted: Fitted, answers: Sequence[Labelled], rules: bool) -> float:
    """The answer-level threshold with the best mean balanced accuracy over the datasets."""
    names = sorted({a.dataset for a in answers})
    scores = np.array([fitted.answer_score(a, rules) for a in answers])
    labels = np.array([a.label for a in answers])
    sets = [np.array([a.dataset == n for a in answers]) for n in names]
    means = [
        np.mean(
            [_balanced(labels[m], scores[m] >= t) for m in sets if 0 < labels[m].sum() < m.sum()]
        )
        for t in THRESHOLDS
    ]
    return float(THRESHOLDS[int(np.argmax(means))])


def _balanced(labels: np.ndarray, predicted: np.ndarray) -> float:
    tpr = (predicted & (labels == 1)).sum() / max((labels == 1).sum(), 1)
    tnr = (~predicted & (labels == 0)).sum() / max((labels == 0).sum(), 1)
    return float((tpr + tnr) / 2)


def interval(statistic: Callable[[np.ndarray], float], n: int) -> tuple[float, float]:
    """Bootstrap 95 % interval of statistic(indexes) over n items (seeded)."""
    rng = np.random.default_rng(SEED)
    values = []
    for _ in range(BOOTSTRAP):
        value = statistic(rng.integers(0, n, n))
        if not np.isnan(value):
            values.append(value)
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _auroc_of(labels: np.ndarray, scores: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda i: _auroc(labels[i], scores[i])


def _mean_of(values: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda i: float(values[i].mean())


def _auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    return float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else float("nan")


@dataclass
class Held:
    """Held-out results of one judge: answer scores, answer-level predictions, gate."""

    scores: np.ndarray
    predicted: np.ndarray
    shown: np.ndarray
    gates: list[tuple[float, float]]


def folds_of(answers: Sequence[Labelled], folds: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded groups of sources and of models."""
    rng = np.random.default_rng(SEED)
    sources = sorted({a.source for a in answers})
    models = sorted({a.model for a in answers})
    source_fold = dict(zip(sources, rng.permutation(len(sources)) % folds, strict=True))
    model_fold = dict(zip(models, rng.permutation(len(models)) % folds, strict=True))
    return (
        np.array([source_fold[a.source] for a in answers]),
        np.array([model_fold[a.model] for a in answers]),
    )


def cross_validate(answers: Sequence[Labelled], folds: int) -> dict[str, Held]:
    by_source, by_model = folds_of(answers, folds)
    held = {
        j.name: Held(
            np.full(len(answers), np.nan),
            np.zeros(len(answers), bool),
            np.zeros(len(answers), bool),
            [],
        )
        for j in JUDGES
    }
    for k in range(folds):
        train = [
            a for a, s, m in zip(answers, by_source, by_model, strict=True) if s != k and m != k
        ]
        test = np.flatnonzero((by_source == k) & (by_model == k))
        for judge in JUDGES:
            fitted = fit(train, judge)
            threshold = balanced_threshold(fitted, train, judge.rules)
            gate = choose_gate(fitted, train, judge.rules)
            held[judge.name].gates.append(gate)
            for i in map(int, test):
                score = fitted.answer_score(answers[i], judge.rules)
                held[judge.name].scores[i] = score
                held[judge.name].predicted[i] = score >= threshold
                held[judge.name].shown[i] = gate_shows(fitted, answers[i], judge.rules, *gate)
    return held


def report(answers: Sequence[Labelled], held: dict[str, Held], folds: int) -> None:
    tested = ~np.isnan(held[JUDGES[0].name].scores)
    labels = np.array([a.label for a in answers])
    names = np.array([a.dataset for a in answers])
    overlap = np.array([a.overlap for a in answers])
    print(
        f"\nleave-sources-and-models-out cross-validation: {folds} groups of sources x {folds} "
        "groups of models; each fold tests on answers whose source and model it never trained on"
    )
    print(
        f"{'dataset':<26} {'n':>5} {'unsup':>5}  "
        + "  ".join(f"{j.name + ' AUROC [95% CI]':<29} {'F1':>5}" for j in JUDGES)
        + f"  {'overlap AUROC':>13} {'F1':>5}"
    )
    for name in sorted(set(names[tested])):
        pick = np.flatnonzero(tested & (names == name))
        y = labels[pick]
        cells = []
        for judge in JUDGES:
            s, p = held[judge.name].scores[pick], held[judge.name].predicted[pick]
            low, high = interval(_auroc_of(y, s), len(pick))
            f1 = f1_score(y, p, zero_division=0)
            cells.append(f"{_auroc(y, s):.3f} [{low:.3f}, {high:.3f}]{'':<10} {f1:>5.3f}")
        best_f1 = max(
            float(f1_score(y, overlap[pick] >= c, zero_division=0))
            for c in np.unique(overlap[pick])
        )
        print(
            f"{name:<26} {len(pick):>5} {y.mean():>5.2f}  "
            + "  ".join(cells)
            + f"  {_auroc(y, overlap[pick]):>13.3f} {best_f1:>5.3f}"
        )
    print(
        "\nthe answer gate on held-out QA answers "
        "(threshold, min_supported chosen on the training folds):"
    )
    for judge in JUDGES:
        gates = ", ".join(f"({t:.2f}, {m:g})" for t, m in held[judge.name].gates)
        print(f"  {judge.name}: chosen per fold {gates}")
    small = np.array([is_small(a.model) and a.dataset == "grounding-qa" for a in answers])
    qa = np.isin(names, QA)
    print(
        f"  {'answers':<34} {'judge':<10} {'n':>5} {'supported shown [95% CI]':<26} "
        f"{'unsupported shown [95% CI]':<26} {'answer AUROC':>12}"
    )
    for title, chosen in (("QA, all models", qa), ("QA, small models (<= 8B)", qa & small)):
        pick = np.flatnonzero(tested & chosen)
        y = labels[pick]
        for judge in JUDGES:
            shown = held[judge.name].shown[pick]
            cells = []
            for want in (0, 1):
                sel = shown[y == want]
                low, high = interval(_mean_of(sel), len(sel))
                cells.append(f"{sel.mean():>6.1%} [{low:.1%}, {high:.1%}]{'':<6}")
            print(
                f"  {title:<34} {judge.name:<10} {len(pick):>5} {cells[0]:<26} {cells[1]:<26} "
                f"{_auroc(y, held[judge.name].scores[pick]):>12.3f}"
            )


def write(answers: Sequence[Labelled], data: Path, tasks: str, out: Path, card: str) -> None:
    judge = JUDGES[0]
    fitted = fit(answers, judge)
    threshold, share = choose_gate(fitted, answers, judge.rules)
    files = [
        data / FILES["ragtruth"],
        data / FILES["halueval"],
        DEFAULT_JUDGE,
        data / "grounding" / "answers.jsonl",
        data / "grounding" / "sources.jsonl",
    ]
    weights = {
        "about": "Logistic regression over rag/verification/features.py FEATURES (each signal's "
        "worst value over an answer's claims), fitted by python -m eval.train_judge. "
        "P(unsupported) = sigmoid(sum(coef * (x - mean) / scale) + intercept); a claim is "
        "unsupported when P >= threshold; the answer gate shows an answer when at least "
        "min_supported of its sentences that say something are supported. See judge_card.md.",
        "fitted_on": {
            "tasks": tasks,
            "answers": {
                n: sum(a.dataset == n for a in answers)
                for n in sorted({a.dataset for a in answers})
            },
            "files": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files},
        },
        "threshold": threshold,
        "min_supported": share,
        "intercept": round(float(fitted.model.intercept_[0]), 6),
        "features": list(FEATURES),
        "weights": {
            name: {
                "coef": round(float(c), 6),
                "mean": round(float(m), 6),
                "scale": round(float(s), 6),
            }
            for name, c, m, s in zip(
                FEATURES,
                fitted.model.coef_[0],
                fitted.scaler.mean_,
                fitted.scaler.scale_,
                strict=True,
            )
        },
    }
    out.write_text(json.dumps(weights, indent=2) + "\n")
    out.with_name("judge_card.md").write_text(
        card.replace("{THRESHOLD}", f"{threshold}").replace("{SHARE}", f"{share:g}")
    )
    card_file = out.with_name("judge_card.md")
    print(f"\nwrote {out} (threshold {threshold}, min_supported {share:g}) and {card_file}")


CARD = """# The grounding judge: model card

Written by `python -m eval.train_judge {ARGS}`; do not edit by hand.

- **What**: P(a claim is not supported by its passage), a logistic regression over the lexical
  and alignment signals of rag/verification/features.py (each signal's worst value over an
  answer's claims), plus rules: a claim that changes its window's meaning (a negation, an
  opposite, a number, a role swap: contradiction.py) scores at least 0.99, one that says nothing
  is not counted. No neural weights: nothing to download, ~1 ms a claim.
- **Data**: {ANSWERS}.
  Folds group sources and models: no fold trains on a held-out answer's source or model.
- **Recipe**: scikit-learn LogisticRegression (C=1, lbfgs), standardised signals, each dataset
  weighing the same; threshold {THRESHOLD} and min_supported {SHARE} chosen on all training
  answers (most supported QA answers shown for fewest unsupported).
- **Time**: {SECONDS:.0f} s on this machine ({CORES} cores), features included.

## Figures (held-out folds; printed by the run that wrote this card)

```
{REPORT}
```
"""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the grounding judge and the answer gate.")
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument(
        "--tasks",
        choices=("qa", "all"),
        default="qa",
        help="qa: QA answers only (default); all: also grounding's summaries and data-to-text",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    answers = load(args.data, args.tasks)
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        report(answers, cross_validate(answers, args.folds), args.folds)
    printed = buffer.getvalue()
    print(printed, end="")

    counts = {n: sum(a.dataset == n for a in answers) for n in sorted({a.dataset for a in answers})}
    card = CARD.format(
        ARGS=f"--tasks {args.tasks} --folds {args.folds}",
        ANSWERS=", ".join(f"{n} {c:,} answers" for n, c in counts.items())
        + f" ({len({a.model for a in answers if a.dataset in QA})} models on QA)",
        THRESHOLD="{THRESHOLD}",
        SHARE="{SHARE}",
        SECONDS=time.perf_counter() - started,
        CORES=os.cpu_count(),
        REPORT=printed.strip("\n"),
    )
    write(answers, args.data, args.tasks, args.out, card)


if __name__ == "__main__":
    main()
