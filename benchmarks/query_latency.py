"""Query latency: p50/p95 of retrieval and of extractive answers, over corpus/ and over a
synthetic 100k-chunk index, in one run.

    .venv/bin/python -m benchmarks.query_latency [--chunks 100000] [--rounds 2]

The synthetic index is benchmarks/scaled.py's (chunks of corpus/ sentences, vectors the means of
those sentences' real MiniLM vectors, laid out as a build would) because embedding 100k chunks
here would take an hour. Its costs are real: FAISS over 100k vectors, FTS5 over 100k rows of
the corpus's own vocabulary (so every question word is common: a hard case for BM25), sentence
scoring of the passages found. Abstention is off so every question is answered.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import index
from index.embedding import load_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from rag import Assistant, Settings
from rag.settings import AbstentionSettings, GenerationSettings

from .scaled import Sentences, write_index

ROOT = Path(__file__).resolve().parent.parent


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
        embedder = load_embedder(DEFAULT_EMBEDDING_MODEL)
        sentences = Sentences.encoded(embedder)
        write_index(Path(tmp) / "synthetic", sentences, args.chunks, embedder)
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
