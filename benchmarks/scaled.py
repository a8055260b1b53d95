"""Chunks of any number, made of corpus/ sentences, with vectors made of real MiniLM ones.

Embedding 100k or 1M chunks here would take hours (about 35 chunks/s), so the benchmarks at
scale take a documented shortcut. Each chunk is `per_chunk` sentences of corpus/ drawn at
random (the corpus's own vocabulary: every word is common, the hard case for BM25), and its
vector is the normalised mean of those sentences' real MiniLM vectors, which are encoded once.
So vectors cluster by topic the way real ones do (random vectors would make any approximate
index look useless) and lie near what encoding the chunk would give; search results are
plausible, costs are real. Everything is seeded: every process that builds the same scale
gets the same texts and vectors, for this project and for a peer alike.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.building.preparing import document_id as _document_id
from index.embedding import Embedder
from index.records import Document
from index.storage.manifest import Manifest, now
from index.storage.snapshot import MANIFEST, STORE, VECTORS, new_snapshot, publish
from index.storage.sqlite_store import ChunkStore
from index.storage.vectors import VectorStore
from rag.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
BATCH = 10_000  # chunks made at a time: a million chunks' texts never sit in memory at once


def corpus_sentences() -> list[str]:
    """corpus/'s sentences of four words or more, in a fixed order."""
    return [
        s
        for path in sorted((ROOT / "corpus").iterdir())
        for s in split_sentences(path.read_text(encoding="utf-8"))
        if len(s.split()) >= 4
    ]


@dataclass(frozen=True)
class Sentences:
    texts: list[str]
    vectors: np.ndarray  # (len(texts), dimension), unit rows

    @classmethod
    def encoded(cls, embedder: Embedder) -> Sentences:
        texts = corpus_sentences()
        return cls(texts, np.asarray(embedder.encode(texts), dtype=np.float32))

    def save(self, path: Path) -> None:
        np.save(path, self.vectors)

    @classmethod
    def load(cls, path: Path) -> Sentences:
        return cls(corpus_sentences(), np.load(path))

    def chunks(
        self, count: int, per_chunk: int = 4, seed: int = 0
    ) -> Iterator[tuple[list[str], np.ndarray]]:
        """`count` chunks in batches of `BATCH`: (texts, unit vectors)."""
        rng = np.random.default_rng(seed)
        for start in range(0, count, BATCH):
            n = min(BATCH, count - start)
            picks = rng.integers(0, len(self.texts), size=(n, per_chunk))
            texts = [" ".join(self.texts[i] for i in row) for row in picks]
            vectors = self.vectors[picks].sum(axis=1)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            yield texts, vectors.astype(np.float32)


def write_index(
    folder: Path, sentences: Sentences, count: int, embedder: Embedder, per_document: int = 10
) -> Path:
    """An index of `count` chunks written through the index's own stores and laid out as a
    build would (IVF past vectors.APPROXIMATE_FROM); `per_document` chunks a document."""
    snapshot = new_snapshot(folder)
    store = ChunkStore(snapshot / STORE)
    vectors = VectorStore.empty(sentences.vectors.shape[1])
    hashes: dict[str, str] = {}
    rng = random.Random(0)
    for batch, (texts, batch_vectors) in enumerate(sentences.chunks(count)):
        for at in range(0, len(texts), per_document):
            part = texts[at : at + per_document]
            spans, offset = [], 0
            for text in part:
                spans.append((text, offset, offset + len(text), None))
                offset += len(text) + 2
            n = batch * BATCH + at
            path = f"/synthetic/doc_{n:07d}.txt"
            content_hash = f"{rng.getrandbits(64):016x}"
            doc = Document(
                _document_id(path, content_hash), Path(path).name, path, "", "\n\n".join(part),
                (), content_hash,
            )  # fmt: skip
            ids = store.add_document(doc, spans)
            vectors.add(ids, batch_vectors[at : at + len(ids)])
            hashes[path] = content_hash
    store.commit()
    store.close()
    vectors = vectors.fitted()
    vectors.save(snapshot / VECTORS)
    Manifest(
        embedder.name,
        embedder.weights_hash,
        vectors.dimension,
        True,
        {"synthetic": True},
        hashes,
        count,
        now(),
        now(),
        vectors=vectors.layout,
        encoder=embedder.encoder,
    ).write(snapshot / MANIFEST)
    publish(folder, snapshot)
    return folder
