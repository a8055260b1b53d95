"""The one place a model is constructed: sentence-transformers models, cross-encoders,
onnxruntime sessions, tokenizers (transformers' and the bare Rust `tokenizers`), llama.cpp
models and the language identifier.

Each is loaded once per process for the same arguments, and handed to every stage that asks:
loading weights is the expensive part, and a second copy of a gigabyte GGUF would be felt.
Loading is thread-safe: two threads asking for one model wait for one load (a lock per model,
so two different models still load side by side). tests/test_architecture.py checks that no
other module calls these constructors.

Only `transformer` and `sequence_classifier`, read once to export them to ONNX, and
`trainable_cross_encoder`, made to be trained, are not kept.
The libraries are imported inside the functions: a process imports only what it loads.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_loaded: dict[Hashable, Any] = {}
_locks: dict[Hashable, threading.Lock] = {}
_guard = threading.Lock()


def once(key: Hashable, load: Callable[[], T]) -> T:
    """`load()`'s result, computed once per process for `key`, whoever asks first."""
    try:
        return _loaded[key]  # type: ignore[no-any-return]
    except KeyError:
        pass
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _loaded:
            _loaded[key] = load()
    return _loaded[key]  # type: ignore[no-any-return]


def sentence_transformer(path: Path, device: str | None = None) -> Any:
    """A sentence-transformers embedding model from its folder."""

    def load() -> Any:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        # transformers draws a "Loading weights" bar per load; the build has its own bar.
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        log.info("loading embedding model from %s", path)
        return SentenceTransformer(str(path), device=device)

    return once(("sentence-transformer", str(path), device), load)


def cross_encoder(path: Path) -> Any:
    """A sentence-transformers cross-encoder (a reranker, an NLI model) from its folder."""

    def load() -> Any:
        from sentence_transformers import CrossEncoder

        log.info("loading cross-encoder from %s", path)
        return CrossEncoder(str(path))

    return once(("cross-encoder", str(path)), load)


def tokenizer(path: Path) -> Any:
    """A model folder's Hugging Face tokenizer."""

    def load() -> Any:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(path))

    return once(("tokenizer", str(path)), load)


def fast_tokenizer(path: Path, max_length: int) -> Any:
    """A `tokenizers` tokenizer from its tokenizer.json: the Rust library alone, so a process
    that only runs an ONNX model never imports transformers or torch. Pairs are cut as
    transformers cuts them (`longest_first`); the caller pads."""

    def load() -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.enable_truncation(max_length, strategy="longest_first")
        tokenizer.no_padding()  # a tokenizer.json may pad to a fixed length (MiniLM's: 128)
        return tokenizer

    return once(("fast-tokenizer", str(path), max_length), load)


def transformer(path: Path) -> Any:
    """A model folder's bare transformer in torch, not kept: read once, to export it."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    return AutoModel.from_pretrained(str(path)).eval()


def sequence_classifier(path: Path) -> Any:
    """A model folder's sequence classifier in torch, not kept: read once, to export it."""
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_pretrained(str(path)).eval()


def trainable_cross_encoder(base: Path, max_length: int) -> Any:
    """A fresh one-logit cross-encoder on `base`'s weights, to be trained, not kept: on the GPU
    when there is one."""
    from sentence_transformers import CrossEncoder

    return CrossEncoder(str(base), num_labels=1, max_length=max_length)


def onnx_session(model: Path, threads: int = 1) -> Any:
    """An onnxruntime session on the CPU, with `threads` threads per run."""

    def load() -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    return once(("onnx", str(model), threads), load)


@dataclass(frozen=True)
class LoadedLlama:
    """A llama.cpp model and the lock its users share: one llama.cpp context is not safe to
    use from two threads, and every user of this one must take the same lock."""

    llm: Any
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)
    # What its users keep with the context between calls (saved prompt openings), under `lock`.
    kept: dict[str, Any] = field(default_factory=dict, compare=False)


def llama(
    path: Path,
    *,
    n_ctx: int,
    n_threads: int | None,
    seed: int | None = None,
    logits_all: bool = False,
    n_batch: int = 512,
) -> LoadedLlama:
    """A GGUF model run by llama.cpp. `seed` None: llama.cpp's default; `logits_all`: keep
    every position's logits (scoring a text's likelihood, not generating); `n_batch`: the
    prompt tokens read at a time (llama-cpp-python's default, 512)."""

    def load() -> LoadedLlama:
        from llama_cpp import Llama

        log.info("loading %s", path)
        options: dict[str, Any] = {
            "n_ctx": n_ctx,
            "n_threads": n_threads,
            "n_batch": n_batch,
            "verbose": False,
        }
        if seed is not None:
            options["seed"] = seed
        with _without_amx_weights():
            llm = Llama(model_path=str(path), logits_all=logits_all, **options)
        return LoadedLlama(llm)

    return once(("llama", str(path), n_ctx, n_threads, seed, logits_all, n_batch), load)


@atexit.register
def _close_llamas() -> None:
    """Free the llama.cpp models while the interpreter can: kept here to the end, they would
    be freed after llama_cpp's module is torn down, and each would print a TypeError."""
    for value in list(_loaded.values()):
        if isinstance(value, LoadedLlama):
            value.llm.close()


def language_identifier(languages: tuple[str, ...]) -> Any:
    """py3langid's model (langid.py's, a few MB), choosing among `languages` only."""

    def load() -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(sorted(languages))
        return identifier

    return once(("langid", languages), load)


_PATCH_LOCK = threading.Lock()


@contextlib.contextmanager
def _without_amx_weights() -> Iterator[None]:
    """Load without llama.cpp's extra weight buffers on CPUs with AMX.

    ggml's AMX matrix multiply segfaults on quantized weights on some Xeons, this machine's
    included (ggml-org/llama.cpp#20824, open; Gemma 3 Q4_K_M crashes on its first token).
    llama.cpp has no switch for AMX alone, only `use_extra_bufts`, which llama-cpp-python does
    not expose: its defaults are wrapped for the one call that loads the model.
    """
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode(errors="replace")
    if "AMX_INT8 = 1" not in info:
        yield
        return
    with _PATCH_LOCK:
        module = llama_cpp.llama_cpp
        defaults = module.llama_model_default_params

        def without_extra_buffers() -> Any:
            params = defaults()
            params.use_extra_bufts = False
            return params

        module.llama_model_default_params = without_extra_buffers
        try:
            yield
        finally:
            module.llama_model_default_params = defaults
