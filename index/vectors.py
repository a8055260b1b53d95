"""Chunk vectors in FAISS, addressed by chunk id: exact inner product (cosine on unit vectors)
for a small index, an inverted file (IVF) past `APPROXIMATE_FROM` vectors.

Exact search reads every vector: 25 ms at 100k chunks on two cores, 250 ms at 1M. An IVF index
clusters the vectors (k-means, `nlist` about 4 sqrt(n)) and searches only the `nprobe` clusters
nearest the question. IVF rather than HNSW because it removes vectors in place, which an
incremental build needs when a document changes; HNSW cannot. The layout is recorded in the
manifest; `benchmarks/ann_recall.py` measures its recall@10 against exact search on real
MiniLM vectors.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

APPROXIMATE_FROM = 50_000  # vectors; below, exact search costs a few ms
# Of the clusters searched per question (at least 16). benchmarks/ann_recall.py on 18k real
# MiniLM vectors: recall@10 against exact 0.896 at 1/32, 0.971 at 1/8, 0.991 at 1/4.
NPROBE_SHARE = 1 / 4

_searching = threading.local()
_CORES = faiss.omp_get_max_threads()  # read at import: a thread's own setting would hide it
_ivf_threads: int | None = None  # None: all of _CORES


def use_threads(threads: int | None) -> None:
    """Threads an IVF search may use (see index.embedding.one_thread_per_encode)."""
    global _ivf_threads
    _ivf_threads = threads


def _threads_for(ivf: bool) -> None:
    """An exact search runs on the calling thread alone: FAISS's OpenMP team gains nothing on
    one question over a small index and, spinning after each search, slowed the next query
    embedding and was slowed by it (26 vectors: 3.3 ms next to onnxruntime, 0.05 ms alone).
    An IVF search splits its clusters over the cores (parallel_mode 1): at 1M chunks 9.5 ms
    instead of 17.4. OpenMP's thread count is per calling thread, so it is set per search."""
    wanted = (_ivf_threads or _CORES) if ivf else 1
    if getattr(_searching, "threads", None) != wanted:
        faiss.omp_set_num_threads(wanted)
        _searching.threads = wanted


def ivf_layout(n: int) -> dict[str, Any]:
    nlist = max(1, round(4 * math.sqrt(n)))
    return {
        "index": "ivf",
        "nlist": nlist,
        "nprobe": min(nlist, max(16, round(nlist * NPROBE_SHARE))),
    }


def _ivf_of(index: Any) -> Any | None:
    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:  # not an IVF index
        return None


class VectorStore:
    def __init__(self, index: faiss.Index, *, keep: Any = None) -> None:
        self._index: Any = index  # faiss' SWIG wrappers take numpy arrays its stubs don't admit
        self._keep = keep  # a part the index uses but does not own (an IVF's quantizer)
        self._ivf = _ivf_of(index)
        if self._ivf is not None:
            self._ivf.parallel_mode = 1  # one question's clusters split over the threads

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

    @property
    def layout(self) -> dict[str, Any]:
        """How the vectors are searched, for the manifest."""
        ivf = self._ivf
        if ivf is None:
            return {"index": "flat"}
        return {"index": "ivf", "nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe)}

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def fitted(self) -> VectorStore:
        """This store laid out for its size: an exact one past `APPROXIMATE_FROM` vectors
        becomes an IVF index, trained on its vectors. An IVF index stays one (it keeps its
        clusters as vectors come and go)."""
        if self._ivf is not None or len(self) < APPROXIMATE_FROM:
            return self
        ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        vectors = self._index.index.reconstruct_n(0, len(self))
        layout = ivf_layout(len(self))
        _threads_for(ivf=True)  # k-means on every core this thread may use
        quantizer = faiss.IndexFlatIP(self.dimension)
        ivf = faiss.IndexIVFFlat(
            quantizer, self.dimension, layout["nlist"], faiss.METRIC_INNER_PRODUCT
        )
        ivf.train(vectors)
        ivf.add_with_ids(vectors, ids)
        ivf.nprobe = layout["nprobe"]
        return VectorStore(ivf, keep=quantizer)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity) best first."""
        if len(self) == 0 or k <= 0:
            return []
        _threads_for(self._ivf is not None)
        scores, ids = self._index.search(
            vector.reshape(1, -1).astype(np.float32), min(k, len(self))
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
