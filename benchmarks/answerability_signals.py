"""How far do the signals the assistant already has go at telling answerable questions from
unanswerable ones, without a model that reads meaning? (Issue 36, item 2's fallback.)

On the QA dev benchmark (`rag eval qa`'s corpus: HaluEval passages, a tenth withheld) and the
sample corpus's eval questions together, each question's retrieved passages give:

- dense: the best cosine similarity of the question to a passage;
- lexical: the best share of the question's content words in one passage (the gate's);
- evidence: the evidence gate's score, dense + weight * lexical (what decides today);
- names: the share of the question's capitalised words and figures that the top passages hold;
- sentence: the best extractive sentence's score.

Each alone, and a logistic regression of all of them, are scored on grouped folds (a passage's
questions, or the sample corpus, stay in one fold): held-out AUROC, and the abstention and false
abstention at the threshold chosen on the training folds to keep false abstention at 5 % (its
mean over the folds is printed: for "evidence" it is the gate's `min_evidence`, 0.48 today).

    python -m benchmarks.answerability_signals [--rows ../shared/data/halueval_qa_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import index
from eval import qa_bench
from eval.datasets import DEFAULT_QA, SHARED_DATA
from eval.metrics import auroc
from rag import Assistant
from rag.answer.extractive import ExtractiveAnswerer
from rag.question.gate import EvidenceGate
from rag.settings import with_choices
from rag.text import lexicon

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("dense", "lexical", "evidence", "names", "sentence")
FOLDS = 5
FALSE_ABSTENTION = 0.05
_NAMED = re.compile(r"(?<!^)\b[A-Z][\w-]*|\b\w*\d\w*")


@dataclass(frozen=True)
class Case:
    group: str  # the fold key: a passage, or the sample corpus
    source: str  # "dev" or "sample"
    answerable: bool
    features: tuple[float, ...]


class Signals:
    """The signals of one assistant's questions; its gate and extractive answerer (with its
    cache of sentence vectors) are made once, not per question."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.gate = EvidenceGate(assistant.settings.abstention)
        self.extractive = ExtractiveAnswerer(
            assistant.index.embedder, assistant.settings.extractive, llm_installed=False
        )

    def __call__(self, question: str) -> tuple[float, ...]:
        return signals(self, question)


def signals(made: Signals, question: str) -> tuple[float, ...]:
    hits = made.assistant.retrieve(question)
    gate = made.gate
    dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
    wanted = lexicon.content_stems(question)
    texts = [h.chunk.text for h in hits]
    lexical = max((lexicon.coverage(wanted, lexicon.content_stems(t)) for t in texts), default=0)
    named = {w.lower() for w in _NAMED.findall(question.strip())} - lexicon.STOPWORDS
    held = {w.lower() for t in texts[:3] for w in re.findall(r"[\w-]+", t)}
    names = len(named & held) / len(named) if named else 1.0
    scored = made.extractive.scored(question, hits)
    sentence = scored[0].score if scored else 0.0
    return (dense, lexical, gate.evidence(question, hits), names, sentence)


def dev_cases(rows_path: Path, work: Path) -> list[Case]:
    rows = qa_bench.load_rows(rows_path)
    assistant = Assistant.open(qa_bench.build(rows, work), with_choices(mode="extractive"))
    read = Signals(assistant)
    return [Case(r.knowledge, "dev", r.answerable, read(r.question)) for r in rows]


def sample_cases(work: Path) -> list[Case]:
    index_dir = work / "sample-index"
    index.build([ROOT / "corpus"], index_dir)
    assistant = Assistant.open(index_dir, with_choices(mode="extractive"))
    rows = [json.loads(line) for line in DEFAULT_QA.read_text().splitlines() if line]
    read = Signals(assistant)
    return [
        Case(
            f"sample-{n % FOLDS}",
            "sample",
            bool(r["answerable"]),
            read(r["question"]),
        )
        for n, r in enumerate(rows)
    ]


def folds(cases: list[Case]) -> np.ndarray:
    keys = sorted({c.group for c in cases})
    rng = np.random.default_rng(0)
    order = {k: i % FOLDS for i, k in enumerate(rng.permutation(keys))}
    return np.array([order[c.group] for c in cases])


def threshold(scores: np.ndarray, answerable: np.ndarray) -> float:
    """The highest bar that declines at most FALSE_ABSTENTION of the answerable questions."""
    return float(np.quantile(scores[answerable], FALSE_ABSTENTION))


def evaluate(cases: list[Case]) -> dict[str, dict[str, float]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = np.array([c.features for c in cases])
    y = np.array([c.answerable for c in cases])
    source = np.array([c.source for c in cases])
    fold = folds(cases)
    out: dict[str, dict[str, float]] = {}
    for name in (*FEATURES, "combined"):
        held = np.zeros(len(cases))
        declined = np.zeros(len(cases), dtype=bool)
        bars = []
        for f in range(FOLDS):
            train, test = fold != f, fold == f
            if name == "combined":
                model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
                model.fit(x[train], y[train])
                train_scores = model.predict_proba(x[train])[:, 1]
                held[test] = model.predict_proba(x[test])[:, 1]
            else:
                column = FEATURES.index(name)
                train_scores, held[test] = x[train, column], x[test, column]
            bars.append(threshold(train_scores, y[train]))
            declined[test] = held[test] < bars[-1]
        row = {"bar": float(np.mean(bars))}  # the mean bar of the folds
        for part in ("dev", "sample", "all"):
            mask = np.ones(len(cases), dtype=bool) if part == "all" else source == part
            labels = (~y[mask]).astype(int).tolist()
            row[f"{part}_auroc"] = auroc((-held[mask]).tolist(), labels)
            row[f"{part}_abstention"] = float(declined[mask & ~y].mean())
            row[f"{part}_false_abstention"] = float(declined[mask & y].mean())
        out[name] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=Path, default=SHARED_DATA / "halueval_qa_dev.jsonl")
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-answerability"))
    args = parser.parse_args(argv)
    cases = dev_cases(args.rows, args.work) + sample_cases(args.work)
    results = evaluate(cases)
    dev = sum(c.source == "dev" for c in cases)
    print(
        f"{dev} dev and {len(cases) - dev} sample questions, {FOLDS} grouped folds; bar: "
        f"{FALSE_ABSTENTION:.0%} false abstention "
        "on the training folds"
    )
    print(f"  {'signal':<10} {'AUROC dev':>9} {'sample':>7}   {'abst. dev':>9} {'false':>6}   "
          f"{'abst. sample':>12} {'false':>6}   {'bar':>6}")  # fmt: skip
    for name, r in results.items():
        print(
            f"  {name:<10} {r['dev_auroc']:>9.3f} {r['sample_auroc']:>7.3f}   "
            f"{r['dev_abstention']:>9.3f} {r['dev_false_abstention']:>6.3f}   "
            f"{r['sample_abstention']:>12.3f} {r['sample_false_abstention']:>6.3f}   "
            f"{r['bar']:>6.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
