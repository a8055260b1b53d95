"""Labelled answers of many LLMs (../shared/data/grounding, read where it lies, never copied):
how the judge and the answer gate fare on real model answers, by model.

    rag eval grounding [--data ../shared/data/grounding] [--task ragtruth-qa]

Each answer is joined to its source on (task, source_id): the source's passages are the
context and its question the question. Printed: AUROC of the learned judge and the overlap
baseline, and the answer gate's figures (supported answers shown, unsupported answers shown),
over all answers and per group of models: small ones (at most `SMALL_BILLIONS` parameters, the
size people run locally) and the rest. No fitting happens here: this measures the shipped
judge. Caution: the judge was fitted on ragtruth_qa_dev.jsonl, whose 64 sources are the
ragtruth-qa sources here, so its figures on that task are not from unseen sources.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.verification import make_judge

from .datasets import SHARED_DATA, JudgeRow
from .judge_validation import JudgeValidation, validate_judge

GROUNDING = SHARED_DATA / "grounding"
SMALL_BILLIONS = 8.0
_SIZE = re.compile(r"(\d+(?:\.\d+)?)([BM])\b", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    row: JudgeRow
    model: str
    task: str
    labeler: str


def billions(model: str) -> float | None:
    """The parameter count a model's name states, in billions ("Qwen2.5-1.5B-Instruct": 1.5,
    "SmolLM2-135M": 0.135), if it states one."""
    sizes = [
        float(n) / (1000 if unit.upper() == "M" else 1)
        for n, unit in _SIZE.findall(model.rsplit("/", 1)[-1])
    ]
    return max(sizes) if sizes else None


def is_small(model: str) -> bool:
    size = billions(model)
    return size is not None and size <= SMALL_BILLIONS


def load_grounding(folder: Path = GROUNDING, task: str | None = "ragtruth-qa") -> list[Answer]:
    """The answers of `task` (None: every task), joined to their sources."""
    sources = {}
    # One record per "\n": str.splitlines would also split at a U+2028 inside an answer.
    for line in (folder / "sources.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        source = json.loads(line)
        sources[source["task"], source["source_id"]] = source
    answers = []
    for line in (folder / "answers.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        if task is not None and row["task"] != task:
            continue
        source = sources[row["task"], row["source_id"]]
        answers.append(
            Answer(
                JudgeRow(
                    context=tuple(source["context"]),
                    answer=row["answer"].strip(),
                    label=int(row["label"]),
                    question=source.get("question") or "",
                    group=f"{row['task']}:{row['source_id']}",
                ),
                row["model"],
                row["task"],
                row["labeler"],
            )
        )
    return answers


def by_group(answers: Sequence[Answer]) -> dict[str, list[Answer]]:
    groups: dict[str, list[Answer]] = {"all models": list(answers)}
    groups[f"small (<= {SMALL_BILLIONS:g}B)"] = [a for a in answers if is_small(a.model)]
    groups["the rest"] = [a for a in answers if not is_small(a.model)]
    return {name: rows for name, rows in groups.items() if rows}


def measure(data: Path = GROUNDING, task: str = "ragtruth-qa", judge_name: str = "lexical") -> None:
    """Print the judge's AUROC and the gate's shown shares per model size (`rag eval
    grounding`); `task` "all" takes every task."""
    answers = load_grounding(data, None if task == "all" else task)
    judge = make_judge(judge_name)
    min_supported = judge.min_supported
    print(f"{len(answers)} answers of {len({a.model for a in answers})} models, task {task}")
    print(f"  the gate shows an answer when >= {min_supported:.0%} of its sentences are supported")
    print(
        f"  {'':<18} {'judge':<8} {'answers':>7} {'AUROC':>6} {'good shown':>10} {'bad shown':>9}"
    )
    for name, rows in by_group(answers).items():
        result: JudgeValidation = validate_judge(
            judge, [a.row for a in rows], min_supported=min_supported
        )
        for scores in (result.judge, result.baseline):
            print(
                f"  {name:<18} {scores.judge:<8} {len(rows):>7} {scores.auroc:>6.3f} "
                f"{scores.gate.supported_shown:>10.1%} {scores.gate.unsupported_shown:>9.1%}"
            )
