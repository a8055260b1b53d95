"""Embedding models: the `Embedder` protocol and the one place an embedder is chosen and
loaded (torch_encoder.py in torch, onnx_encoder.py in onnxruntime). Both backends sit
below this module, so neither imports the other's chooser."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from modelhome.errors import ModelNotFoundError
from modelhome.files import canonical_name

from ..settings import DEFAULT_ENCODER, ENCODERS
from .onnx_encoder import OnnxEmbedder, exportable
from .torch_encoder import SentenceTransformerEmbedder

__all__ = ["Embedder", "SentenceTransformerEmbedder", "load_embedder", "one_thread_per_encode"]


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str

    @property
    def encoder(self) -> str:
        """What computes the vectors: "fp32" (torch, or onnxruntime with torch's vectors) or
        "int8" (onnxruntime, quantised: close to fp32's, not equal). An index records it."""
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Longest input, in tokens including special ones, that the encoder does not truncate."""
        ...

    @property
    def weights_hash(self) -> str: ...

    def count_tokens(self, text: str) -> int:
        """Tokens in `text`, special tokens excluded."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def one_thread_per_encode() -> None:
    """For a server that runs requests side by side: each encode on one core. Two OpenMP
    threads per encode, with several encodes at once on two cores, spend their time spinning
    for each other (benchmarks/load.py: 12 vs 19 answers/s, 62 vs 38 ms of server CPU each).
    An IVF search likewise stays on its request's thread."""
    import torch

    from ..storage import vectors
    from . import onnx_encoder

    torch.set_num_threads(1)
    onnx_encoder.use_threads(1)
    vectors.use_threads(1)


@functools.cache
def load_embedder(name: str, encoder: str = DEFAULT_ENCODER) -> Embedder:
    """One embedder per model name and encoder per process: loading weights is the expensive
    part. A BERT model with mean pooling (all-MiniLM-L6-v2) runs in onnxruntime when it is
    installed (index/embedding/onnx_encoder.py), in int8 or fp32 as `encoder` asks; any other model,
    or either without onnxruntime, runs in torch (fp32)."""
    if encoder not in ENCODERS:
        raise ValueError(f"encoder must be one of {ENCODERS}, not {encoder!r}")
    embedder = _torch_embedder(canonical_name(name))
    try:
        onnx = exportable(embedder.path)
    except ModelNotFoundError:
        onnx = False  # reported where the model is first used, as before
    return OnnxEmbedder(embedder, quantized=encoder == "int8") if onnx else embedder


@functools.cache
def _torch_embedder(name: str) -> SentenceTransformerEmbedder:
    # Shared by both encoders of a model: its tokenizer, and torch when ONNX is unavailable.
    return SentenceTransformerEmbedder(name)
