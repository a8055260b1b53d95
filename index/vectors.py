"""Chunk vectors in FAISS: exact inner product (cosine on unit vectors), addressed by chunk id."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np


class VectorStore:
    def __init__(self, index: faiss.Index) -> None:
        self._index: Any = index  # faiss' SWIG wrappers take numpy arrays its stubs don't admit

    @classmethod
    def empty(cls, dimension: int) -> VectorStore:
        # IDMap2 over a flat index: exact search, and ids survive removals (for incremental builds).
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def load(cls, path: Path) -> VectorStore:
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity) best first."""
        if len(self) == 0 or k <= 0:
            return []
        scores, ids = self._index.search(
            vector.reshape(1, -1).astype(np.float32), min(k, len(self))
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
