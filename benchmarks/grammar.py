"""Does the citation grammar help a real model cite? The same questions, the same model, with
`generation.grammar` off and on, side by side.

    .venv/bin/python -m benchmarks.grammar [--model smol] [--questions 10] [--index-dir DIR]

For each setting: raw answers with at least one well-formed marker naming a passage the model
was given, sentences with a marker, sentences the gate verified (by what they cite or by
attribution), answers that passed the gate, answers cut mid-sentence by the token budget, and
seconds per answer. Answers come from the eval set's first answerable questions; the index is
the one `rag index build` made (or --index-dir).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eval.datasets import DEFAULT_QA
from rag import Assistant, Settings
from rag.settings import GenerationSettings


def measure(
    index_dir: Path | None, model: str, grammar: bool, questions: list[str]
) -> dict[str, object]:
    generation = GenerationSettings(mode="llm", model_path=Path(model), grammar=grammar)
    assistant = Assistant.open(index_dir, Settings(generation=generation))
    cited = marked = shown = sentences = passed = cut = 0
    started = time.perf_counter()
    for question in questions:
        generated = assistant.ask(question).generated
        if generated is None:  # declined before the model (a near miss)
            continue
        cited += generated.markers - len(generated.invalid_markers) > 0
        marked += sum(bool(s.markers) for s in generated.sentences)
        shown += sum(s.shown for s in generated.sentences)
        sentences += len(generated.sentences)
        passed += generated.passed
        cut += bool(generated.cut)
    seconds = (time.perf_counter() - started) / len(questions)
    return {
        "answers_citing": f"{cited}/{len(questions)}",
        "sentences_with_marker": f"{marked}/{sentences}",
        "sentences_verified": f"{shown}/{sentences}",
        "answers_passed": f"{passed}/{len(questions)}",
        "answers_cut": f"{cut}/{len(questions)}",
        "seconds_per_answer": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smol", help="a GGUF or a role of models.txt")
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--index-dir", type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for line in DEFAULT_QA.read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in rows if r["answerable"]][: args.questions]
    off = measure(args.index_dir, args.model, False, questions)
    on = measure(args.index_dir, args.model, True, questions)
    print(f"{args.model}, {len(questions)} answerable questions of {DEFAULT_QA.name}")
    print(f"{'':<24}{'grammar off':>14}{'grammar on':>14}")
    for name in off:
        print(f"{name:<24}{off[name]!s:>14}{on[name]!s:>14}")


if __name__ == "__main__":
    main()
