"""Many users at once: everything shared between requests (the segmenter, the embedder, the
index, the caches) must give each thread the answer it would get alone."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag import Assistant
from rag.text.sentences import sentence_spans

from ..conftest import CORPUS, ROOT

QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval/datasets/qa.jsonl").open()]


def test_sentence_spans_from_many_threads_equal_the_sequential_ones() -> None:
    # Paragraphs of the real corpus, long and short, so threads interleave mid-split.
    texts = [
        p for path in sorted(CORPUS.iterdir()) for p in path.read_text().split("\n\n") if p.strip()
    ]
    expected = [sentence_spans(t) for t in texts]
    jobs = texts * 4
    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(sentence_spans, jobs))
    mismatches = sum(g != expected[i % len(texts)] for i, g in enumerate(got))
    assert mismatches == 0, f"{mismatches} of {len(jobs)} splits differ from the sequential ones"


@pytest.mark.slow
def test_200_questions_from_16_threads_get_the_sequential_answers(assistant: Assistant) -> None:
    expected = {q: assistant.ask(q).to_dict() for q in QUESTIONS}
    jobs = (QUESTIONS * 5)[:200]

    def ask(question: str) -> dict[str, object]:
        return assistant.ask(question).to_dict()

    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(ask, jobs))
    differ = [q for q, answer in zip(jobs, got, strict=True) if _same(answer) != _same(expected[q])]
    assert not differ, f"{len(differ)} of {len(jobs)} answers differ, e.g. {differ[0]!r}"


def _same(answer: dict[str, object]) -> dict[str, object]:
    """An answer without its timings, which differ from run to run."""
    return {k: v for k, v in answer.items() if k != "timings"}
