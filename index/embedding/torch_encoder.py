"""The embedding model in torch (sentence-transformers): fp32, loaded on first use. Also the
tokenizer that the ONNX encoders (onnx_encoder.py) share with it."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from modelhome import loading
from modelhome.files import canonical_name, resolve_model, sha256_of

log = logging.getLogger(__name__)

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def count_tokens(tokenizer: Any, text: str) -> int:
    """Tokens in `text` by a Hugging Face tokenizer, special tokens excluded."""
    # verbose=False: the splitter measures whole documents too, which are longer than the
    # model's limit by design; the "sequence too long" warning would be noise here.
    encoded = tokenizer(
        text,
        add_special_tokens=False,
        verbose=False,
        return_attention_mask=False,
        return_token_type_ids=False,
    )
    return len(encoded["input_ids"])


@functools.cache
def _hash_weights(model_dir: Path) -> str:
    for file_name in _WEIGHT_FILES:
        weights = model_dir / file_name
        if weights.is_file():
            return sha256_of(weights)
    return "unknown"


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use."""

    encoder = "fp32"

    def __init__(self, name: str, *, device: str | None = None, batch_size: int = 64) -> None:
        self.name = canonical_name(name)
        self.batch_size = batch_size
        self._device = device

    @functools.cached_property
    def path(self) -> Path:
        return resolve_model(self.name)

    @functools.cached_property
    def model(self) -> Any:
        log.info("embedding model %s is at %s", self.name, self.path)
        return loading.sentence_transformer(self.path, device=self._device)

    @property
    def dimension(self) -> int:
        model = self.model
        get_dim = getattr(model, "get_embedding_dimension", None)  # renamed in ST 6
        dim = get_dim() if get_dim else model.get_sentence_embedding_dimension()
        assert dim is not None
        return int(dim)

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    @property
    def weights_hash(self) -> str:
        return _hash_weights(self.path)

    def count_tokens(self, text: str) -> int:
        return count_tokens(self.model.tokenizer, text)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
