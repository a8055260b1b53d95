"""How far can a judge be trusted? Score labeled (context, answer) rows and compare it with the
overlap baseline on the same rows, and apply the answer gate's rule with each: which labelled
answers would be shown."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rag.verification import (
    Checked,
    Judge,
    Judgment,
    OverlapJudge,
    addresses,
    context_text,
    gate_share,
    shows,
)

from . import metrics
from .datasets import JudgeRow


@dataclass(frozen=True)
class GateFigures:
    """The answer gate's rule applied with a judge to labelled answers: an answer is shown
    when at least `min_supported` of its sentences are supported by the context (as a model's
    answer is, sentence by sentence, against its passages). What a user would see: the
    share of supported answers shown, and of unsupported answers shown (the leak)."""

    min_supported: float
    supported_shown: float  # of the label-0 answers
    unsupported_shown: float  # of the label-1 answers
    supported: int  # label-0 answers
    unsupported: int  # label-1 answers


def shown(judgment: Judgment, min_supported: float, question: str = "", context: str = "") -> bool:
    """Would the gate (rag/verification/gate.py) show this answer? Each claim's evidence is
    the sentence of `context` the judge found closest to it."""
    return shows(
        [
            Checked(
                c.score < judgment.threshold,
                c.says_something,
                addresses(c.claim, question, context[c.best[0] : c.best[1]]),
            )
            for c in judgment.claims
        ],
        min_supported,
    )


def gate_figures(
    judgments: Sequence[Judgment],
    labels: Sequence[int],
    min_supported: float,
    asked: Sequence[tuple[str, str]] | None = None,
) -> GateFigures:
    """`asked`: each answer's question and context (none: no question to address)."""
    asked = asked if asked is not None else [("", "")] * len(judgments)
    passed = [shown(j, min_supported, *a) for j, a in zip(judgments, asked, strict=True)]
    good = [p for p, y in zip(passed, labels, strict=True) if y == 0]
    bad = [p for p, y in zip(passed, labels, strict=True) if y == 1]
    return GateFigures(
        min_supported=min_supported,
        supported_shown=sum(good) / len(good) if good else float("nan"),
        unsupported_shown=sum(bad) / len(bad) if bad else float("nan"),
        supported=len(good),
        unsupported=len(bad),
    )


@dataclass(frozen=True)
class Scores:
    """One judge on one file; positive = unsupported (label 1)."""

    judge: str
    threshold: float
    auroc: float
    balanced_accuracy: float
    precision: float
    recall: float
    f1: float
    confusion: metrics.Confusion
    rows_per_second: float
    gate: GateFigures


@dataclass(frozen=True)
class JudgeValidation:
    file: str
    rows: int
    skipped: tuple[str, ...]  # malformed lines, "path:line: why"
    judge: Scores
    baseline: Scores  # the overlap judge on the same rows
    by_kind: dict[str, float]  # the judge's AUROC of each error kind against the faithful rows
    scores: tuple[float, ...]  # the judge's score per row, in file order

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score(
    judge: Judge, rows: Sequence[JudgeRow], min_supported: float | None = None
) -> tuple[Scores, list[float]]:
    """`min_supported` None: the share fitted with the default judge."""
    min_supported = gate_share(min_supported)
    started = time.perf_counter()
    judgments = [judge.judge(r.context, r.answer, r.question or None) for r in rows]
    seconds = time.perf_counter() - started
    values = [j.score for j in judgments]
    labels = [r.label for r in rows]
    matrix = metrics.confusion([int(v >= judge.threshold) for v in values], labels)
    return (
        Scores(
            judge=judge.name,
            threshold=judge.threshold,
            auroc=metrics.auroc(values, labels),
            balanced_accuracy=matrix.balanced_accuracy,
            precision=matrix.precision,
            recall=matrix.recall,
            f1=matrix.f1,
            confusion=matrix,
            rows_per_second=len(rows) / seconds if seconds else float("inf"),
            gate=gate_figures(
                judgments,
                labels,
                min_supported,
                [(r.question, context_text(r.context)) for r in rows],
            ),
        ),
        values,
    )


def validate_judge(
    judge: Judge,
    rows: Sequence[JudgeRow],
    *,
    file: str = "",
    skipped: Sequence[str] = (),
    min_supported: float | None = None,
) -> JudgeValidation:
    # The gate's share validated with this judge, unless one is given: both judges use it.
    share = judge.min_supported if min_supported is None else min_supported
    scores, values = score(judge, rows, share)
    baseline, _ = score(OverlapJudge(), rows, share)
    by_kind = {}
    for kind in sorted({r.kind for r in rows if r.label == 1 and r.kind}):
        picked = [
            (v, r.label)
            for v, r in zip(values, rows, strict=True)
            if r.label == 0 or r.kind == kind
        ]
        if any(y == 0 for _, y in picked):
            by_kind[kind] = metrics.auroc([v for v, _ in picked], [y for _, y in picked])
    return JudgeValidation(
        file=file,
        rows=len(rows),
        skipped=tuple(skipped),
        judge=scores,
        baseline=baseline,
        by_kind=by_kind,
        scores=tuple(values),
    )
