"""A model's answer, timed: the first shown sentence, the whole answer, and tokens a second,
for each speed change side by side in one run, each row adding one change to the row above.

    .venv/bin/python -m benchmarks.llm_latency [--model coder] [--questions 8] [--json]

Rows: llama-cpp-python's defaults as they were (half the CPUs, every prompt read from its
start, the five retrieved passages whole); every CPU; the prompt's opening kept; what the
model reads cut to windows around each passage's best sentence (the default, 3 x 500
characters); then other window sizes and prompt batch sizes, each against the default. The
questions are the sample eval's answerable ones over corpus/ (built here into a temporary
index), each asked once per row after one warm-up question, so each row starts with its
opening read. "First shown" is what a reader waits for: the first sentence released after
verification, not the first token. "Passed" is the share of answers that passed
verification (the rest were replaced by quotes): a smaller window must not buy its speed
with answers the passages no longer support.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import index
from eval.datasets import load_qa
from modelhome import LLM_ROLES, find_llm
from rag import Assistant, Settings
from rag.models import Prompt, TextModel, open_text_model
from rag.models.llama import usable_cpus
from rag.settings import GenerationSettings

ROOT = Path(__file__).resolve().parent.parent
ROWS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "before: half the CPUs, whole prompt, 5 passages",
        {
            "n_threads": max(usable_cpus() // 2, 1),
            "keep_opening": False,
            "passages": 10,
            "passage_chars": None,
        },
    ),
    ("+ every CPU", {"keep_opening": False, "passages": 10, "passage_chars": None}),
    ("+ opening kept", {"passages": 10, "passage_chars": None}),
    ("+ windows 3 x 500 chars (default)", {}),
    ("  windows 2 x 500 chars", {"passages": 2}),
    ("  windows 3 x 350 chars", {"passage_chars": 350}),
    ("  windows 3 x 800 chars", {"passage_chars": 800}),
    ("  prompt batch 128 (default 512)", {"n_batch": 128}),
    ("  prompt batch 1024", {"n_batch": 1024}),
)


@dataclass
class Timed:
    """A `TextModel` that notes when its reply starts and how many pieces it streams."""

    model: TextModel
    first: list[float] = field(default_factory=list)
    pieces: list[tuple[int, float]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        started = time.perf_counter()
        count, first = 0, None
        for delta in self.model.stream(prompt, max_tokens=max_tokens, temperature=temperature):
            if first is None:
                first = time.perf_counter()
                self.first.append(first - started)
            count += 1
            yield delta
        if first is not None and count > 1:
            self.pieces.append((count - 1, time.perf_counter() - first))


def measure(
    index_dir: Path, path: Path, changes: dict[str, Any], questions: list[str]
) -> dict[str, float]:
    generation = GenerationSettings(mode="llm", model_path=path, **changes)
    timed = Timed(open_text_model(path, generation))
    assistant = Assistant(index.open(index_dir), Settings(generation=generation), timed)
    assistant.ask(questions[0])  # the opening read and kept; caches warm
    timed.first.clear()
    timed.pieces.clear()
    shown, whole, passed = [], [], []
    for question in questions[1:]:
        started = time.perf_counter()
        response = assistant.ask_stream(question)
        for delta in response:
            if delta.strip() and len(shown) < len(whole) + 1:
                shown.append(time.perf_counter() - started)
        whole.append(time.perf_counter() - started)
        passed.append(response.answer.mode == "llm")
        if len(shown) < len(whole):  # nothing shown: count the whole answer's wait
            shown.append(whole[-1])
    tokens = sum(n for n, _ in timed.pieces)
    seconds = sum(s for _, s in timed.pieces)
    return {
        "first_token_p50_s": statistics.median(timed.first),
        "first_shown_p50_s": statistics.median(shown),
        "whole_p50_s": statistics.median(whole),
        "whole_max_s": max(whole),
        "tokens_per_s": tokens / seconds if seconds else 0.0,
        "passed": sum(passed) / len(passed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="coder", help=f"a GGUF or one of {LLM_ROLES}")
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--rows", type=int, default=len(ROWS), help="the first N rows only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    path = find_llm(args.model)
    assert path is not None
    questions = [row.question for row in load_qa() if row.answerable][: args.questions + 1]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        index.build([ROOT / "corpus"], index_dir)
        for name, changes in ROWS[: args.rows]:
            results.append({"row": name, **measure(index_dir, path, changes, questions)})
    if args.json:
        print(json.dumps({"model": path.name, "cpus": usable_cpus(), "rows": results}, indent=2))
        return
    print(f"{path.name} on {usable_cpus()} CPUs, {args.questions} questions (p50 seconds)")
    print(
        f"{'':<50}{'1st token':>10}{'1st shown':>10}{'whole':>8}{'max':>8}{'tok/s':>8}{'passed':>8}"
    )
    base = results[0]["whole_p50_s"]
    for r in results:
        print(
            f"{r['row']:<50}{r['first_token_p50_s']:>10.1f}{r['first_shown_p50_s']:>10.1f}"
            f"{r['whole_p50_s']:>8.1f}{r['whole_max_s']:>8.1f}{r['tokens_per_s']:>8.1f}"
            f"{r['passed']:>8.2f}   x{base / r['whole_p50_s']:.1f}"
        )


if __name__ == "__main__":
    main()
