"""Judged rows per second: the default (learned) judge and the overlap baseline, in one run.

    .venv/bin/python -m benchmarks.judge_throughput [FILE ...]

Default files: eval/datasets/judge.jsonl and, when present, the HaluEval-QA and RAGTruth-QA dev
splits in ../shared/data. Each judge scores every row of a file three times (fresh judge each
time, so no cache carries over); the best of the three is printed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from eval.datasets import DEFAULT_JUDGE, load_judge
from eval.fit_judge import DATASETS, SHARED_DATA
from rag.verification import Judge, LearnedJudge, OverlapJudge

REPEATS = 3


def rows_per_second(make: type[LearnedJudge] | type[OverlapJudge], path: Path) -> float:
    rows = load_judge(path).rows
    best = float("inf")
    for _ in range(REPEATS):
        judge: Judge = make()
        started = time.perf_counter()
        for row in rows:
            judge.judge(row.context, row.answer, row.question or None)
        best = min(best, time.perf_counter() - started)
    return len(rows) / best


def main() -> None:
    parser = argparse.ArgumentParser(description="Judged rows per second.")
    defaults = [DEFAULT_JUDGE, *(SHARED_DATA / f for f in DATASETS.values())]
    parser.add_argument("files", nargs="*", type=Path, default=[p for p in defaults if p.exists()])
    args = parser.parse_args()
    print(f"{'file':<24} {'rows':>5} {'learned rows/s':>15} {'overlap rows/s':>15} {'ratio':>6}")
    for path in args.files:
        learned = rows_per_second(LearnedJudge, path)
        overlap = rows_per_second(OverlapJudge, path)
        n = len(load_judge(path).rows)
        print(f"{path.name:<24} {n:>5} {learned:>15.0f} {overlap:>15.0f} {learned / overlap:>6.2f}")


if __name__ == "__main__":
    main()
