"""Run a QA dataset through the real Assistant and score every answer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from rag import Assistant
from rag.settings import AskMode, with_choices
from rag.verification import Judge, make_judge

from . import metrics
from .datasets import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_QA,
    ConversationRow,
    DatasetError,
    QARow,
    load_conversations,
    load_qa,
)
from .results import EvalReport
from .scoring import evaluate_conversation, evaluate_row
from .summary import summarize, summarize_conversations


def _check_sources(assistant: Assistant, rows: Sequence[QARow | ConversationRow]) -> None:
    indexed = {d.source for d in assistant.index.documents()}
    missing = sorted({g.source for r in rows for g in r.gold} - indexed)
    if missing:
        raise DatasetError(
            f"the index at {assistant.index.index_dir} lacks documents the dataset cites: "
            f"{', '.join(missing)}. Index them first: rag index build corpus/"
        )


def _judge(judge: str | Judge, assistant: Assistant) -> Judge:
    if not isinstance(judge, str):
        return judge
    if judge == assistant.judge.name:
        return assistant.judge  # the very judge that verified the answers, and its cache
    return make_judge(judge, assistant.settings.verification, assistant.generator)


def run_eval(
    dataset: str | Path = DEFAULT_QA,
    *,
    assistant: Assistant | None = None,
    index_dir: str | Path | None = None,
    mode: AskMode = "auto",
    model: Path | str | None = None,
    judge: str | Judge = "lexical",
    k: int = 5,
    conversations: str | Path | None = None,
    progress: bool = False,
) -> EvalReport:
    """Answer every question of `dataset` with the real assistant and score the answers.
    `model` (a GGUF or a models.txt role such as "tiny") answers in llm mode. `conversations`
    (default: the bundled set when `dataset` is the bundled one) measures follow-up rewriting."""
    rows = load_qa(Path(dataset))
    if conversations is None and Path(dataset) == DEFAULT_QA:
        conversations = DEFAULT_CONVERSATIONS
    pairs = load_conversations(Path(conversations)) if conversations is not None else []
    if assistant is None:
        # A model named answers in llm mode.
        settings = with_choices(mode=mode if model is None else "llm", model=model, k=k)
        assistant = Assistant.open(index_dir, settings)
    _check_sources(assistant, [*rows, *pairs])
    chosen = _judge(judge, assistant)
    started = time.perf_counter()
    results = [
        evaluate_row(assistant, row, chosen)
        for row in tqdm(rows, desc="Evaluating", unit="question", disable=not progress)
    ]
    talks = [
        evaluate_conversation(assistant, row)
        for row in tqdm(pairs, desc="Conversations", unit="pair", disable=not progress)
    ]
    seconds = time.perf_counter() - started
    summary, curve = summarize(results, k)
    summary |= summarize_conversations(talks, k)
    # Correctness over every graded answer: the questions' and the follow-ups'.
    summary["qa_correctness"] = summary["correctness"]
    summary["correctness"] = metrics.mean(
        [r.correctness for r in results if r.correctness is not None]
        + [t.correctness for t in talks if t.correctness is not None]
    )
    summary["judge_threshold"] = chosen.threshold
    return EvalReport(
        dataset=str(dataset),
        judge=chosen.name,
        mode=assistant.mode,
        k=k,
        questions=tuple(results),
        metrics=summary,
        recall_curve=curve,
        timings={"total_seconds": seconds, "per_question_ms": seconds * 1000 / len(rows)},
        model=assistant.generator.name if assistant.generator is not None else None,
        conversations=tuple(talks),
    )
