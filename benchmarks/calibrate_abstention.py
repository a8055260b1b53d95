"""Calibrate the abstention threshold on the eval set's answerable vs unanswerable questions.

    .venv/bin/python -m benchmarks.calibrate_abstention [--dataset eval/datasets/qa.jsonl]

Builds a throwaway index of corpus/, prints each question's evidence score (rag/question/gate.py),
the highest unanswerable and lowest answerable scores, and the midpoint threshold. Near-miss
questions are left out: they are on topic, and declined for what they ask (rag/question/asks.py).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import index
from rag import Assistant
from rag.question import EvidenceGate

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--dataset", type=Path, default=ROOT / "eval/datasets/qa.jsonl")
    args = parser.parse_args()
    # Near misses are on the documents' topic by design: the evidence gate is not what
    # declines them (rag/question/asks.py is), so they are left out of its calibration.
    rows = [json.loads(line) for line in args.dataset.open()]
    rows = [r for r in rows if r.get("kind") != "near_miss"]
    with tempfile.TemporaryDirectory() as tmp:
        index.build([ROOT / "corpus"], tmp)
        assistant = Assistant.open(tmp)
        gate = EvidenceGate(assistant.settings.abstention)
        scored = sorted(
            (
                gate.evidence(r["question"], assistant.retrieve(r["question"])),
                r["answerable"],
                r["id"],
            )
            for r in rows
        )
    for score, answerable, qid in scored:
        print(f"{score:6.3f}  {'answerable' if answerable else 'UNANSWERABLE':<12} {qid}")
    top_no = max(s for s, a, _ in scored if not a)
    low_yes = min(s for s, a, _ in scored if a)
    print(
        f"\nhighest unanswerable {top_no:.3f}, lowest answerable {low_yes:.3f}, "
        f"gap {low_yes - top_no:.3f}; midpoint threshold {(top_no + low_yes) / 2:.3f}"
    )


if __name__ == "__main__":
    main()
