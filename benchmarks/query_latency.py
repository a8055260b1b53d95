"""Query latency: p50/p95 of retrieval and of extractive answers, over corpus/ and over a
synthetic 100k-chunk index, in one run.

    .venv/bin/python -m benchmarks.query_latency [--chunks 100000] [--rounds 2]

The synthetic index is written straight through the index's own stores (chunks of six
sentences drawn from corpus/, random unit vectors, laid out as a build would: IVF past
index.vectors.APPROXIMATE_FROM) because embedding 100k chunks here would take half an hour; its
search results are meaningless (benchmarks/ann_recall.py measures IVF's recall on real
vectors), its costs are real: FAISS over 100k vectors, FTS5 over 100k rows of the corpus's own
vocabulary (so every question word is common: a hard case for BM25), sentence scoring of the
passages found. Abstention is off so every question is answered.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import index
from index.builder import _document_id
from index.embedding import load_embedder
from index.manifest import Manifest, now
from index.records import Document
from index.settings import DEFAULT_EMBEDDING_MODEL
from index.snapshot import MANIFEST, STORE, VECTORS, new_snapshot, publish
from index.sqlite_store import ChunkStore
from index.vectors import VectorStore
from rag import Assistant, Settings
from rag.sentences import split_sentences
from rag.settings import AbstentionSettings, GenerationSettings

ROOT = Path(__file__).resolve().parent.parent


def synthetic_index(folder: Path, chunks: int, per_document: int = 10) -> Path:
    rng = random.Random(0)
    pool = [
        s
        for path in sorted((ROOT / "corpus").iterdir())
        for s in split_sentences(path.read_text(encoding="utf-8"))
        if len(s.split()) >= 4
    ]
    vectors = np.random.default_rng(0).standard_normal((chunks, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    snapshot = new_snapshot(folder)
    store, store_vectors = ChunkStore(snapshot / STORE), VectorStore.empty(384)
    hashes, row = {}, 0
    for n in range(chunks // per_document):
        texts = [" ".join(rng.choices(pool, k=6)) for _ in range(per_document)]
        text = "\n\n".join(texts)
        spans, at = [], 0
        for t in texts:
            spans.append((t, at, at + len(t), None))
            at += len(t) + 2
        path = f"/synthetic/doc_{n:06d}.txt"
        doc = Document(_document_id(path, str(n)), Path(path).name, path, "", text, (), str(n))
        ids = store.add_document(doc, spans)
        store_vectors.add(ids, vectors[row : row + len(ids)])
        row += len(ids)
        hashes[path] = str(n)
    store.commit()
    store.close()
    store_vectors = store_vectors.fitted()  # IVF past its threshold, as a build lays it out
    store_vectors.save(snapshot / VECTORS)
    embedder = load_embedder(DEFAULT_EMBEDDING_MODEL)
    Manifest(
        embedder.name,
        embedder.weights_hash,
        384,
        True,
        {"synthetic": True},
        hashes,
        row,
        now(),
        now(),
        vectors=store_vectors.layout,
    ).write(snapshot / MANIFEST)
    publish(folder, snapshot)
    return folder


def percentiles(
    run: Callable[[str], object], questions: list[str], rounds: int
) -> tuple[float, float]:
    for q in questions[:3]:
        run(q)  # warm caches and thread pools
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in (ROOT / "eval/datasets/qa.jsonl").open()]
    settings = Settings(
        generation=GenerationSettings(mode="extractive"),
        abstention=AbstentionSettings(min_evidence=float("-inf")),
    )
    candidates = settings.retrieval.candidates
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        index.build([ROOT / "corpus"], Path(tmp) / "corpus")
        started = time.perf_counter()
        synthetic_index(Path(tmp) / "synthetic", args.chunks)
        made = time.perf_counter() - started
        for name, folder in (("corpus/", "corpus"), (f"synthetic {args.chunks:,}", "synthetic")):
            assistant = Assistant.open(Path(tmp) / folder, settings)
            size = len(assistant.index)
            idx = assistant.index
            lexical = percentiles(
                lambda q, i=idx: i.search_lexical(q, candidates), questions, args.rounds
            )
            retrieve = percentiles(lambda q, a=assistant: a.retrieve(q), questions, args.rounds)
            answer = percentiles(lambda q, a=assistant: a.ask(q), questions, args.rounds)
            rows.append((name, size, lexical, retrieve, answer))
    print(
        f"{len(questions)} questions x {args.rounds} rounds; synthetic index made in {made:.0f} s"
    )
    header = ("index", "chunks", "BM25 p50", "p95", "retrieve p50", "p95", "extractive p50", "p95")
    print("{:<20} {:>8} {:>9} {:>8} {:>13} {:>8} {:>15} {:>8}".format(*header))
    for name, size, (b50, b95), (r50, r95), (a50, a95) in rows:
        print(
            f"{name:<20} {size:>8,} {b50:>6.1f} ms {b95:>5.1f} ms {r50:>10.1f} ms {r95:>5.1f} ms "
            f"{a50:>12.1f} ms {a95:>5.1f} ms"
        )


if __name__ == "__main__":
    main()
