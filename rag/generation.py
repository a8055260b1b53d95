"""Local generation with llama.cpp (llama-cpp-python) from a GGUF file."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Generator(Protocol):
    name: str

    @property
    def n_ctx(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def stream_chat(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        """Text deltas of the assistant's reply."""
        ...


class LlamaGenerator:
    """A GGUF model run by llama.cpp. The chat template is the one in the GGUF's metadata.

    One llama.cpp context is not safe to share between threads: calls are serialised.
    """

    def __init__(
        self, path: Path, *, n_ctx: int = 4096, n_threads: int | None = None, seed: int = 0
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._seed = seed
        self._lock = threading.Lock()

    @functools.cached_property
    def llm(self) -> Any:
        from llama_cpp import Llama

        log.info("loading %s", self.path)
        return Llama(
            model_path=str(self.path),
            n_ctx=self._n_ctx,
            n_threads=self._n_threads,
            seed=self._seed,
            verbose=False,
        )

    def load(self) -> None:
        """Load the weights now rather than on the first question."""
        self.llm  # noqa: B018 - the cached property loads them

    @property
    def n_ctx(self) -> int:
        return int(self.llm.n_ctx())

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True))

    def stream_chat(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        with self._lock:
            stream = self.llm.create_chat_completion(
                messages=list(messages),
                stream=True,
                max_tokens=max_tokens,
                temperature=temperature,
                seed=self._seed,
            )
            for part in stream:
                delta = part["choices"][0]["delta"].get("content")
                if delta:
                    yield delta
