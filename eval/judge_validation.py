"""How far can a judge be trusted? Score labeled (context, answer) rows and compare it with the
overlap baseline on the same rows."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rag.verification import Judge, OverlapJudge

from . import metrics
from .datasets import JudgeRow


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


def score(judge: Judge, rows: Sequence[JudgeRow]) -> tuple[Scores, list[float]]:
    started = time.perf_counter()
    values = [judge.judge(r.context, r.answer, r.question or None).score for r in rows]
    seconds = time.perf_counter() - started
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
        ),
        values,
    )


def validate_judge(
    judge: Judge, rows: Sequence[JudgeRow], *, file: str = "", skipped: Sequence[str] = ()
) -> JudgeValidation:
    scores, values = score(judge, rows)
    baseline, _ = score(OverlapJudge(), rows)
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
