"""A build on a Ray cluster against a local build, the driver's own ceiling, a model of build
time at 10M and 100M chunks, and the query process's memory at 1M chunks, in one run.

    .venv/bin/python -m benchmarks.cluster [--documents 150 700] [--write-chunks 100000]
        [--memory-chunks 1000000]

Build. The same generated files (benchmarks/synthetic.py, about 7 chunks of 200 tokens a
document) are indexed from scratch by a local build and by Ray builds with 2 embedding actors
(and 1, at the largest size) on a Ray instance of this machine's cores, started once before
the clock (a cluster outlives its builds: `ray start --head`). Each Ray build pays what it
really pays per build: new worker processes loading the tokenizer and the encoder, tasks and
actors scheduled, files and vectors shipped. Two sizes tell that fixed cost from the part
that grows with the chunks.

Driver. What the driver does alone, whatever the cluster's size: the snapshot written (SQLite
with FTS5, FAISS, fsync, publish) from chunks and vectors already in hand, in chunks/s.

Model. Build time for N chunks on M machines of C cores each: the embedding rate per core
measured here, times M x C, until the driver's write rate caps it.

Memory. An index of `--memory-chunks` chunks (benchmarks/scaled.py: corpus/ sentences, vectors
made of their real MiniLM vectors; embedding a million chunks would take hours here), laid
out as a build lays it out (compressed, index/storage/vectors.py), and the same chunks in the IVF
layout below the threshold; each opened in its own process, the eval questions retrieved,
and the process's growth in RSS per chunk printed, with hybrid retrieve p50.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import index
from index.building import builder
from index.building.preparing import Prepared, Span, document_id
from index.embedding import load_embedder
from index.records import Document
from index.settings import DEFAULT_EMBEDDING_MODEL

from .synthetic import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000_000, 100_000_000)
CLUSTERS = ((1, 2), (4, 16), (16, 16), (64, 32), (256, 32))  # machines x cores


def _timed_build(files: Path, cluster: index.Cluster | None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        report = index.build([files], out, cluster=cluster)
        return time.perf_counter() - started, report.chunks_embedded


def builds(sizes: list[int]) -> dict[str, float]:
    """chunks/s of each kind of build at the largest size; the overhead at every size."""
    import ray

    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        warm = write_corpus(Path(tmp) / "warm", 2)
        _timed_build(warm, None)  # the driver's model loaded, as in a long-lived process
        started = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
        print(f"Ray instance started in {time.perf_counter() - started:.1f} s (once per cluster)")
        _timed_build(warm, index.Cluster())  # the ONNX export cached, as on a used cluster
        for documents in sorted(sizes):
            files = write_corpus(Path(tmp) / f"files-{documents}", documents)
            runs = [("local", None), ("ray, 2 actors", index.Cluster(embedders=2))]
            if documents == max(sizes):
                runs.append(("ray, 1 actor", index.Cluster(embedders=1)))
            seconds = {}
            for name, cluster in runs:
                seconds[name], chunks = _timed_build(files, cluster)
                rates[name] = chunks / seconds[name]
                print(
                    f"  {name:<14} {chunks:>6} chunks in {seconds[name]:6.1f} s: "
                    f"{rates[name]:6.1f} chunks/s"
                )
            extra = seconds["ray, 2 actors"] - seconds["local"]
            print(
                f"  Ray overhead on this machine at {chunks:,} chunks: "
                f"{extra / seconds['local']:+.1%} ({extra:+.1f} s)"
            )
        ray.shutdown()
    return rates


def driver_rate(chunks: int) -> float:
    """Chunks/s the driver publishes when every vector is already computed."""
    embedder = load_embedder(DEFAULT_EMBEDDING_MODEL)
    rng = np.random.default_rng(0)
    prepared = []
    words = "the model learns a representation of each document from its chunks".split()
    per_doc = 10
    for n in range(chunks // per_doc):
        spans: list[Span] = []
        parts: list[str] = []
        offset = 0
        for _ in range(per_doc):
            text = " ".join(rng.choice(words, 150))
            spans.append((text, offset, offset + len(text), None))
            parts.append(text)
            offset += len(text) + 2
        path, content_hash = f"/driver/doc_{n:07d}.txt", f"{n:064x}"
        doc_id = document_id(path, content_hash)
        text = "\n\n".join(parts)
        prepared.append(
            Prepared(Document(doc_id, path[8:], path, "", text, (), content_hash), spans)
        )
    vectors = rng.standard_normal((chunks, embedder.dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunking = builder.chunking_of(index.IndexSettings(), embedder)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        builder.write_snapshot(Path(out), None, None, prepared, vectors, [], embedder, chunking)
        seconds = time.perf_counter() - started
    print(f"Driver write rate: {chunks:,} chunks published in {seconds:.1f} s: "
          f"{chunks / seconds:,.0f} chunks/s")  # fmt: skip
    return chunks / seconds


def model(per_core: float, driver: float) -> None:
    print(f"\nModel: build time = N / min(machines x cores x {per_core:.1f} chunks/s, "
          f"driver {driver:,.0f} chunks/s)")  # fmt: skip
    print(f"{'machines x cores':>17}" + "".join(f"{n // 1_000_000:>10}M chunks" for n in SIZES))
    for machines, cores in CLUSTERS:
        rate = machines * cores * per_core
        capped = min(rate, driver)
        cells = "".join(f"{_duration(n / capped):>17}" for n in SIZES)
        bound = "  (driver-bound)" if rate > driver else ""
        print(f"{machines:>8} x {cores:<7}{cells}{bound}")
    print(f"The driver caps the build past {driver / per_core:,.0f} cores of embedding.")


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86_400:
        return f"{seconds / 86_400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


_PROBE = """
import json, resource, statistics, sys, time
from index.embedding import load_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from rag import Assistant, Settings
from rag.settings import GenerationSettings
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
load_embedder(DEFAULT_EMBEDDING_MODEL).encode(["warm up"])  # the model's memory is not the index's
questions = [json.loads(l)["question"] for l in open(sys.argv[2])]
before = rss()
assistant = Assistant.open(sys.argv[1], Settings(generation=GenerationSettings(mode="extractive")))
times = []
for _ in range(2):
    for q in questions:
        t = time.perf_counter(); assistant.retrieve(q); times.append(time.perf_counter() - t)
print(json.dumps({"grown": rss() - before, "p50": statistics.median(times) * 1000}))
"""


def memory(chunks: int) -> None:
    from eval.datasets import DEFAULT_QA

    from .scaled import Sentences, write_index

    embedder = load_embedder(DEFAULT_EMBEDDING_MODEL)
    sentences = Sentences.encoded(embedder)
    print(f"\nQuery process at {chunks:,} chunks (benchmarks/scaled.py chunks):")
    for name, threshold in (("compressed (IVF-PQ)", None), ("IVF, float32 vectors", chunks + 1)):
        with tempfile.TemporaryDirectory() as tmp:
            from index.storage import vectors as layout

            saved = layout.COMPRESSED_FROM
            layout.COMPRESSED_FROM = threshold or saved
            try:
                started = time.perf_counter()
                folder = write_index(Path(tmp) / "index", sentences, chunks, embedder)
                written = time.perf_counter() - started
            finally:
                layout.COMPRESSED_FROM = saved
            out = subprocess.run(
                [sys.executable, "-c", _PROBE, str(folder), str(DEFAULT_QA)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            probe = json.loads(out.stdout.strip().splitlines()[-1])
            with index.open(folder) as opened:
                vectors = opened.manifest.vectors
            print(
                f"  {name:<22} {probe['grown'] / chunks:7.0f} B/chunk of RSS, hybrid retrieve "
                f"p50 {probe['p50']:5.1f} ms  ({vectors}; written in {written:.0f} s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--documents", type=int, nargs="+", default=[150, 700], help="≈ 7 chunks each"
    )
    parser.add_argument("--write-chunks", type=int, default=100_000)
    parser.add_argument("--memory-chunks", type=int, default=1_000_000, help="0: skip")
    args = parser.parse_args()
    rates = builds(args.documents)
    driver = driver_rate(args.write_chunks)
    model(rates["ray, 2 actors"] / 2, driver)
    if args.memory_chunks:
        memory(args.memory_chunks)


if __name__ == "__main__":
    main()
