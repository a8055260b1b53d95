"""Index build throughput against the encoder's own speed, on the same chunks, in one run.

    .venv/bin/python -m benchmarks.index_throughput [--documents 290] [--repeats 2]

Prints end-to-end build chunks/s (load, normalize, chunk, embed, write, publish), raw
`model.encode` chunks/s on exactly the chunk texts the build produced, their ratio (target
>= 0.9: pipeline overhead <= 10 %), the cold model load, and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import index
from index.embedding import SentenceTransformerEmbedder
from index.settings import DEFAULT_EMBEDDING_MODEL

from .synthetic import write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=290, help="≈ 7 chunks each")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", args.documents)
        started = time.perf_counter()
        embedder = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)
        embedder.encode(["warm up the model and its thread pool"] * 8)
        load_seconds = time.perf_counter() - started

        builds, raws, texts = [], [], []
        for n in range(args.repeats):
            out = Path(tmp) / f"idx{n}"
            report = index.build([corpus], out, embedder=embedder)
            builds.append(report.chunks_embedded / report.seconds)
            with index.open(out) as idx:
                texts = [c.text for c in idx.chunks()]
            started = time.perf_counter()
            embedder.model.encode(texts, batch_size=64, normalize_embeddings=True)
            raws.append(len(texts) / (time.perf_counter() - started))

    build_cps, raw_cps = statistics.median(builds), statistics.median(raws)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {args.documents} documents, {len(texts)} chunks; repeats: {args.repeats}")
    print(f"model load (cold, once):          {load_seconds:8.2f} s")
    print(
        f"end-to-end build:                 {build_cps:8.1f} chunks/s  (runs: "
        + ", ".join(f"{b:.1f}" for b in builds)
        + ")"
    )
    print(
        f"raw model.encode, same chunks:    {raw_cps:8.1f} chunks/s  (runs: "
        + ", ".join(f"{r:.1f}" for r in raws)
        + ")"
    )
    print(f"ratio build / raw:                {build_cps / raw_cps:8.3f}  (target >= 0.9)")
    print(f"peak RSS:                         {peak_mib:8.0f} MiB")


if __name__ == "__main__":
    main()
