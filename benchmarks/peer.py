"""This project side by side with LangChain in one run: index build speed, query latency at the
built size, 100k and 1M chunks, memory and bytes on disk.

    .venv/bin/pip install -e '.[bench]'     # langchain-community, for the peer
    .venv/bin/python -m benchmarks.peer [--documents 300] [--scales 100000 1000000]

Build. The same files (benchmarks/synthetic.py, about 7 chunks of 200 tokens a document) are
indexed by this project's `index.build` (load, chunk, embed, write SQLite + FAISS, publish).
LangChain gets the chunk texts this project made, so chunking costs it nothing, and runs
`FAISS.from_documents` with `HuggingFaceEmbeddings` over the same MiniLM weights, then
`save_local`. "raw encode" is sentence-transformers' `encode` of the same texts (torch fp32),
the bound both would share if they encoded alike. Models are loaded before the clock starts.

Query. This project's hybrid `Assistant.retrieve` (query embedding, FAISS, BM25 in SQLite
FTS5, fusion; 5 passages) against LangChain's `similarity_search` (query embedding, exact
FAISS; 5 documents), p50/p95 over the eval set's questions. At the built size each searches
its own build. At 100k and 1M chunks each loads an index of benchmarks/scaled.py's chunks
(corpus/ sentences; vectors the means of those sentences' real MiniLM vectors: a documented
shortcut, since embedding a million chunks would take hours here), with the same texts and
vectors for both.

Memory and disk. Every phase runs in its own process. "peak RSS" is that process's
high-water mark; "RSS/chunk" is how much it grew from just before the index was opened to the
end of the questions, per chunk (this project keeps chunk text on disk, LangChain in memory);
"disk/chunk" is the index folder's bytes per chunk, next to the chunk text's own bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
K = 5  # passages a question gets, both sides


# -- measuring -------------------------------------------------------------------------------


def _status(field: str) -> int:
    """A /proc/self/status figure in bytes (VmRSS: now, VmHWM: the high-water mark)."""
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"{field}:\s+(\d+) kB", text)
    return int(match.group(1)) * 1024 if match else 0


def _reset_peak() -> int:
    """Restart the high-water mark from the current RSS (Linux), and return that RSS."""
    with contextlib.suppress(OSError):  # else the peak includes what came before
        Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _latencies(run: Callable[[str], object], questions: list[str]) -> tuple[float, float]:
    run("a question to warm caches and thread pools")
    times = []
    for question in questions:
        started = time.perf_counter()
        run(question)
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[94]


def _questions() -> list[str]:
    from eval.datasets import load_qa

    return [row.question for row in load_qa()]


# -- this project ----------------------------------------------------------------------------


def _embedder() -> Any:
    from index.embedding import load_embedder
    from index.settings import DEFAULT_EMBEDDING_MODEL

    embedder = load_embedder(DEFAULT_EMBEDDING_MODEL)
    embedder.encode(["load the model and start its threads"])
    return embedder


def build_ours(work: Path) -> dict[str, Any]:
    import index

    embedder = _embedder()
    out = work / "ours-build"
    started = time.perf_counter()
    report = index.build([work / "corpus"], out, embedder=embedder)
    seconds = time.perf_counter() - started
    with index.open(out) as idx:
        texts = [c.text for c in idx.chunks()]
    (work / "chunks.json").write_text(json.dumps(texts))
    return {
        "chunks": report.chunks_embedded,
        "per_second": report.chunks_embedded / seconds,
        "peak_rss": _status("VmHWM"),
        "disk": _folder_bytes(out),
        "text": sum(len(t.encode()) for t in texts),
    }


def make_ours(work: Path, scale: int) -> dict[str, Any]:
    from .scaled import Sentences, write_index

    embedder = _embedder()
    started = time.perf_counter()
    write_index(work / f"ours-{scale}", Sentences.load(work / "sentences.npy"), scale, embedder)
    return {"seconds": time.perf_counter() - started}


def query_ours(work: Path, scale: int) -> dict[str, Any]:
    from rag import Assistant, Settings
    from rag.settings import GenerationSettings

    folder = work / (f"ours-{scale}" if scale else "ours-build")
    _embedder()
    before = _reset_peak()
    assistant = Assistant.open(folder, Settings(generation=GenerationSettings(mode="extractive")))
    p50, p95 = _latencies(lambda q: assistant.retrieve(q, K), _questions())
    return _query_figures(len(assistant.index), p50, p95, before, folder)


def _query_figures(
    chunks: int, p50: float, p95: float, before: int, folder: Path
) -> dict[str, Any]:
    return {
        "chunks": chunks,
        "p50": p50,
        "p95": p95,
        "rss_per_chunk": (_status("VmHWM") - before) / chunks,
        "peak_rss": _status("VmHWM"),
        "disk": _folder_bytes(folder),
    }


# -- LangChain -------------------------------------------------------------------------------


def _langchain_embeddings() -> Any:
    from langchain_community.embeddings import HuggingFaceEmbeddings

    from index.settings import DEFAULT_EMBEDDING_MODEL
    from modelhome.files import resolve_model

    embeddings = HuggingFaceEmbeddings(
        model_name=str(resolve_model(DEFAULT_EMBEDDING_MODEL)),
        encode_kwargs={"normalize_embeddings": True},
    )
    embeddings.embed_query("load the model and start its threads")
    return embeddings


def build_langchain(work: Path) -> dict[str, Any]:
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document

    embeddings = _langchain_embeddings()
    texts = json.loads((work / "chunks.json").read_text())
    out = work / "langchain-build"
    started = time.perf_counter()
    store = FAISS.from_documents([Document(page_content=t) for t in texts], embeddings)
    store.save_local(str(out))
    seconds = time.perf_counter() - started
    return {
        "chunks": len(texts),
        "per_second": len(texts) / seconds,
        "peak_rss": _status("VmHWM"),
        "disk": _folder_bytes(out),
        "text": sum(len(t.encode()) for t in texts),
    }


def make_langchain(work: Path, scale: int) -> dict[str, Any]:
    from langchain_community.vectorstores import FAISS

    from .scaled import Sentences

    embeddings = _langchain_embeddings()
    started = time.perf_counter()
    pairs = [
        pair
        for texts, vectors in Sentences.load(work / "sentences.npy").chunks(scale)
        for pair in zip(texts, vectors, strict=True)
    ]
    FAISS.from_embeddings(pairs, embeddings).save_local(str(work / f"langchain-{scale}"))
    return {
        "seconds": time.perf_counter() - started,
        "text": sum(len(text.encode()) for text, _ in pairs),
    }


def query_langchain(work: Path, scale: int) -> dict[str, Any]:
    from langchain_community.vectorstores import FAISS

    folder = work / (f"langchain-{scale}" if scale else "langchain-build")
    embeddings = _langchain_embeddings()
    before = _reset_peak()
    store = FAISS.load_local(str(folder), embeddings, allow_dangerous_deserialization=True)
    p50, p95 = _latencies(lambda q: store.similarity_search(q, k=K), _questions())
    return _query_figures(store.index.ntotal, p50, p95, before, folder)


def raw_encode(work: Path) -> dict[str, Any]:
    from index.settings import DEFAULT_EMBEDDING_MODEL
    from modelhome import loading
    from modelhome.files import resolve_model

    model = loading.sentence_transformer(resolve_model(DEFAULT_EMBEDDING_MODEL))
    model.encode(["load the model and start its threads"])
    texts = json.loads((work / "chunks.json").read_text())
    started = time.perf_counter()
    model.encode(texts, normalize_embeddings=True)
    return {"per_second": len(texts) / (time.perf_counter() - started)}


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "build-ours": build_ours,
    "build-langchain": build_langchain,
    "raw-encode": raw_encode,
    "make-ours": make_ours,
    "make-langchain": make_langchain,
    "query-ours": query_ours,
    "query-langchain": query_langchain,
}


# -- the run ---------------------------------------------------------------------------------


def _phase(name: str, work: Path, scale: int | None = None) -> dict[str, Any]:
    """Run one phase in a fresh process (its own peak RSS) and return what it measured."""
    command = [sys.executable, "-m", "benchmarks.peer", "--phase", name, "--work", str(work)]
    if scale is not None:
        command += ["--scale", str(scale)]
    print(f"  {name}" + (f" {scale:,}" if scale else ""), file=sys.stderr, flush=True)
    done = subprocess.run(
        command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=300, help="about 7 chunks each")
    parser.add_argument("--scales", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = PHASES[args.phase]
        takes_scale = args.phase.startswith(("make", "query"))
        result = run(args.work, args.scale) if takes_scale else run(args.work)
        print(json.dumps(result))
        return

    from index.embedding import load_embedder
    from index.settings import DEFAULT_EMBEDDING_MODEL

    from .scaled import Sentences
    from .synthetic import write_corpus

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_corpus(work / "corpus", args.documents)
        Sentences.encoded(load_embedder(DEFAULT_EMBEDDING_MODEL)).save(work / "sentences.npy")
        ours, peer = _phase("build-ours", work), _phase("build-langchain", work)
        raw = _phase("raw-encode", work)
        queries = [(ours["text"], _phase("query-ours", work), _phase("query-langchain", work))]
        for scale in args.scales:
            _phase("make-ours", work, scale)
            text = _phase("make-langchain", work, scale)["text"]
            queries.append(
                (text, _phase("query-ours", work, scale), _phase("query-langchain", work, scale))
            )
    _report(args.documents, ours, peer, raw, queries, time.perf_counter() - started)


def _report(
    documents: int,
    ours: dict[str, Any],
    peer: dict[str, Any],
    raw: dict[str, Any],
    queries: list[tuple[int, dict[str, Any], dict[str, Any]]],
    seconds: float,
) -> None:
    print(f"Build: {documents} documents, {ours['chunks']:,} chunks (run took {seconds:.0f} s)")
    print(f"{'':<12} {'chunks/s':>9} {'/ raw':>6} {'peak RSS':>10} {'disk/chunk':>11}")
    for name, build in (("this", ours), ("LangChain", peer)):
        rate = build["per_second"]
        print(
            f"{name:<12} {rate:>9.1f} {rate / raw['per_second']:>6.2f} "
            f"{_mib(build['peak_rss']):>10} {build['disk'] / build['chunks']:>9,.0f} B"
        )
    print(f"{'raw encode':<12} {raw['per_second']:>9.1f}")
    print(f"ratio this / LangChain: {ours['per_second'] / peer['per_second']:.2f}")
    print(f"chunk text: {ours['text'] / ours['chunks']:,.0f} B a chunk")
    print()
    print("Query (5 passages; this: hybrid retrieve, LangChain: similarity_search)")
    header = ("chunks", "", "p50", "p95", "RSS/chunk", "peak RSS", "disk/chunk", "text/chunk")
    print("{:>10} {:<10} {:>9} {:>9} {:>10} {:>10} {:>11} {:>11}".format(*header))
    for text_bytes, mine, theirs in queries:
        for name, q in (("this", mine), ("LangChain", theirs)):
            print(
                f"{q['chunks']:>10,} {name:<10} {q['p50']:>6.1f} ms {q['p95']:>6.1f} ms "
                f"{q['rss_per_chunk']:>8,.0f} B {_mib(q['peak_rss']):>10} "
                f"{q['disk'] / q['chunks']:>9,.0f} B {text_bytes / q['chunks']:>9,.0f} B"
            )
        print(f"{'':>10} p50 ratio LangChain / this: {theirs['p50'] / mine['p50']:.1f}")


if __name__ == "__main__":
    main()
