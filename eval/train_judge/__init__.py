"""Train the grounding judge and the answer gate on labelled LLM answers, and say, honestly, how
good they are on models and sources the fit never saw.

    rag eval train-judge [--data ../shared/data] [--tasks qa|all] [--folds 5]
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

import io
import os
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

from rag.verification import WEIGHTS_FILE

from ..datasets import SHARED_DATA
from .data import FILES, QA, Labelled, Table, labelled, load, table_of
from .fit import JUDGES, Fitted, Held, Judge, cross_validate, fit, folds_of
from .report import CARD, report, write

__all__ = [
    "FILES",
    "JUDGES",
    "QA",
    "SHARED_DATA",
    "Fitted",
    "Held",
    "Judge",
    "Labelled",
    "Table",
    "cross_validate",
    "fit",
    "folds_of",
    "labelled",
    "load",
    "report",
    "table_of",
    "train",
]


def train(
    data: Path = SHARED_DATA, tasks: str = "qa", folds: int = 5, out: Path = WEIGHTS_FILE
) -> None:
    """Validate on held-out folds, print the figures, then fit on everything and write the
    weights and the model card to `out` (`rag eval train-judge`)."""
    started = time.perf_counter()
    table = load(data, tasks)
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        report(table, cross_validate(table, folds), folds)
    printed = buffer.getvalue()
    print(printed, end="")

    counts = {n: int((table.dataset == n).sum()) for n in np.unique(table.dataset)}
    card = CARD.format(
        ARGS=f"--tasks {tasks} --folds {folds}",
        ANSWERS=", ".join(f"{n} {c:,} answers" for n, c in counts.items())
        + f" ({len(np.unique(table.model[np.isin(table.dataset, QA)]))} models on QA)",
        THRESHOLD="{THRESHOLD}",
        SHARE="{SHARE}",
        SECONDS=time.perf_counter() - started,
        CORES=os.cpu_count(),
        REPORT=printed.strip("\n"),
    )
    write(table, data, tasks, out, card)
