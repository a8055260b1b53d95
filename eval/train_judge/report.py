"""What the training prints and writes: the held-out figures, the weights and the model card."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from rag.verification import (
    FEATURES,
)

from .. import metrics
from ..datasets import DEFAULT_JUDGE
from ..grounding import is_small
from .data import FILES, QA, Table
from .fit import JUDGES, Held, Judge, auroc_of, choose_gate, fit, interval, mean_of

NAN = float("nan")


def report(
    table: Table, held: dict[str, Held], folds: int, judges: Sequence[Judge] = JUDGES
) -> None:
    """Print the held-out figures: AUROC per dataset, the gate, the contradiction checks."""
    print(
        f"\nleave-sources-and-models-out cross-validation: {folds} groups of sources x {folds} "
        "groups of models; every answer is judged by a fit that saw neither its source nor "
        "its model"
    )
    _auroc_table(table, held, judges)
    _gate_table(table, held, judges)
    _checks_table(table)


def _auroc_table(table: Table, held: dict[str, Held], judges: Sequence[Judge]) -> None:
    labels, names, overlap = table.label, table.dataset, table.overlap
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
            low, high = interval(auroc_of(y, s), len(pick))
            f1 = f1_score(y, p, zero_division=0)
            auroc = metrics.auroc(s, y, undefined=NAN)
            cells.append(f"{auroc:.3f} [{low:.3f}, {high:.3f}]{'':<10} {f1:>5.3f}")
        best_f1 = max(
            float(f1_score(y, overlap[pick] >= c, zero_division=0))
            for c in np.unique(overlap[pick])
        )
        print(
            f"{name:<26} {len(pick):>5} {y.mean():>5.2f}  "
            + "  ".join(cells)
            + f"  {metrics.auroc(overlap[pick], y, undefined=NAN):>13.3f} {best_f1:>5.3f}"
        )


def _gate_table(table: Table, held: dict[str, Held], judges: Sequence[Judge]) -> None:
    labels, names = table.label, table.dataset
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
                low, high = interval(mean_of(sel), len(sel))
                share = sel.mean() if len(sel) else float("nan")
                cells.append(f"{share:>6.1%} [{low:.1%}, {high:.1%}]{'':<6}")
            print(
                f"  {title:<34} {judge.name:<10} {len(pick):>5} {cells[0]:<26} {cells[1]:<26} "
                f"{metrics.auroc(held[judge.name].scores[pick], y, undefined=NAN):>12.3f}"
            )


def _checks_table(table: Table) -> None:
    labels, names = table.label, table.dataset
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
        "worst value over an answer's claims), fitted by rag eval train-judge. "
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

Written by `rag eval train-judge {ARGS}`; do not edit by hand.

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
