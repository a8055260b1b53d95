"""A cross-encoder exported to ONNX that reads a pair of texts and gives one probability: the
runtime of the judge trained here (eval/train_crossencoder), shipped in the wheel.

It needs onnxruntime and the Rust `tokenizers` only: no torch, no transformers, so the judge
loads in a fraction of a second. The folder holds `model.onnx` (int8), `tokenizer.json` and
`config.json` (its input length and the threshold and gate share it was validated with).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import loading
from .errors import ModelMissingError

SHIPPED = Path(__file__).with_name("meaning")  # the judge trained by eval/train_crossencoder
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# One pair a run: int8 dynamic quantisation scales activations per run, so a pair's score
# would shift (~1e-3) with whatever shares its batch; alone, it is the same every time.
BATCH = 1


class PairClassifier:
    """(premise, hypothesis) pairs in, P(label 1) per pair out, batched."""

    def __init__(self, folder: Path = SHIPPED, threads: int = 1) -> None:
        self.folder = Path(folder)
        self.threads = threads
        if not (self.folder / "model.onnx").is_file():
            raise ModelMissingError(f"no pair classifier in {self.folder} (model.onnx missing)")

    @functools.cached_property
    def config(self) -> dict[str, Any]:
        return dict(json.loads((self.folder / "config.json").read_text(encoding="utf-8")))

    def warm_up(self) -> None:
        self.probabilities([("warm", "up")])

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Pairs are run `BATCH` at a time, of like lengths: a batch is padded to its longest
        pair, and memory grows with the batch times the square of its length."""
        tokenizer = loading.fast_tokenizer(
            self.folder / "tokenizer.json", self.config["max_length"]
        )
        session = loading.onnx_session(self.folder / "model.onnx", self.threads)
        encoded = tokenizer.encode_batch([(p, h) for p, h in pairs])
        order = np.argsort([len(e.ids) for e in encoded], kind="stable")
        out = np.zeros(len(pairs))
        for start in range(0, len(pairs), BATCH):
            chosen = order[start : start + BATCH]
            feed = _padded([encoded[i] for i in chosen])
            (logits,) = session.run(None, feed)
            out[chosen] = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64).reshape(-1)))
        return out


def _padded(encoded: Sequence[Any]) -> dict[str, np.ndarray]:
    """The model's inputs, padded with zeros ([PAD], no attention) to the longest pair."""
    width = max(len(e.ids) for e in encoded)
    feed = {name: np.zeros((len(encoded), width), dtype=np.int64) for name in _INPUTS}
    for row, e in enumerate(encoded):
        feed["input_ids"][row, : len(e.ids)] = e.ids
        feed["attention_mask"][row, : len(e.ids)] = e.attention_mask
        feed["token_type_ids"][row, : len(e.ids)] = e.type_ids
    return feed
