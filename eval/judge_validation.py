"""How far can a judge be trusted? Score labeled (context, answer) pairs and compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from . import metrics
from .datasets import JudgeRow
from .judges import Judge


@dataclass(frozen=True)
class JudgeValidation:
    judge: str
    rows: int
    threshold: float
    auroc: float  # of 1 - support against label 1 = unfaithful
    balanced_accuracy: float  # at the judge's own threshold
    confusion: metrics.Confusion
    by_kind: dict[str, float]  # AUROC of each error kind against the faithful rows
    scores: tuple[float, ...]  # support per row, in dataset order

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["confusion"] = asdict(self.confusion)
        return data


def validate_judge(judge: Judge, rows: Sequence[JudgeRow]) -> JudgeValidation:
    scores = [judge.support(r.answer, list(r.context)) for r in rows]
    labels = [r.label for r in rows]
    unfaithfulness = [1 - s for s in scores]
    matrix = metrics.confusion([int(s < judge.threshold) for s in scores], labels)
    by_kind = {}
    for kind in sorted({r.kind for r in rows if r.label == 1 and r.kind}):
        picked = [
            (u, r.label)
            for u, r in zip(unfaithfulness, rows, strict=True)
            if r.label == 0 or r.kind == kind
        ]
        if any(y == 0 for _, y in picked):
            by_kind[kind] = metrics.auroc([u for u, _ in picked], [y for _, y in picked])
    return JudgeValidation(
        judge=judge.name,
        rows=len(rows),
        threshold=judge.threshold,
        auroc=metrics.auroc(unfaithfulness, labels),
        balanced_accuracy=matrix.balanced_accuracy,
        confusion=matrix,
        by_kind=by_kind,
        scores=tuple(scores),
    )
