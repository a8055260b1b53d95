"""The one wrapper of a sentence-transformers cross-encoder: pairs of texts in, a score or
label probabilities per pair out. The reranker and the NLI judge both use it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import loading


class CrossEncoderModel:
    """A cross-encoder in a folder, loaded by the model home on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def warm_up(self) -> None:
        loading.cross_encoder(self.path)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The model's raw outputs: one score per pair, or a row of logits per pair."""
        return np.asarray(loading.cross_encoder(self.path).predict(list(pairs)))

    def scores(self, query: str, passages: Sequence[str]) -> list[float]:
        """One relevance score per passage (a reranker's single output)."""
        return [float(s) for s in self.predict([(query, p) for p in passages])]

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Softmax over the labels, a row per pair."""
        logits = np.atleast_2d(self.predict(pairs))
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def label(self, prefix: str, default: int) -> int:
        """The index of the label whose name starts with `prefix` ("entail"), from the
        model's config; `default` when none does."""
        config = loading.cross_encoder(self.path).config
        labels = {int(i): str(n).lower() for i, n in config.id2label.items()}
        return next((i for i, n in labels.items() if n.startswith(prefix)), default)
