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
        if not pairs:
            return np.zeros(0)
        tokenizer = loading.fast_tokenizer(
            self.folder / "tokenizer.json", self.config["max_length"]
        )
        session = loading.onnx_session(self.folder / "model.onnx", self.threads)
        encoded = tokenizer.encode_batch([(p, h) for p, h in pairs])
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        (logits,) = session.run(None, {k: feed[k] for k in _INPUTS})
        return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64).reshape(-1))))
