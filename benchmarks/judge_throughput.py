"""How fast the judges are, side by side in one run: the default grounding judge
(rag.verification.LearnedJudge) and the overlap baseline.

    .venv/bin/python -m benchmarks.judge_throughput [FILE ...]

Printed per file: rows judged per second (whole answers against their contexts; each judge
scores every row three times, a fresh judge each time so no cache carries over, best of three)
and the p50 / p95 milliseconds of one claim against one passage (what verifying a citation
costs: every sentence of every answer against its first passage, a fresh judge, so the
passage is prepared each time as a new citation's is). One core: run it with
OMP_NUM_THREADS=1 taskset -c 0 to pin it. Default files: eval/datasets/judge.jsonl and, when
present, the HaluEval-QA and RAGTruth-QA dev splits in ../shared/data.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from eval.datasets import DEFAULT_JUDGE, JudgeRow, load_judge
from eval.train_judge import FILES, SHARED_DATA
from rag.verification import Judge, LearnedJudge, OverlapJudge, split_claims

REPEATS = 3


def rows_per_second(make: Callable[[], Judge], rows: list[JudgeRow]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        judge = make()
        started = time.perf_counter()
        for row in rows:
            judge.judge(row.context, row.answer, row.question or None)
        best = min(best, time.perf_counter() - started)
    return len(rows) / best


def pair_ms(make: Callable[[], Judge], rows: list[JudgeRow]) -> np.ndarray:
    """Milliseconds of each (passage, claim) pair, each with a fresh judge."""
    times = []
    for row in rows:
        for claim in split_claims(row.answer):
            judge = make()
            started = time.perf_counter()
            judge.judge(row.context[0], claim, row.question or None)
            times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="How fast the judges are.")
    defaults = [DEFAULT_JUDGE, *(SHARED_DATA / f for f in FILES.values())]
    parser.add_argument("files", nargs="*", type=Path, default=[p for p in defaults if p.exists()])
    args = parser.parse_args()
    judges: dict[str, Callable[[], Judge]] = {"grounding": LearnedJudge, "overlap": OverlapJudge}
    print(
        f"{'file':<24} {'rows':>5} {'judge':<10} {'rows/s':>7} {'s per 1,000':>11} "
        f"{'pair p50 ms':>11} {'pair p95 ms':>11}"
    )
    for path in args.files:
        rows = load_judge(path).rows
        speed = {}
        for name, make in judges.items():
            speed[name] = rows_per_second(make, rows)
            pairs = pair_ms(make, rows[:300])
            print(
                f"{path.name:<24} {len(rows):>5} {name:<10} {speed[name]:>7.0f} "
                f"{1000 / speed[name]:>11.1f} {np.percentile(pairs, 50):>11.2f} "
                f"{np.percentile(pairs, 95):>11.2f}"
            )
        print(f"{'':<24} {'':>5} {'ratio':<10} {speed['grounding'] / speed['overlap']:>7.2f}")


if __name__ == "__main__":
    main()
