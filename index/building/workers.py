"""Who does a build's slow work: this process (`LocalWorkers`) or a Ray cluster
(index/building/cluster.py `RayWorkers`). The builder hands both the same changed files and the same
groups of texts, and gets back the same results in the same order."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import numpy as np

from ..chunking import Chunker
from ..embedding import Embedder
from ..records import FailedFile
from ..settings import IndexSettings
from .preparing import Change, Prepared, make_chunker, prepare


class Workers(Protocol):
    def prepare(
        self, changes: Iterator[Change], first: Callable[[], None]
    ) -> Iterator[Prepared | FailedFile]:
        """Each change loaded and chunked, in the order given (it decides the chunk ids).
        `first` runs before the first change is worked on (the model's checks)."""
        ...

    def encode(self, groups: Sequence[list[str]]) -> Iterator[np.ndarray]:
        """Each group's vectors, one row per text, in the order given."""
        ...

    def close(self) -> None:
        """Release what the workers hold (a cluster's actors and connection)."""
        ...


class LocalWorkers:
    """Files chunked one after another in this process; each group of texts encoded by the
    embedder over this machine's cores."""

    def __init__(self, embedder: Embedder, settings: IndexSettings) -> None:
        self.embedder = embedder
        self.settings = settings

    def prepare(
        self, changes: Iterator[Change], first: Callable[[], None]
    ) -> Iterator[Prepared | FailedFile]:
        chunker: Chunker | None = None  # needs the model's tokenizer: made on first change
        for change in changes:
            if chunker is None:
                first()
                s = self.settings
                chunker = make_chunker(self.embedder, s.chunk_tokens, s.chunk_overlap)
            yield prepare(change, chunker)

    def encode(self, groups: Sequence[list[str]]) -> Iterator[np.ndarray]:
        return map(self.embedder.encode, groups)

    def close(self) -> None:
        pass
