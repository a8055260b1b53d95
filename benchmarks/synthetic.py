"""A deterministic synthetic corpus: many documents of plausible English prose about ML."""

from __future__ import annotations

import random
from pathlib import Path

_SUBJECTS = [
    "The model",
    "A transformer",
    "Gradient descent",
    "The benchmark",
    "Each layer",
    "The optimizer",
    "A sparse autoencoder",
    "The dataset",
    "Scaling",
    "The embedding",
]
_VERBS = [
    "improves",
    "reduces",
    "explains",
    "predicts",
    "compresses",
    "measures",
    "limits",
    "stabilizes",
    "reveals",
    "approximates",
]
_OBJECTS = [
    "the loss landscape",
    "out-of-distribution error",
    "tabular data",
    "long contexts",
    "the attention pattern",
    "sample efficiency",
    "the training signal",
    "interpretability",
    "the residual stream",
    "calibration",
]
_TAILS = [
    "in most settings",
    "when data is scarce",
    "at larger scale",
    "on held-out tasks",
    "for reasons still debated",
    "according to recent work",
    "with a few caveats",
    "",
]


def sentence(rng: random.Random) -> str:
    tail = rng.choice(_TAILS)
    words = [rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS)]
    return " ".join(words + ([tail] if tail else [])) + f" (case {rng.randint(1, 99999)})."


def document(rng: random.Random, paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(sentence(rng) for _ in range(rng.randint(3, 7))) for _ in range(paragraphs)
    )


def write_corpus(folder: Path, documents: int, paragraphs: int = 12, seed: int = 0) -> Path:
    """Write `documents` .txt files; with 12 paragraphs each is about 7 chunks of 200 tokens."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(documents):
        (folder / f"doc_{n:05d}.txt").write_text(f"Document {n}\n\n" + document(rng, paragraphs))
    return folder
