"""Every chunk's full float32 vector on disk, read back by chunk id: what re-ranks the short
list of a compressed (IVF-PQ) index exactly, and what a later re-layout is trained from.

    vectors.exact        the rows, float32, `dimension` each, in the order they were added
    vectors.exact.ids    the chunk id of each row (an .npy of int64)

Only the ids stay in memory (with their sort order: 16 bytes a chunk); the rows are read with
`os.pread`, a few hundred per question, through the operating system's page cache. Memory
mapping the file would have done the same work but counted every page it touched as the
process's own; pread leaves the cache to the OS to share and evict. pread has no file
position, so any number of threads read at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

BLOCK = 65_536  # rows copied at a time when a snapshot is written: memory stays bounded


def _ids_path(path: Path) -> Path:
    return path.with_name(path.name + ".ids")


class ExactVectors:
    """The full vectors of a snapshot, plus the changes a build makes before saving."""

    def __init__(
        self, dimension: int, ids: np.ndarray, *, path: Path | None, rows: np.ndarray | None
    ) -> None:
        """The rows come from the file at `path`, or from `rows` in memory (a new layout's,
        before it is saved)."""
        self.dimension = dimension
        self._ids = ids  # chunk id of each row
        self._order = np.argsort(ids, kind="stable")
        self._sorted = ids[self._order]
        self._fd = os.open(path, os.O_RDONLY) if path is not None else None
        self._rows = rows
        self._removed: set[int] = set()
        self._added: list[tuple[np.ndarray, np.ndarray]] = []

    @classmethod
    def of(cls, ids: np.ndarray, vectors: np.ndarray) -> ExactVectors:
        return cls(vectors.shape[1], ids, path=None, rows=vectors.astype(np.float32))

    @classmethod
    def load(cls, path: Path, dimension: int) -> ExactVectors:
        ids = np.load(_ids_path(path))
        expected = len(ids) * dimension * 4
        if path.stat().st_size != expected:
            raise ValueError(f"{path} holds {path.stat().st_size} bytes, not {expected}")
        return cls(dimension, ids, path=path, rows=None)

    def __len__(self) -> int:
        return len(self._ids) - len(self._removed) + sum(len(i) for i, _ in self._added)

    def _open_fd(self) -> int:
        if self._fd is None:
            raise ValueError("the full vectors' file is closed (its index was closed)")
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()

    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self._added.append((np.asarray(ids, dtype=np.int64), vectors.astype(np.float32)))

    def remove(self, ids: Sequence[int]) -> None:
        self._removed.update(int(i) for i in ids)

    def read(self, ids: np.ndarray) -> np.ndarray:
        """The saved vectors of `ids` (chunk ids this file holds), one row each."""
        out = np.empty((len(ids), self.dimension), dtype=np.float32)
        if not len(ids):
            return out
        at = np.searchsorted(self._sorted, ids)
        at = np.minimum(at, len(self._sorted) - 1)
        if not np.array_equal(self._sorted[at], ids):
            raise KeyError("a chunk id that the exact vectors do not hold")
        rows = self._order[at]
        if self._rows is not None:
            return self._rows[rows]
        fd = self._open_fd()
        size = self.dimension * 4
        for i in np.argsort(rows):  # in file order: neighbouring rows share a page
            data = os.pread(fd, size, int(rows[i]) * size)
            out[i] = np.frombuffer(data, dtype=np.float32)
        return out

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, vectors) of every vector, saved ones first, removed ones left out."""
        removed = np.fromiter(self._removed, dtype=np.int64, count=len(self._removed))
        d = self.dimension
        for start in range(0, len(self._ids), BLOCK):
            ids = self._ids[start : start + BLOCK]
            if self._rows is not None:
                vectors = self._rows[start : start + BLOCK]
            else:
                data = os.pread(self._open_fd(), len(ids) * d * 4, start * d * 4)
                vectors = np.frombuffer(data, dtype=np.float32).reshape(len(ids), d)
            keep = ~np.isin(ids, removed)
            yield ids[keep], vectors[keep]
        for ids, vectors in self._added:
            keep = ~np.isin(ids, removed)
            yield ids[keep], vectors[keep]

    def save(self, path: Path) -> None:
        """Write every vector to `path`, a new snapshot's file (this object keeps reading its
        own: a build saves once, at the end)."""
        written = []
        with path.open("wb") as out:
            for ids, vectors in self.blocks():
                out.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
                written.append(ids)
        with _ids_path(path).open("wb") as f:
            np.save(f, np.concatenate(written) if written else np.zeros(0, dtype=np.int64))
