"""How fast the judges are, side by side in one run: the meaning judge (the cross-encoder,
rag.verification.MeaningJudge, on one thread), the lexical judge (LearnedJudge) and the
overlap baseline.

    .venv/bin/python -m benchmarks.judge_throughput [FILE ...]

Printed per file: rows judged per second (whole answers against their contexts; each judge
scores every row three times, best of three) and the p50 / p95 milliseconds a sentence when
an answer's sentences are judged together against their passage, in one batch (what the gate
pays per sentence; the model is loaded first, and a fresh judge is made each time so no
prepared passage carries over). One core: run it with OMP_NUM_THREADS=1 taskset -c 0 to pin
it. Default files: eval/datasets/judge.jsonl and, when present, the HaluEval-QA and
RAGTruth-QA dev splits in ../shared/data.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from eval.datasets import DEFAULT_JUDGE, JudgeRow, load_judge
from eval.train_judge import FILES, SHARED_DATA
from modelhome.pair_classifier import PairClassifier
from rag.verification import (
    Judge,
    LearnedJudge,
    MeaningJudge,
    OverlapJudge,
    passage_sentences,
    split_claims,
)

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


def sentence_ms(make: Callable[[], Judge], rows: list[JudgeRow]) -> np.ndarray:
    """Milliseconds a sentence of each answer, its sentences judged in one call against its
    first passage, with a fresh judge and no passage prepared before."""
    times = []
    for row in rows:
        sentences = len(split_claims(row.answer))
        judge = make()
        passage_sentences.cache_clear()
        started = time.perf_counter()
        judge.judge(row.context[0], row.answer, row.question or None)
        times.append((time.perf_counter() - started) * 1000 / sentences)
    return np.array(times)


def _meaning() -> Judge:
    return MeaningJudge(classifier=PairClassifier(threads=1))


def main() -> None:
    parser = argparse.ArgumentParser(description="How fast the judges are.")
    defaults = [DEFAULT_JUDGE, *(SHARED_DATA / f for f in FILES.values())]
    parser.add_argument("files", nargs="*", type=Path, default=[p for p in defaults if p.exists()])
    args = parser.parse_args()
    judges: dict[str, Callable[[], Judge]] = {
        "meaning": _meaning,
        "lexical": LearnedJudge,
        "overlap": OverlapJudge,
    }
    _meaning().claim("The model loads before the clock starts.", "It loads.")
    print(
        f"{'file':<24} {'rows':>5} {'judge':<10} {'rows/s':>7} {'s per 1,000':>11} "
        f"{'sentence p50 ms':>15} {'sentence p95 ms':>15}"
    )
    for path in args.files:
        rows = load_judge(path).rows
        speed = {}
        for name, make in judges.items():
            speed[name] = rows_per_second(make, rows)
            each = sentence_ms(make, rows[:300])
            print(
                f"{path.name:<24} {len(rows):>5} {name:<10} {speed[name]:>7.0f} "
                f"{1000 / speed[name]:>11.1f} {np.percentile(each, 50):>15.2f} "
                f"{np.percentile(each, 95):>15.2f}"
            )
        print(
            f"{'':<24} {'':>5} {'ratio':<10} meaning / lexical "
            f"{speed['lexical'] / speed['meaning']:.1f}x the time, lexical / overlap "
            f"{speed['overlap'] / speed['lexical']:.1f}x"
        )


if __name__ == "__main__":
    main()
