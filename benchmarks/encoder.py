"""The MiniLM encoder in torch and in onnxruntime (fp32, the shipped int8, and two other int8
quantisations), side by side in one run: agreement with torch, retrieval on the eval set, and
speed.

    .venv/bin/python -m benchmarks.encoder [--rounds 3] [--chunks 512]

For each encoder: cosine with torch's vectors on corpus/'s chunks (min and mean), recall@5 and
MRR of the eval questions over an index of corpus/ built with it, p50/p95 of one question's
embedding, and chunks per second encoding `--chunks` chunks of corpus/ text (about 200 tokens
each). The shipped int8 model is index/embedding/onnx_encoder.py's; the two others are made here
with onnxruntime.quantization from the fp32 export: its defaults, and every MatMul per channel (the
shipped one minus its fp32 feed-forward outputs of layers 0 and 1). int8 encodes one text at
a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import index
from eval import metrics
from eval.datasets import DEFAULT_QA, load_qa
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.embedding.onnx_encoder import OnnxEmbedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from modelhome import loading
from modelhome.environment import cache_home
from rag import Assistant

ROOT = Path(__file__).resolve().parent.parent


class QuantizedEmbedder(OnnxEmbedder):
    """The int8 ONNX encoder over another model file (another quantisation of the export)."""

    def __init__(self, fallback: Any, model: Path) -> None:
        super().__init__(fallback)
        # As the product runs its own: one thread a run, runs side by side (onnx_encoder.py).
        self._session = loading.onnx_session(model, threads=1)

    @property  # type: ignore[override]
    def session(self) -> Any:
        return self._session


def quantize(fp32: Path, out: Path, *, matmul_per_channel: bool) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    extra: dict[str, Any] = (
        {
            "per_channel": True,
            "op_types_to_quantize": ["MatMul"],
            "extra_options": {"MatMulConstBOnly": True},
        }
        if matmul_per_channel
        else {}
    )
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, **extra)
    return out


def retrieval(embedder: Embedder, folder: Path) -> tuple[float, float]:
    index.build([ROOT / "corpus"], folder, embedder=embedder)
    assistant = Assistant(index.open(folder, embedder=embedder))
    ranks = []
    for row in load_qa(DEFAULT_QA):
        if row.answerable:
            hits = assistant.retrieve(row.question, 10)
            ranks.append(
                metrics.first_relevant_rank(
                    [
                        any(h.source == g.source and g.quote in h.chunk.text for g in row.gold)
                        for h in hits
                    ]
                )
            )
    return metrics.recall_at_k(ranks, 5), metrics.mean_reciprocal_rank(ranks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--chunks", type=int, default=512)
    args = parser.parse_args()
    torch = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)
    onnx = OnnxEmbedder(torch, quantized=False)
    onnx.encode(["export now"])  # the fp32 export, made once into ~/.cache/rag/onnx
    fp32 = cache_home() / "onnx" / f"{torch.weights_hash[:16]}.onnx"
    questions = [json.loads(line)["question"] for line in DEFAULT_QA.open()]
    with tempfile.TemporaryDirectory() as tmp:
        encoders: dict[str, Embedder] = {
            "torch fp32": torch,
            "onnx fp32": onnx,
            "onnx int8 (shipped)": OnnxEmbedder(torch, quantized=True),
            "onnx int8 defaults": QuantizedEmbedder(
                torch, quantize(fp32, Path(tmp) / "int8.onnx", matmul_per_channel=False)
            ),
            "onnx int8 all MatMul": QuantizedEmbedder(
                torch, quantize(fp32, Path(tmp) / "pc.onnx", matmul_per_channel=True)
            ),
        }
        chunks = [c.text for c in index.open(_corpus_index(tmp, torch), embedder=torch).chunks()]
        reference = torch.encode(chunks)
        bulk = (chunks * (args.chunks // len(chunks) + 1))[: args.chunks]
        print(f"{len(chunks)} corpus chunks; {len(questions)} questions x {args.rounds} rounds")
        header = ("encoder", "cos min", "mean", "recall@5", "MRR", "query p50", "p95", "chunks/s")
        print("{:<22} {:>8} {:>7} {:>9} {:>6} {:>10} {:>8} {:>9}".format(*header))
        for name, encoder in encoders.items():
            cosine = (encoder.encode(chunks) * reference).sum(axis=1)
            recall, mrr = retrieval(encoder, Path(tmp) / "".join(c for c in name if c.isalnum()))
            for q in questions[:5]:
                encoder.encode([q])
            times = []
            for _ in range(args.rounds):
                for q in questions:
                    started = time.perf_counter()
                    encoder.encode([q])
                    times.append((time.perf_counter() - started) * 1000)
            cuts = statistics.quantiles(times, n=100)
            started = time.perf_counter()
            encoder.encode(bulk)
            rate = len(bulk) / (time.perf_counter() - started)
            print(
                f"{name:<22} {cosine.min():>8.4f} {cosine.mean():>7.4f} {recall:>9.3f} {mrr:>6.3f} "
                f"{cuts[49]:>7.1f} ms {cuts[94]:>5.1f} ms {rate:>9.1f}"
            )


def _corpus_index(tmp: str, embedder: Embedder) -> Path:
    folder = Path(tmp) / "reference"
    index.build([ROOT / "corpus"], folder, embedder=embedder)
    return folder


if __name__ == "__main__":
    main()
