"""How good the trained cross-encoder is where it was never trained, printed in one run:

1. The answer gate on QA answers (grounding QA and RAGTruth QA dev): the threshold and the
   gate's share are chosen on the train side of the folds, then applied to the held-out fold
   (sources AND models it never saw): supported answers shown, unsupported answers shown, AUROC,
   beside the lexical judge and the overlap baseline on the same answers; also for small models.
2. Pairs: each validation-only set (never trained on) and the held-out fold of each trainable
   set: AUROC beside the overlap baseline; the mean and the lowest.
3. The generated failure kinds on held-out passages: the share of each the judge rejects.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.verification import (
    Judge,
    Judgment,
    MeaningJudge,
    OverlapJudge,
    context_text,
    make_judge,
)

from .. import metrics
from ..grounding import is_small
from ..judge_validation import shown
from ..train_judge import Labelled, labelled
from . import data as d
from .negatives import NEGATIVE_KINDS

QA = ("grounding-qa", "ragtruth")
SHARES = (0.5, 0.6, 0.67, 0.75, 0.8, 0.9, 1.0)
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)
VALIDATION_ONLY = ("sick", "rte", "climate-fever", "healthver")
PAIRS_PER_SET = 2000  # pairs scored per set (seeded sample): the figures settle well before


@dataclass(frozen=True)
class Gate:
    threshold: float
    min_supported: float


def _model(row: Labelled) -> str:
    """Written answers (HaluEval, judge.jsonl) have no author to hold out: their source only."""
    return "" if row.dataset in ("halueval", "judge.jsonl") else row.model


def held_out(row: Labelled) -> bool:
    return d.held_out(d.Pair("", "", 0, row.dataset, "", row.source, _model(row)))


def train_side(row: Labelled) -> bool:
    return d.train_side(d.Pair("", "", 0, row.dataset, "", row.source, _model(row)))


def judged(judge: Judge, rows: Sequence[Labelled]) -> list[Judgment]:
    return [judge.judge(r.row.context, r.row.answer, r.row.question or None) for r in rows]


def rethreshold(judgment: Judgment, threshold: float) -> Judgment:
    return Judgment(judgment.score, judgment.claims, threshold)


def gate_rates(
    judgments: Sequence[Judgment], rows: Sequence[Labelled], gate: Gate
) -> tuple[float, float]:
    """(supported answers shown, unsupported answers shown) under `gate`."""
    passed = [
        shown(
            rethreshold(j, gate.threshold),
            gate.min_supported,
            r.row.question,
            context_text(r.row.context),
        )
        for j, r in zip(judgments, rows, strict=True)
    ]
    good = [p for p, r in zip(passed, rows, strict=True) if not r.row.label]
    bad = [p for p, r in zip(passed, rows, strict=True) if r.row.label]
    return (float(np.mean(good)) if good else np.nan, float(np.mean(bad)) if bad else np.nan)


def choose_gate(judgments: Sequence[Judgment], rows: Sequence[Labelled]) -> Gate:
    """The pair that shows most supported answers for fewest unsupported ones (the largest
    difference; ties: more supported shown)."""
    best: tuple[float, float, Gate] | None = None
    for threshold in THRESHOLDS:
        for share in SHARES:
            gate = Gate(float(threshold), share)
            good, bad = gate_rates(judgments, rows, gate)
            key = (good - bad, good, gate)
            if best is None or key[:2] > best[:2]:
                best = key
    assert best is not None
    return best[2]


def answers_report(judge: Judge, data: Path) -> Gate:
    """Part 1. Returns the gate chosen on the train side (what the shipped config holds)."""
    rows = [r for r in labelled(data, "qa") if r.dataset in QA]
    train = [r for r in rows if train_side(r)]
    test = [r for r in rows if held_out(r)]
    gate = choose_gate(judged(judge, train), train)
    print(
        f"Answer gate, chosen on {len(train)} train-side QA answers: threshold "
        f"{gate.threshold:.2f}, min_supported {gate.min_supported:.2f}"
    )
    lexical = make_judge("lexical")
    rivals: list[tuple[Judge, Gate]] = [
        (judge, gate),
        (lexical, Gate(lexical.threshold, lexical.min_supported)),
        (OverlapJudge(), Gate(0.25, lexical.min_supported)),
    ]
    print(f"\nHeld-out QA answers (source and model unseen): {len(test)}")
    print("  (lexical was fitted on all of these answers, judge_weights.json: not held out)")
    print(
        f"  {'answers':<24} {'judge':<8} {'n':>5} {'supported shown':>16} "
        f"{'unsupported shown':>18} {'AUROC':>6}"
    )
    groups: dict[str, Callable[[Labelled], bool]] = {
        "all QA": lambda r: True,
        "grounding-qa": lambda r: r.dataset == "grounding-qa",
        "ragtruth (human)": lambda r: r.dataset == "ragtruth",
        "small models (<= 8B)": lambda r: is_small(r.model),
    }
    for rival, rival_gate in rivals:
        scored = judged(rival, test)
        for title, keep in groups.items():
            pick = [i for i, r in enumerate(test) if keep(r)]
            sub_rows = [test[i] for i in pick]
            sub = [scored[i] for i in pick]
            good, bad = gate_rates(sub, sub_rows, rival_gate)
            auc = metrics.auroc(
                [j.score for j in sub], [r.row.label for r in sub_rows], undefined=np.nan
            )
            print(
                f"  {title:<24} {rival.name:<8} {len(pick):>5} {good:>16.1%} {bad:>18.1%} "
                f"{auc:>6.3f}"
            )
    return gate


def _overlap(premise: str, hypothesis: str) -> float:
    return OverlapJudge().claim(premise, hypothesis).score


def pairs_report(judge: MeaningJudge, pairs: Sequence[d.Pair]) -> None:
    """Part 2: AUROC of P(unsupported) against "not supported", per set."""
    rng = random.Random(d.SEED)
    sets = sorted({p.dataset for p in pairs if p.kind == "nli"})
    print(f"\nPairs: {'set':<16} {'part':<16} {'n':>5} {'judge':>6} {'overlap':>8}")
    outside: list[float] = []
    for name in sets:
        only = name in VALIDATION_ONLY
        chosen = [p for p in pairs if p.dataset == name and (only or d.held_out(p))]
        chosen = rng.sample(chosen, min(PAIRS_PER_SET, len(chosen)))
        labels = [1 - p.label for p in chosen]
        scores = 1.0 - judge.classifier.probabilities([(p.premise, p.hypothesis) for p in chosen])
        base = [_overlap(p.premise, p.hypothesis) for p in chosen]
        auc = metrics.auroc(list(scores), labels, undefined=np.nan)
        outside.append(auc)
        part = "validation only" if only else "held-out fold"
        print(
            f"       {name:<16} {part:<16} {len(chosen):>5} {auc:>6.3f} "
            f"{metrics.auroc(base, labels, undefined=np.nan):>8.3f}"
        )
    print(
        f"       mean {np.nanmean(outside):.3f}, lowest {np.nanmin(outside):.3f} "
        f"over {len(sets)} sets"
    )


def kinds_report(judge: MeaningJudge, pairs: Sequence[d.Pair], threshold: float) -> None:
    """Part 3: each generated kind on held-out passages: the share scored unsupported."""
    held = [p for p in pairs if p.dataset == "negatives" and d.held_out(p)]
    print(f"\nGenerated kinds on held-out passages (threshold {threshold:.2f}): rejected")
    for kind in ("sentence", "true elsewhere", *NEGATIVE_KINDS):
        chosen = [p for p in held if p.kind == kind]
        if not chosen:
            continue
        scores = 1.0 - judge.classifier.probabilities([(p.premise, p.hypothesis) for p in chosen])
        wanted = "should keep" if chosen[0].label else "should reject"
        print(
            f"  {kind:<16} {len(chosen):>5} {float(np.mean(scores >= threshold)):>7.1%}  ({wanted})"
        )
