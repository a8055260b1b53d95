"""Chunk vectors in FAISS, addressed by chunk id: exact inner product (cosine on unit vectors)
for a small index, an inverted file (IVF) past `APPROXIMATE_FROM` vectors, and past
`COMPRESSED_FROM` an IVF of product-quantised codes re-ranked exactly from disk.

Exact search reads every vector: 25 ms at 100k chunks on two cores, 250 ms at 1M. An IVF index
clusters the vectors (k-means, `nlist` about 4 sqrt(n)) and searches only the `nprobe` clusters
nearest the question. IVF rather than HNSW because it removes vectors in place, which an
incremental build needs when a document changes; HNSW cannot. The layout is recorded in the
manifest; `benchmarks/ann_recall.py` measures its recall@10 against exact search on real
MiniLM vectors.

Compressed (IVF-PQ): an IVF index holds a float32 vector per chunk, 1.5 KB for MiniLM, 15 GB
in memory at 10M chunks. Past `COMPRESSED_FROM` each vector becomes `PQ_BYTES` one-byte codes
(product quantisation: the vector cut into that many pieces, each replaced by the nearest of
256 centroids learnt for its piece, trained on a sample), so memory holds codes, ids and the
clusters' centroids: under 100 bytes a chunk. Codes alone rank only roughly, so the search
takes a short list (`SHORTLIST` per result wanted) and re-ranks it by the exact inner product
with the full vectors, which stay on disk (index/storage/exact_vectors.py) and are read by id. PQ
rather than FAISS's scalar quantiser (384 bytes a chunk at 8 bits, no room under 400 with ids
and centroids) or HNSW (no removal, and more memory than flat); the exact re-ranking makes the
top results exact scores of exact vectors, so a passage's score means what it does in the
smaller layouts.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .exact_vectors import ExactVectors

APPROXIMATE_FROM = 50_000  # vectors; below, exact search costs a few ms
COMPRESSED_FROM = 250_000  # vectors; below, an IVF's float32 vectors take under 400 MB
PQ_BYTES = 64  # codes a vector: MiniLM's 384 dimensions in pieces of 6
SHORTLIST = 10  # candidates read per result wanted, re-ranked exactly (at least 100)
# Vectors the compressed layout's clusters and codes are learnt from: at least 40 a cluster
# (FAISS's k-means asks for 39), and no fewer than this.
TRAIN_SAMPLE = 200_000
EXACT = "vectors.exact"  # beside the FAISS file: full vectors of a compressed layout
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


def pq_bytes(dimension: int) -> int:
    """Codes a vector: `PQ_BYTES`, or fewer where the pieces must divide the dimension."""
    return math.gcd(dimension, PQ_BYTES)


def compressed_layout(n: int, dimension: int) -> dict[str, Any]:
    return {
        **ivf_layout(n),
        "index": "ivfpq",
        "bytes": pq_bytes(dimension),
        "shortlist": SHORTLIST,
    }


def _ivf_of(index: Any) -> Any | None:
    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:  # not an IVF index
        return None


class VectorStore:
    def __init__(
        self, index: faiss.Index, *, keep: Any = None, exact: ExactVectors | None = None
    ) -> None:
        self._index: Any = index  # faiss' SWIG wrappers take numpy arrays its stubs don't admit
        self._keep = keep  # a part the index uses but does not own (an IVF's quantizer)
        self._ivf = _ivf_of(index)
        self._exact = exact  # a compressed layout's full vectors, for re-ranking
        if self._ivf is not None:
            self._ivf.parallel_mode = 1  # one question's clusters split over the threads

    @classmethod
    def empty(cls, dimension: int) -> VectorStore:
        # IDMap2 over a flat index: exact search, and ids survive removals (for incremental builds).
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def load(cls, path: Path) -> VectorStore:
        index = faiss.read_index(str(path))
        exact = None
        if isinstance(index, faiss.IndexIVFPQ):
            exact = ExactVectors.load(path.with_name(EXACT), int(index.d))
        return cls(index, exact=exact)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))
        if self._exact is not None:
            self._exact.save(path.with_name(EXACT))

    def close(self) -> None:
        """Close the full vectors' file of a compressed layout (searches end with it)."""
        if self._exact is not None:
            self._exact.close()

    @property
    def compressed(self) -> bool:
        return self._exact is not None

    @property
    def faiss_index(self) -> Any:
        """The FAISS index itself, for tuning its search (nprobe) from outside."""
        return self._index

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def layout(self) -> dict[str, Any]:
        """How the vectors are searched, for the manifest."""
        ivf = self._ivf
        if ivf is None:
            return {"index": "flat"}
        layout = {"index": "ivf", "nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe)}
        if self.compressed:
            layout.update(index="ivfpq", bytes=int(ivf.code_size), shortlist=SHORTLIST)
        return layout

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
            if self._exact is not None:
                self._exact.add(ids, vectors)

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))
            if self._exact is not None:
                self._exact.remove(ids)

    def _everything(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of a flat or IVF-flat layout, read back from the index."""
        if self._ivf is None:
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            return ids, self._index.index.reconstruct_n(0, len(self))
        lists = self._ivf.invlists
        d = self.dimension
        id_parts, vector_parts = [], []
        for number in range(self._ivf.nlist):
            size = lists.list_size(number)
            if size:
                ids = faiss.rev_swig_ptr(lists.get_ids(number), size)
                codes = faiss.rev_swig_ptr(lists.get_codes(number), size * d * 4)
                id_parts.append(np.array(ids, dtype=np.int64))
                vector_parts.append(np.frombuffer(codes, dtype=np.float32).reshape(size, d).copy())
        if not id_parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, d), dtype=np.float32)
        return np.concatenate(id_parts), np.concatenate(vector_parts)

    def fitted(self) -> VectorStore:
        """This store laid out for its size: an exact one past `APPROXIMATE_FROM` vectors
        becomes an IVF index, trained on its vectors, and an exact or IVF one past
        `COMPRESSED_FROM` a compressed one, trained on a sample. A layout otherwise stays (it
        keeps its clusters as vectors come and go)."""
        if self.compressed or len(self) < APPROXIMATE_FROM:
            return self
        if len(self) >= COMPRESSED_FROM:
            return self._compressed(*self._everything())
        if self._ivf is not None:
            return self
        ids, vectors = self._everything()
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

    def _compressed(self, ids: np.ndarray, vectors: np.ndarray) -> VectorStore:
        layout = compressed_layout(len(ids), self.dimension)
        _threads_for(ivf=True)  # k-means on every core this thread may use
        rng = np.random.default_rng(0)  # the same vectors, the same layout
        sample = vectors
        wanted = max(TRAIN_SAMPLE, 40 * layout["nlist"])
        if len(vectors) > wanted:
            sample = vectors[np.sort(rng.choice(len(vectors), wanted, replace=False))]
        quantizer = faiss.IndexFlatIP(self.dimension)
        ivfpq = faiss.IndexIVFPQ(
            quantizer,
            self.dimension,
            layout["nlist"],
            layout["bytes"],
            8,
            faiss.METRIC_INNER_PRODUCT,
        )
        ivfpq.cp.seed = ivfpq.pq.cp.seed = 1234  # faiss' own default, said out loud
        ivfpq.train(np.ascontiguousarray(sample))
        ivfpq.add_with_ids(vectors, ids)
        ivfpq.nprobe = layout["nprobe"]
        return VectorStore(ivfpq, keep=quantizer, exact=ExactVectors.of(ids, vectors))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity) best first."""
        if len(self) == 0 or k <= 0:
            return []
        _threads_for(self._ivf is not None)
        query = vector.reshape(1, -1).astype(np.float32)
        if self._exact is not None:
            return self._reranked(query, k)
        scores, ids = self._index.search(query, min(k, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _reranked(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The codes' short list, ordered by exact inner product with the full vectors."""
        assert self._exact is not None
        _, found = self._index.search(query, min(len(self), max(100, k * SHORTLIST)))
        ids = found[0][found[0] >= 0]
        scores = self._exact.read(ids) @ query[0]
        best = np.argsort(-scores, kind="stable")[:k]
        return [(int(ids[i]), float(scores[i])) for i in best]
