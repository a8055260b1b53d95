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
shown, unsupported answers shown, with 95 % intervals, also for small models only, and,
for how it carries over, on each other dataset's answers.

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

from rag.verification import (
    CHANGED,
    CLAIM_FEATURES,
    EMPTY,
    FEATURES,
    WEIGHTS_FILE,
    Featurizer,
    OverlapJudge,
    addresses,
    context_text,
    enough,
    split_claims,
)

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
TOLERANCE = 0.01  # gate choices this close (supported shown - unsupported shown) are alike


@dataclass(frozen=True)
class Table:
    """Labelled answers, one row each, and their claims, one row each (`owner`: the answer a
    claim belongs to): everything the fits and the gate need, computed once."""

    dataset: np.ndarray  # per answer
    model: np.ndarray
    source: np.ndarray
    label: np.ndarray
    overlap: np.ndarray  # the baseline: share of the answer's words the context lacks
    owner: np.ndarray  # per claim
    x: np.ndarray  # CLAIM_FEATURES per claim
    said: np.ndarray  # the claim has a content word
    change: np.ndarray  # what contradiction.py found the claim changes ("": nothing)
    on_topic: np.ndarray  # it shares a content word with the question

    def __len__(self) -> int:
        return len(self.label)

    def subset(self, keep: np.ndarray) -> Table:
        """The answers where `keep` (a bool per answer) is true, with their claims."""
        index = np.flatnonzero(keep)
        renumber = np.full(len(self), -1)
        renumber[index] = np.arange(len(index))
        claims = keep[self.owner]
        return Table(
            dataset=self.dataset[index],
            model=self.model[index],
            source=self.source[index],
            label=self.label[index],
            overlap=self.overlap[index],
            owner=renumber[self.owner[claims]],
            x=self.x[claims],
            said=self.said[claims],
            change=self.change[claims],
            on_topic=self.on_topic[claims],
        )

    def worst(self, only_said: bool) -> np.ndarray:
        """Each answer's worst value of each signal over its claims (that say something, or
        all of them when none does or `only_said` is false)."""
        rows = np.full((len(self), self.x.shape[1]), -np.inf)
        np.maximum.at(rows, self.owner, self.x)
        if only_said:
            said = np.full_like(rows, -np.inf)
            np.maximum.at(said, self.owner[self.said], self.x[self.said])
            rows = np.where(np.isfinite(said), said, rows)
        return rows


@dataclass(frozen=True)
class Labelled:
    """One labelled answer as the fit groups it: its dataset, model and source."""

    dataset: str
    model: str
    source: str
    row: JudgeRow


def labelled(data: Path, tasks: str) -> list[Labelled]:
    """The answers the judge is fitted and validated on, in the Table's order."""
    rows: list[Labelled] = []
    for answer in load_grounding(data / "grounding", None if tasks == "all" else "ragtruth-qa"):
        name = "grounding-qa" if answer.task == "ragtruth-qa" else f"grounding-{answer.task}"
        rows.append(Labelled(name, answer.model, answer.row.group, answer.row))
    raw = [
        json.loads(line)
        for line in (data / FILES["ragtruth"]).read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    for row, line in zip(load_judge(data / FILES["ragtruth"]).rows, raw, strict=True):
        # The grounding QA answers are to the same 64 sources: one source group for both.
        rows.append(Labelled("ragtruth", line["model"], f"ragtruth-qa:{line['source_id']}", row))
    for name, path in (("halueval", data / FILES["halueval"]), ("judge.jsonl", DEFAULT_JUDGE)):
        for row in load_judge(path).rows:
            # Written answers, not a model's: each source stands for its own "model".
            rows.append(Labelled(name, f"{name}:{row.group}", f"{name}:{row.group}", row))
    return rows


def load(data: Path, tasks: str) -> Table:
    return table_of(labelled(data, tasks))


def table_of(rows: Sequence[Labelled]) -> Table:
    """The judge's signals of every claim of `rows`, computed once."""
    featurizer, overlap = Featurizer(), OverlapJudge()
    owner: list[int] = []
    x: list[list[float]] = []
    said: list[bool] = []
    change: list[str] = []
    on_topic: list[bool] = []
    for i, row in enumerate(r.row for r in rows):
        claims = split_claims(row.answer)
        text = context_text(row.context)
        for claim, signals in zip(
            claims, featurizer.signals(row.context, claims, row.question), strict=True
        ):
            owner.append(i)
            x.append([signals.values[f] for f in CLAIM_FEATURES])
            said.append(not signals.says_nothing)
            change.append(signals.contradiction)
            evidence = text[signals.best[0] : signals.best[1]]
            on_topic.append(addresses(claim, row.question, evidence))
    return Table(
        dataset=np.array([r.dataset for r in rows]),
        model=np.array([r.model for r in rows]),
        source=np.array([r.source for r in rows]),
        label=np.array([r.row.label for r in rows]),
        overlap=np.array([overlap.judge(r.row.context, r.row.answer).score for r in rows]),
        owner=np.array(owner),
        x=np.array(x),
        said=np.array(said),
        change=np.array(change),
        on_topic=np.array(on_topic),
    )


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


def _auroc_of(labels: np.ndarray, scores: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda i: _auroc(labels[i], scores[i])


def _mean_of(values: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda i: float(values[i].mean()) if len(i) else float("nan")


def _auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    return float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else float("nan")


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


def report(
    table: Table, held: dict[str, Held], folds: int, judges: Sequence[Judge] = JUDGES
) -> None:
    labels, names, overlap = table.label, table.dataset, table.overlap
    print(
        f"\nleave-sources-and-models-out cross-validation: {folds} groups of sources x {folds} "
        "groups of models; every answer is judged by a fit that saw neither its source nor "
        "its model"
    )
    print(
        f"{'dataset':<26} {'n':>5} {'unsup':>5}  "
        + "  ".join(f"{j.name + ' AUROC [95% CI]':<29} {'F1':>5}" for j in judges)
        + f"  {'overlap AUROC':>13} {'F1':>5}"
    )
    for name in sorted(set(names)):
        pick = np.flatnonzero(names == name)
        y = labels[pick]
        cells = []
        for judge in judges:
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
    for judge in judges:
        thresholds = [t for t, _ in held[judge.name].gates]
        shares = sorted({m for _, m in held[judge.name].gates})
        print(
            f"  {judge.name}: thresholds {min(thresholds):.2f}-{max(thresholds):.2f}, "
            f"min_supported {', '.join(f'{m:g}' for m in shares)}"
        )
    small = np.array([is_small(m) for m in table.model]) & (names == "grounding-qa")
    qa = np.isin(names, QA)
    print(
        f"  {'answers':<34} {'judge':<10} {'n':>5} {'supported shown [95% CI]':<26} "
        f"{'unsupported shown [95% CI]':<26} {'answer AUROC':>12}"
    )
    # The gate is chosen on QA answers; the short answers of HaluEval and judge.jsonl show how
    # it carries over to another answer style (HaluEval's invented one-liners leak most).
    others = [(f"{name} (not chosen on)", names == name) for name in sorted(set(names) - set(QA))]
    rows = [("QA, all models", qa), ("QA, small models (<= 8B)", qa & small), *others]
    for title, chosen in rows:
        pick = np.flatnonzero(chosen)
        y = labels[pick]
        for judge in judges:
            shown = held[judge.name].shown[pick]
            cells = []
            for want in (0, 1):
                sel = shown[y == want]
                low, high = interval(_mean_of(sel), len(sel))
                share = sel.mean() if len(sel) else float("nan")
                cells.append(f"{share:>6.1%} [{low:.1%}, {high:.1%}]{'':<6}")
            print(
                f"  {title:<34} {judge.name:<10} {len(pick):>5} {cells[0]:<26} {cells[1]:<26} "
                f"{_auroc(y, held[judge.name].scores[pick]):>12.3f}"
            )
    print("\nanswers with a claim each contradiction check flags (supported / unsupported):")
    for name in sorted(set(names)):
        cells = []
        for kind in sorted(set(table.change) - {""}):
            fired = np.zeros(len(table), bool)
            fired[table.owner[table.change == kind]] = True
            pick = names == name
            good, bad = fired[pick & (labels == 0)].sum(), fired[pick & (labels == 1)].sum()
            cells.append(f"{kind} {good}/{bad}")
        good_n, bad_n = (
            ((names == name) & (labels == 0)).sum(),
            ((names == name) & (labels == 1)).sum(),
        )
        print(f"  {name:<26} of {good_n}/{bad_n}: " + ", ".join(cells))


def write(table: Table, data: Path, tasks: str, out: Path, card: str) -> None:
    everything = np.ones(len(table), bool)
    fitted = fit(table, everything, JUDGES[0])
    threshold, share = choose_gate(fitted, table, everything)
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
            "answers": {n: int((table.dataset == n).sum()) for n in np.unique(table.dataset)},
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
  opposite, a number, a role swap) or credits a source the context never names
  (contradiction.py) scores at least 0.99; one that says nothing is not counted. No neural
  weights: nothing to download, ~2 ms a claim.
- **Data**: {ANSWERS}.
  Folds group sources and models: no fold trains on a held-out answer's source or model.
- **Recipe**: scikit-learn LogisticRegression (C=1, lbfgs), standardised signals, each dataset
  weighing the same; threshold {THRESHOLD} and min_supported {SHARE} chosen on all training
  answers (most supported QA answers shown for fewest unsupported; of the pairs within 0.01 of
  the best, the highest threshold).
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
    table = load(args.data, args.tasks)
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        report(table, cross_validate(table, args.folds), args.folds)
    printed = buffer.getvalue()
    print(printed, end="")

    counts = {n: int((table.dataset == n).sum()) for n in np.unique(table.dataset)}
    card = CARD.format(
        ARGS=f"--tasks {args.tasks} --folds {args.folds}",
        ANSWERS=", ".join(f"{n} {c:,} answers" for n, c in counts.items())
        + f" ({len(np.unique(table.model[np.isin(table.dataset, QA)]))} models on QA)",
        THRESHOLD="{THRESHOLD}",
        SHARE="{SHARE}",
        SECONDS=time.perf_counter() - started,
        CORES=os.cpu_count(),
        REPORT=printed.strip("\n"),
    )
    write(table, args.data, args.tasks, args.out, card)


if __name__ == "__main__":
    main()
