"""`rag eval train-judge`, `rag eval probe` and `rag eval grounding`: fitting the grounding
judge and measuring it and candidate signals on the public labelled data (../shared/data)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eval.datasets import SHARED_DATA
from rag.verification import WEIGHTS_FILE

from .options import add_judge

# The eval modules are imported only when a training command runs (scikit-learn alone takes
# ~2 s to import): their choices are named here.
CANDIDATES = ("alignment", "likelihood", "nli")  # eval/probe_signals.py's


def register(sub: Any) -> None:
    """The training commands, under `rag eval`'s subcommands `sub`."""
    fit = sub.add_parser(
        "train-judge",
        help="fit the grounding judge and gate on labelled answers; print held-out figures",
    )
    fit.add_argument("--data", type=Path, default=SHARED_DATA)
    fit.add_argument(
        "--tasks",
        choices=("qa", "all"),
        default="qa",
        help="qa: QA answers only (default); all: also grounding's summaries and data-to-text",
    )
    fit.add_argument("--folds", type=int, default=5)
    fit.add_argument("--out", type=Path, default=WEIGHTS_FILE, help="weights to write")
    fit.set_defaults(run=_train)
    probe = sub.add_parser(
        "probe", help="score a candidate signal on the judge's held-out folds (writes nothing)"
    )
    probe.add_argument("candidate", choices=CANDIDATES)
    probe.add_argument("--model", default="smol", help="likelihood: a GGUF role or path")
    probe.add_argument("--limit", type=int, default=None, help="answers per dataset")
    probe.add_argument("--data", type=Path, default=SHARED_DATA)
    probe.add_argument("--folds", type=int, default=5)
    probe.set_defaults(run=_probe)
    measure = sub.add_parser(
        "grounding", help="a judge and the gate on the grounding answers, per model size"
    )
    measure.add_argument("--data", type=Path, default=SHARED_DATA / "grounding")
    measure.add_argument("--task", default="ragtruth-qa", help="a task, or 'all'")
    add_judge(measure, dest="judge_name")
    measure.set_defaults(run=_grounding)


def _train(args: argparse.Namespace) -> int:
    from eval import train_judge

    train_judge.train(args.data, args.tasks, args.folds, args.out)
    return 0


def _probe(args: argparse.Namespace) -> int:
    from eval import probe_signals

    probe_signals.probe(args.candidate, args.model, args.limit, args.data, args.folds)
    return 0


def _grounding(args: argparse.Namespace) -> int:
    from eval import grounding

    grounding.measure(args.data, args.task, args.judge_name)
    return 0
