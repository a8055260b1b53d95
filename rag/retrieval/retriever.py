"""Hybrid retrieval: dense (FAISS) and BM25 (SQLite FTS5) fused by reciprocal rank fusion,
overlapping passages of one document merged, optionally reranked by a cross-encoder."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Protocol

from index import Chunk, Document, Index

from ..errors import RagError
from ..records import Hit
from ..settings import RetrievalSettings
from ..text import stops_mid_sentence

CACHE_SIZE = 256
# BM25 (SQLite) and the dense side (onnxruntime, FAISS) both release the GIL, so they run side
# by side and a question costs the slower of the two rather than their sum (at 100k chunks
# 3-4 ms of each). Shared by all retrievers; its threads start on first use.
_LEXICAL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="bm25")


class Reranker(Protocol):
    def warm_up(self) -> None: ...

    def scores(self, question: str, passages: Sequence[str]) -> list[float]: ...


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int) -> dict[int, float]:
    """sum over rankings of 1 / (k + rank), rank from 1: robust to the retrievers' scales."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def _overlap(a: Chunk, b: Chunk, document: Document) -> bool:
    """Do the passages overlap, or meet in the middle of a sentence (the splitter cut at a
    paragraph break inside one: "...the reason we do the generalist" / "training is just so
    that...")? Either way they are one passage."""
    if a.document_id != b.document_id or a.page != b.page:
        return False
    if a.start <= b.end and b.start <= a.end:
        return True
    first, second = (a, b) if a.end < b.start else (b, a)
    return (
        not document.text[first.end : second.start].strip()
        and stops_mid_sentence(first.text)
        and second.text[:1].islower()
    )


def _merged(kept: Hit, hit: Hit, document: Document) -> Hit:
    start, end = min(kept.chunk.start, hit.chunk.start), max(kept.chunk.end, hit.chunk.end)
    chunk = replace(kept.chunk, start=start, end=end, text=document.text[start:end])
    return replace(
        kept,
        chunk=chunk,
        score=max(kept.score, hit.score),
        dense=_max(kept.dense, hit.dense),
        lexical=_max(kept.lexical, hit.lexical),
    )


def _absorb(chosen: list[Hit], at: int, document: Document) -> list[Hit]:
    """A passage grown by a merge may now touch other chosen ones: merge those into it."""
    target, rest = chosen[at], [c for i, c in enumerate(chosen) if i != at]
    grown = True
    while grown:
        grown = False
        for other in rest:
            if _overlap(target.chunk, other.chunk, document):
                target = _merged(target, other, document)
                rest.remove(other)
                grown = True
                break
    kept = {id(c) for c in rest}
    return [target if i == at else c for i, c in enumerate(chosen) if i == at or id(c) in kept]


class Retriever:
    def __init__(
        self, idx: Index, settings: RetrievalSettings, reranker: Reranker | None = None
    ) -> None:
        self._index = idx
        self._settings = settings
        self._reranker = reranker if settings.rerank else None
        # Per retriever, so a cache dies with the snapshot it holds: documents are immutable
        # in a snapshot, and a question asked again costs no encode.
        self.document = functools.lru_cache(maxsize=CACHE_SIZE)(self._document)
        self.query_vector = functools.lru_cache(maxsize=CACHE_SIZE)(self._index.embed_query)

    def warm_up(self) -> None:
        if self._reranker is not None:
            self._reranker.warm_up()

    def _document(self, document_id: str) -> Document:
        doc = self._index.document(document_id)
        assert doc is not None, document_id
        return doc

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The best `k` passages (default: settings' k). Each retriever returns a fixed number
        of candidates, so the order does not depend on `k`: asking for more passages adds to
        the end (and may extend earlier passages with overlapping neighbours found further
        down, which are merged into them)."""
        s = self._settings
        k = k or s.k
        if not 1 <= k <= s.candidates:
            raise RagError(f"k must be between 1 and {s.candidates} (retrieval.candidates).")
        lexical_search = _LEXICAL.submit(self._index.search_lexical, question, s.candidates)
        dense = dict(self._index.search_dense(self.query_vector(question), s.candidates))
        lexical = dict(lexical_search.result())
        fused = reciprocal_rank_fusion([list(dense), list(lexical)], s.rrf_k)
        chunks = self._index.chunks_by_id(fused)
        ranked = sorted(fused, key=lambda cid: -fused[cid])
        hits = self._select(
            # Lazily: a hit reads its document, and only the first few are ever looked at.
            (self._hit(chunks[c], fused[c], dense.get(c), lexical.get(c)) for c in ranked),
            max(k, s.rerank_pool) if self._reranker is not None else k,
        )
        if self._reranker is not None and hits:
            scores = self._reranker.scores(question, [h.chunk.text for h in hits])
            hits = sorted(
                (replace(h, rerank=score) for h, score in zip(hits, scores, strict=True)),
                key=lambda h: -(h.rerank or 0.0),
            )
        return hits[:k]

    def _hit(self, chunk: Chunk, score: float, dense: float | None, lexical: float | None) -> Hit:
        return Hit(chunk, self.document(chunk.document_id).source, score, dense, lexical)

    def _select(self, ranked: Iterable[Hit], k: int) -> list[Hit]:
        """The best `k` distinct passages. A hit overlapping one already chosen (same document
        and page) is merged into it instead of taking a slot; an exact duplicate of another
        document's text (a file indexed twice) is dropped. Text comes from the document, so
        merged offsets stay exact."""
        chosen: list[Hit] = []
        seen_text: set[str] = set()
        for hit in ranked:
            if len(chosen) == k:
                break
            document = self.document(hit.chunk.document_id)
            at = next(
                (i for i, c in enumerate(chosen) if _overlap(c.chunk, hit.chunk, document)), None
            )
            if at is not None:
                chosen[at] = _merged(chosen[at], hit, document)
                chosen = _absorb(chosen, at, document)
                continue
            key = " ".join(hit.chunk.text.split()).lower()
            if key not in seen_text:
                seen_text.add(key)
                chosen.append(hit)
        return chosen
