"""Approximate (IVF, and compressed IVF-PQ re-ranked exactly) against exact vector search on
real MiniLM vectors: recall@10 and speed.

    .venv/bin/python -m benchmarks.ann_recall [--texts 20000] [--scale 100000 1000000]

Real text, real vectors: paragraphs of the docstrings of the packages installed here (English
technical prose, thousands of topics) and the sentences of corpus/, encoded with the project's
MiniLM; the questions are the eval set's and a held-out tenth of the paragraphs. Random vectors
would make any approximate index look useless: real ones cluster. The IVF layout is the one a
build chooses for that many vectors (index/storage/vectors.py), so recall is measured where the
index would be; the compressed layout (vectors.py: past COMPRESSED_FROM vectors) is measured
on the same real vectors by laying them out as it would. For speed at 100k and 1M chunks, which
cannot be embedded here in reasonable time, the real vectors are repeated with small noise (a
documented shortcut: it keeps their clusters), and search p50 and recall are printed for the
layout a build chooses at that size.
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from eval.datasets import DEFAULT_QA
from index.embedding import load_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from index.storage import vectors as vector_module
from index.storage.vectors import COMPRESSED_FROM, VectorStore
from rag.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def paragraphs(limit: int) -> list[str]:
    """Docstring paragraphs of installed packages, at least 12 words, each once."""
    seen: dict[str, None] = {}
    site = Path(np.__file__).resolve().parent.parent
    for path in sorted(site.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module):
                doc = ast.get_docstring(node) or ""
                for para in doc.split("\n\n"):
                    text = " ".join(para.split())
                    if len(text.split()) >= 12 and not text.startswith((">>>", "..", "-")):
                        seen.setdefault(text[:600], None)
        if len(seen) >= limit:
            break
    return list(seen)[:limit]


def top(store: VectorStore, queries: np.ndarray, k: int) -> list[list[int]]:
    return [[i for i, _ in store.search(q, k)] for q in queries]


def recall(truth: list[list[int]], found: list[list[int]]) -> float:
    return statistics.mean(len(set(a) & set(b)) / 10 for a, b in zip(truth, found, strict=True))


def timed(store: VectorStore, queries: np.ndarray) -> float:
    times = []
    for q in queries:
        started = time.perf_counter()
        store.search(q, 30)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--scale", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()
    texts = paragraphs(args.texts)
    texts += [
        s for p in sorted((ROOT / "corpus").iterdir()) for s in split_sentences(p.read_text())
    ]
    held_out = texts[::10]
    indexed = [t for i, t in enumerate(texts) if i % 10]
    questions = [json.loads(line)["question"] for line in DEFAULT_QA.open()]
    embedder = load_embedder(DEFAULT_EMBEDDING_MODEL)
    started = time.perf_counter()
    vectors = embedder.encode(indexed)
    queries = embedder.encode(questions + held_out[:500])
    print(
        f"{len(indexed):,} real texts and {len(queries)} questions encoded in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    exact = VectorStore.empty(vectors.shape[1])
    exact.add(list(range(len(indexed))), vectors)
    truth = top(exact, queries, 10)
    print(
        f"real MiniLM vectors: {len(indexed):,}; search p50 exact: {timed(exact, queries):.2f} ms"
    )
    # This many vectors, laid out as a build would at scale: IVF, then compressed.
    vector_module.APPROXIMATE_FROM = 0
    for name, threshold in (("IVF", len(indexed) + 1), ("compressed IVF-PQ", 0)):
        vector_module.COMPRESSED_FROM = threshold
        approximate = exact.fitted()
        print(f"  {name}, layout {approximate.layout}")
        clusters = faiss.extract_index_ivf(approximate.faiss_index)
        chosen = clusters.nprobe
        for share in (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2):
            clusters.nprobe = max(1, round(clusters.nlist * share))
            print(
                f"    nprobe {clusters.nprobe:>4} ({share:.3f} of the clusters): recall@10 "
                f"{recall(truth, top(approximate, queries, 10)):.4f}, "
                f"search p50 {timed(approximate, queries):.2f} ms"
            )
        clusters.nprobe = chosen
    vector_module.COMPRESSED_FROM = COMPRESSED_FROM
    rng = np.random.default_rng(0)
    for n in args.scale:
        rows = rng.integers(0, len(vectors), n)
        noisy = vectors[rows] + rng.normal(0, 0.02, (n, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        big = VectorStore.empty(vectors.shape[1])
        big.add(list(range(n)), noisy)
        exact_ms = timed(big, queries[:100])
        started = time.perf_counter()
        approximate = big.fitted()
        trained = time.perf_counter() - started
        truth, found = top(big, queries[:100], 10), top(approximate, queries[:100], 10)
        print(
            f"{n:,} vectors (real ones repeated with noise), layout {approximate.layout}: search "
            f"p50 exact {exact_ms:.2f} ms, approximate {timed(approximate, queries[:100]):.2f} "
            f"ms; recall@10 {recall(truth, found):.4f}; laid out in {trained:.0f} s"
        )


if __name__ == "__main__":
    main()
