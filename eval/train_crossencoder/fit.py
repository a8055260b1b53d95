"""Fine-tune all-MiniLM-L6-v2 as a cross-encoder, (evidence, sentence) -> P(supported), with
sentence-transformers' CrossEncoderTrainer (binary cross-entropy, one logit).

What it learns from (`training_set`): the train side of the folds (data.train_side) of the
trainable sets only, capped so one epoch fits a developer session on 2 cores: SNLI's short
captions are sampled down, every unsupported answer sentence is kept and supported ones are
sampled to `POSITIVES_PER_NEGATIVE` times as many.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelhome import loading

from .data import SEED, Pair, train_side

MAX_LENGTH = 192  # word pieces: evidence.BUDGET words of evidence and a sentence fit in it


@dataclass(frozen=True)
class Recipe:
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    snli: int = 6000  # SNLI pairs kept (short captions: they teach entailment cheaply)
    positives_per_negative: float = 3.0  # supported answer sentences per unsupported one
    limit: int | None = None  # pairs in all (a smoke run)


def training_set(pairs: Sequence[Pair], recipe: Recipe) -> list[Pair]:
    rng = random.Random(SEED)
    train = [p for p in pairs if p.trainable and train_side(p)]
    snli = [p for p in train if p.dataset == "snli"]
    answers = [p for p in train if p.kind == "answer"]
    rest = [p for p in train if p.dataset != "snli" and p.kind != "answer"]
    negatives = [p for p in answers if not p.label]
    positives = [p for p in answers if p.label]
    keep = int(len(negatives) * recipe.positives_per_negative)
    chosen = (
        rng.sample(snli, min(recipe.snli, len(snli)))
        + negatives
        + rng.sample(positives, min(keep, len(positives)))
        + rest
    )
    rng.shuffle(chosen)
    return chosen[: recipe.limit] if recipe.limit else chosen


def fine_tune(base: Path, pairs: Sequence[Pair], recipe: Recipe, out: Path) -> Path:
    """Train on `pairs` from the weights in `base`; save the model folder to `out`."""
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from transformers import set_seed

    set_seed(SEED)
    model = loading.trainable_cross_encoder(base, MAX_LENGTH)
    dataset = Dataset.from_dict(
        {
            "premise": [p.premise for p in pairs],
            "hypothesis": [p.hypothesis for p in pairs],
            "label": [float(p.label) for p in pairs],
        }
    )
    args = CrossEncoderTrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=recipe.epochs,
        per_device_train_batch_size=recipe.batch_size,
        learning_rate=recipe.learning_rate,
        warmup_ratio=recipe.warmup_ratio,
        seed=SEED,
        data_seed=SEED,
        logging_steps=25,
        save_strategy="no",
        report_to="none",
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
        batch_sampler=_by_length(),
    )
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=dataset, loss=BinaryCrossEntropyLoss(model)
    )
    trainer.train()
    model.save_pretrained(str(out / "model"))
    return out / "model"


def _by_length() -> Any:
    """A batch sampler that batches pairs of similar length, batches in a seeded random order.
    A batch is padded to its longest pair, and lengths here run from 20 word pieces (SNLI) to
    256 (an article's evidence): random batches cost the longest almost every time, on a CPU
    about 3x the time of batches of like lengths."""
    from sentence_transformers.base.sampler import DefaultBatchSampler

    class ByLength(DefaultBatchSampler):  # type: ignore[misc]
        POOL = 50  # batches sorted together: order stays random across the pool

        def __init__(self, dataset: Any, batch_size: int, drop_last: bool, **kwargs: Any) -> None:
            super().__init__(dataset, batch_size, drop_last, **kwargs)
            self.sizes = [
                len(p) + len(h)
                for p, h in zip(dataset["premise"], dataset["hypothesis"], strict=True)
            ]

        def __iter__(self) -> Iterator[list[int]]:
            rng = random.Random(self.seed + getattr(self, "epoch", 0))
            order = list(range(len(self.sizes)))
            rng.shuffle(order)
            pool = self.batch_size * self.POOL
            batches = []
            for start in range(0, len(order), pool):
                chunk = sorted(order[start : start + pool], key=self.sizes.__getitem__)
                batches += [
                    chunk[i : i + self.batch_size] for i in range(0, len(chunk), self.batch_size)
                ]
            rng.shuffle(batches)
            yield from batches

        def __len__(self) -> int:
            return math.ceil(len(self.sizes) / self.batch_size)

    return ByLength
