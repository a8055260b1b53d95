"""A sentence-transformers model run by onnxruntime: fp32 with torch's vectors, or int8 in
about half the time.

The model (transformer, mean pooling, normalisation: what all-MiniLM-L6-v2's modules.json
says) is exported once per weights hash with torch.onnx into ~/.cache/rag/onnx and then run by
onnxruntime, with the model's own tokenizer. In fp32 its vectors are torch's (cosine 1.0000 on
corpus/). The int8 model is the fp32 one with its MatMul weights quantised per channel
(onnxruntime's dynamic quantisation), except the feed-forward outputs of layers 0 and 1, whose
activations carry the outliers. How close int8 comes depends on the CPU's integer kernels:
where this was first measured, keeping layer 0 alone gave cosine with torch 0.9918 at worst
on corpus/'s chunks; on an AVX2-only machine (no VNNI) the same model gave 0.9892 over the
chunks and the eval questions, under the 0.99 bar, with onnxruntime 1.30, 1.31 and 1.32
alike. Keeping layer 1 too gives 0.9907 at worst and 0.9947 on average there. onnxruntime's
defaults gave 0.897. Its vectors are not torch's, so an index records which encoder built it
(manifest.encoder) and its questions are encoded the same way.

sentence-transformers' own ONNX backend was not used: it needs optimum, which pins an older
huggingface-hub than gradio accepts.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from modelhome import loading
from modelhome.environment import cache_home

from .torch_encoder import count_tokens

log = logging.getLogger(__name__)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# The MatMuls that int8 leaves in fp32: layers 0 and 1's feed-forward outputs (see the
# module's doc). The model file's name says so, so a cached file of another layout is not used.
_KEPT_FP32 = re.compile(r"layer\.[01]/output/dense/MatMul$")
_INT8_SUFFIX = ".int8-ffn01.onnx"
_threads: int | None = None  # None: one per core


def use_threads(threads: int | None) -> None:
    """Threads one encode may use (see embedding.one_thread_per_encode)."""
    global _threads
    _threads = threads


def exportable(model_dir: Path) -> bool:
    """A BERT transformer with mean pooling and normalisation, and onnxruntime here."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError):
        return False
    types = [m.get("type", "") for m in modules]
    try:
        model_type = json.loads((model_dir / "config.json").read_text()).get("model_type")
    except (OSError, ValueError):
        return False
    return (
        model_type == "bert"  # what export() feeds: input ids, attention mask, token types
        and len(types) == 3
        and types[0].endswith("models.Transformer")
        and types[1].endswith("models.Pooling")
        and types[2].endswith("models.Normalize")
        and bool(pooling.get("pooling_mode_mean_tokens"))
        and not any(
            v for k, v in pooling.items() if k.startswith("pooling_mode_") and "mean" not in k
        )
    )


def export(model_dir: Path, out: Path) -> Path:
    """Export the transformer with mean pooling and normalisation to `out` (atomically)."""
    import torch

    model = loading.transformer(model_dir)
    tokenizer = loading.tokenizer(model_dir)

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    sample = tokenizer(
        ["a sentence", "another, longer sentence"], padding=True, return_tensors="pt"
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        # The tracer warns that Python-side shape checks become constants: they hold for every
        # input of an encoder with an attention mask (tests compare texts of all lengths).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(),
                tuple(sample[name] for name in _INPUTS),
                tmp,
                input_names=list(_INPUTS),
                output_names=["embedding"],
                dynamic_axes={**axes, "embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, out)  # two processes exporting at once both end with a whole file
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def quantize(fp32: Path, out: Path) -> Path:
    """Write the int8 model of an exported fp32 one to `out` (atomically)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    kept = [n.name for n in onnx.load(str(fp32)).graph.node if _KEPT_FP32.search(n.name)]
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".onnx.tmp")
    os.close(fd)
    quiet = _Quiet()  # its advice to pre-process first is for static quantisation of CNNs
    logging.getLogger().addFilter(quiet)
    try:
        quantize_dynamic(
            fp32,
            tmp,
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=kept,
        )
        os.replace(tmp, out)
    finally:
        logging.getLogger().removeFilter(quiet)
        Path(tmp).unlink(missing_ok=True)
    return out


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing" not in record.getMessage()


class OnnxEmbedder:
    """The Embedder protocol over an exported model, in int8 or fp32 (`quantized`). `fallback`
    (the same model in torch) supplies the name and weights hash, and encodes instead when the
    export or onnxruntime fails here (logged once); the encoder is then fp32."""

    def __init__(self, fallback: Any, *, quantized: bool = True, batch_size: int = 64) -> None:
        self._fallback = fallback
        self.name: str = fallback.name
        self.quantized = quantized
        self.batch_size = batch_size

    @property
    def encoder(self) -> str:
        return "int8" if self.quantized and self.session is not None else "fp32"

    @property
    def path(self) -> Path:
        return Path(self._fallback.path)

    @property
    def weights_hash(self) -> str:
        return str(self._fallback.weights_hash)

    @functools.cached_property
    def _config(self) -> dict[str, Any]:
        return dict(json.loads((self.path / "config.json").read_text()))

    @property
    def dimension(self) -> int:
        return int(self._config["hidden_size"])

    @functools.cached_property
    def max_tokens(self) -> int:
        try:
            config = json.loads((self.path / "sentence_bert_config.json").read_text())
            return int(config["max_seq_length"])
        except (OSError, ValueError, KeyError):
            return int(self._config.get("max_position_embeddings", 512))

    @functools.cached_property
    def tokenizer(self) -> Any:
        return loading.tokenizer(self.path)

    @functools.cached_property
    def session(self) -> Any | None:
        fp32 = cache_home() / "onnx" / f"{self.weights_hash[:16]}.onnx"
        model = fp32.with_suffix(_INT8_SUFFIX) if self.quantized else fp32
        try:
            if not fp32.is_file():
                log.info("exporting %s to ONNX at %s (once)", self.name, fp32)
                export(self.path, fp32)
            if not model.is_file():
                quantize(fp32, model)
            # One core per run; an encode of many texts runs several at once instead (encode()).
            # Split over two cores, one short text ran slower (2.6 vs 2.2 ms) and lost more
            # when BM25 or another request held the other core.
            return loading.onnx_session(model, threads=1)
        except Exception as exc:  # an export or runtime failure costs speed, not answers
            log.warning("ONNX encoder unavailable (%s); encoding with torch", exc)
            return None

    def count_tokens(self, text: str) -> int:
        return count_tokens(self.tokenizer, text)

    def _feed(self, texts: list[str]) -> dict[str, np.ndarray]:
        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="np"
        )
        return {name: encoded[name].astype(np.int64) for name in _INPUTS}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session = self.session
        if session is None:
            return np.asarray(self._fallback.encode(texts), dtype=np.float32)
        # Similar lengths batched together pad less (sentence-transformers does the same).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        # int8 encodes one text at a time: dynamic quantisation scales activations by the
        # whole batch's range (padding included), so a text batched with others would get
        # another vector than alone.
        size = 1 if self.quantized else self.batch_size
        batches = [order[at : at + size] for at in range(0, len(order), size)]
        # Tokenized here, in order (a fast tokenizer is not to be called from two threads at
        # once); the runs, which release the GIL, go to one thread per core: 67 int8 chunks/s
        # against 43 for one run at a time on two cores.
        feeds = [self._feed([texts[i] for i in batch]) for batch in batches]
        workers = min(len(feeds), _threads or os.cpu_count() or 1)
        if workers == 1:
            results = [session.run(None, feed)[0] for feed in feeds]
        else:
            with ThreadPoolExecutor(workers) as pool:
                results = list(pool.map(lambda feed: session.run(None, feed)[0], feeds))
        for batch, vectors in zip(batches, results, strict=True):
            out[batch] = vectors
        return out
