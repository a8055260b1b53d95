"""Run a QA dataset through the real Assistant and score every answer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag import Answer, Assistant, Settings
from rag.answer import MARKER, claims
from rag.records import Generated, Hit
from rag.settings import AskMode, GenerationSettings, RetrievalSettings
from rag.text import lexicon
from rag.verification import Judge

from . import metrics
from .datasets import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_QA,
    ConversationRow,
    DatasetError,
    Gold,
    QARow,
    load_conversations,
    load_qa,
)
from .judges import make_judge

RECALL_KS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    text: str
    markers: tuple[int, ...]
    support: float  # 1 - the judge's score against the cited passages together (0: none cited)
    supported: bool
    cited_supporting: int  # how many of its citations support it on their own
    unsupported_words: tuple[str, ...] = ()  # its content words the cited passages lack


@dataclass(frozen=True, slots=True)
class QuestionResult:
    id: str
    question: str
    answerable: bool
    mode: str
    answer: str
    citations: tuple[dict[str, Any], ...]
    claims: tuple[ClaimResult, ...]
    first_relevant_rank: int | None  # retrieval: rank of the first passage holding a gold quote
    faithfulness: float | None  # None when nothing was claimed (abstained)
    citation_precision: float | None
    citation_recall: float | None
    correctness: float | None
    ms: float
    generated: Generated | None = None  # the model's own answer and the gate's verdicts
    verified_unsupported: int = 0  # shown claims with a "verified" badge the judge rejects
    group: str = "answerable"  # or off_topic, near_miss (eval.datasets.QARow.group)
    correctness_reference: float | None = None  # against the written reference alone

    @property
    def abstained(self) -> bool:
        return self.mode == "abstained"


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """A question asked after earlier turns: was it rewritten before it was searched?"""

    id: str
    history: tuple[str, ...]
    question: str
    followup: bool  # the label: it cannot stand on its own
    searched: str  # what was searched: the question itself, or its rewrite
    gold_rank: int | None  # rank of the first passage holding a gold quote, among those used
    mode: str
    answer: str

    @property
    def rewritten(self) -> bool:
        return self.searched != self.question


@dataclass(frozen=True)
class EvalReport:
    dataset: str
    judge: str
    mode: str
    k: int
    questions: tuple[QuestionResult, ...]
    metrics: dict[str, float | None]
    recall_curve: dict[int, float]
    timings: dict[str, float]
    model: str | None = None  # the GGUF that answered, in llm mode
    conversations: tuple[ConversationResult, ...] = ()
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["recall_curve"] = {str(k): v for k, v in self.recall_curve.items()}
        return data


def _holds(text: str, quote: str) -> bool:
    return " ".join(quote.split()) in " ".join(text.split())


def _gold_rank(hits: Sequence[Hit], gold: Sequence[Gold]) -> int | None:
    return metrics.first_relevant_rank(
        [any(h.source == g.source and _holds(h.chunk.text, g.quote) for g in gold) for h in hits]
    )


def _first_relevant(assistant: Assistant, row: QARow) -> int | None:
    return _gold_rank(assistant.retrieve(row.question, max(RECALL_KS)), row.gold)


def _claims(answer: Answer, judge: Judge) -> list[ClaimResult]:
    passages = [h.chunk.text for h in answer.hits]
    out = []
    for claim in claims(answer.text):
        cited = [passages[n - 1] for n in claim.markers if 1 <= n <= len(passages)]
        # Faithfulness: the cited passages together; citation quality: each one alone.
        judgment = judge.judge(cited, claim.text) if cited else None
        score = judgment.score if judgment else 1.0
        words = tuple(w for c in judgment.claims for w in c.unsupported_words) if judgment else ()
        supported = score < judge.threshold
        # One citation: "alone" is the same judgment; only several need judging one by one.
        alone = (
            sum(judge.judge(p, claim.text).score < judge.threshold for p in cited)
            if len(cited) > 1
            else int(supported and bool(cited))
        )
        out.append(ClaimResult(claim.text, claim.markers, 1 - score, supported, int(alone), words))
    return out


def _match(assistant: Assistant, text: str, reference: str) -> float:
    """Semantic similarity (the embedder) averaged with the share of the reference's content
    words the text contains: the answer correctness of earlier reports."""
    a, b = assistant.index.embedder.encode([text, reference])
    coverage = lexicon.coverage(lexicon.content_stems(reference), lexicon.content_stems(text))
    return (max(float(a @ b), 0.0) + coverage) / 2


def _same_point(statement: set[str], truth: set[str]) -> bool:
    """Most of one's content words are the other's: "In 2012." states the point of "Key
    inflection points cited: AlexNet (2012) for vision", and so does the quote itself."""
    shared = len(statement & truth)
    return bool(statement and truth) and max(shared / len(statement), shared / len(truth)) >= 0.5


def _correctness(
    answer: Answer, row: QARow, assistant: Assistant
) -> tuple[float | None, float | None]:
    """(correctness, the earlier reference match). Correctness is RAGAS's answer correctness:
    0.75 x the F1 of the answer's sentences against the gold quotes (a padded sentence is a
    false positive, a missed gold quote a false negative) + 0.25 x the answer's similarity to
    the reference or the gold quotes, whichever is closer. The earlier figure alone cannot
    tell a padded answer from a perfect one: quoting exactly the gold sentences scores 0.78
    on it, because a verbatim quote shares few words with a short reference like "In 2012."."""
    if not row.answerable or answer.mode == "abstained":
        return None, None
    text = MARKER.sub("", answer.text)
    truths = [lexicon.content_stems(g.quote) for g in row.gold] or [
        lexicon.content_stems(row.reference)
    ]
    statements = [lexicon.content_stems(c.text) for c in claims(answer.text)]
    matched = [any(_same_point(s, t) for t in truths) for s in statements]
    missed = sum(not any(_same_point(s, t) for s in statements) for t in truths)
    f1 = metrics.statement_f1(sum(matched), len(matched) - sum(matched), missed)
    gold = " ".join(g.quote for g in row.gold)
    vectors = assistant.index.embedder.encode([text, row.reference or gold, gold or row.reference])
    similarity = max(float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2]), 0.0)
    return 0.75 * f1 + 0.25 * similarity, _match(assistant, text, row.reference or gold)


def evaluate_row(assistant: Assistant, row: QARow, judge: Judge) -> QuestionResult:
    started = time.perf_counter()
    answer = assistant.ask(row.question)
    # An abstention's claims are its quotes (a near miss says what the documents do say).
    results = [c for c in _claims(answer, judge) if c.markers or answer.mode != "abstained"]
    citations = sum(len(c.markers) for c in results)
    badged = {c.claim for c in answer.citations if c.verified}
    correctness, against_reference = _correctness(answer, row, assistant)
    return QuestionResult(
        id=row.id,
        question=row.question,
        answerable=row.answerable,
        mode=answer.mode,
        answer=answer.text,
        citations=tuple(c.to_dict() for c in answer.citations),
        claims=tuple(results),
        first_relevant_rank=_first_relevant(assistant, row) if row.answerable else None,
        faithfulness=metrics.mean([float(c.supported) for c in results]),
        citation_precision=sum(c.cited_supporting for c in results) / citations
        if citations
        else None,
        citation_recall=metrics.mean([float(c.cited_supporting > 0) for c in results]),
        correctness=correctness,
        ms=(time.perf_counter() - started) * 1000,
        generated=answer.generated,
        verified_unsupported=sum(c.text in badged and not c.supported for c in results),
        group=row.group,
        correctness_reference=against_reference,
    )


def evaluate_conversation(assistant: Assistant, row: ConversationRow) -> ConversationResult:
    """Ask the earlier questions as a user would (each answer joins the history), then the
    question; record what was searched for it."""
    history: list[dict[str, str]] = []
    for earlier in row.history:
        reply = assistant.ask(earlier, history)
        history += [
            {"role": "user", "content": earlier},
            {"role": "assistant", "content": reply.text},
        ]
    answer = assistant.ask(row.question, history)
    return ConversationResult(
        id=row.id,
        history=row.history,
        question=row.question,
        followup=row.followup,
        searched=answer.question,
        gold_rank=_gold_rank(answer.hits, row.gold) if row.gold else None,
        mode=answer.mode,
        answer=answer.text,
    )


def summarize(
    results: Sequence[QuestionResult], k: int
) -> tuple[dict[str, float | None], dict[int, float]]:
    answerable = [r for r in results if r.answerable]
    ranks = [r.first_relevant_rank for r in answerable]
    curve = {n: metrics.recall_at_k(ranks, n) for n in RECALL_KS}
    all_claims = [c for r in results for c in r.claims]
    faithfulness = metrics.mean([float(c.supported) for c in all_claims])
    cited = sum(len(c.markers) for c in all_claims)
    abstain = metrics.abstention([r.answerable for r in results], [r.abstained for r in results])

    def abstained_on(group: str) -> float | None:
        return metrics.mean([float(r.abstained) for r in results if r.group == group])

    out: dict[str, float | None] = {f"recall@{n}": curve[n] for n in (1, 3, 5, 10)}
    out |= {
        f"recall@{k}": curve.get(k, metrics.recall_at_k(ranks, k)),
        "mrr": metrics.mean_reciprocal_rank(ranks),
        "faithfulness": faithfulness,
        "hallucination_rate": None if faithfulness is None else 1 - faithfulness,
        "faithfulness_per_answer": metrics.mean(
            [r.faithfulness for r in results if r.faithfulness is not None]
        ),
        "citation_precision": sum(c.cited_supporting for c in all_claims) / cited
        if cited
        else None,
        "citation_recall": metrics.mean([float(c.cited_supporting > 0) for c in all_claims]),
        "abstention_precision": abstain.precision,
        "abstention_recall": abstain.recall,
        "false_abstention_rate": abstain.false_rate,
        "off_topic_abstention": abstained_on("off_topic"),
        "near_miss_abstention": abstained_on("near_miss"),
        "correctness": metrics.mean([r.correctness for r in results if r.correctness is not None]),
        "correctness_reference": metrics.mean(
            [r.correctness_reference for r in results if r.correctness_reference is not None]
        ),
        "claims": float(len(all_claims)),
        "unsupported_shown_as_verified": float(sum(r.verified_unsupported for r in results)),
        "seconds_per_answer": metrics.mean([r.ms / 1000 for r in results]),
        "judge_threshold": None,
        "questions": float(len(results)),
    }
    return out | _model_metrics(results, faithfulness), curve


def _model_metrics(
    results: Sequence[QuestionResult], faithfulness: float | None
) -> dict[str, float | None]:
    """A language model's answers before and after the verification gate. The raw rates are
    the gate's own verdicts (each sentence against each passage it cites, the learned judge at
    the settings' threshold); what the user sees is judged like every shown answer."""
    written = [r.generated for r in results if r.generated is not None]
    if not written:
        return {}
    sentences = [s for g in written for s in g.sentences]
    markers = sum(g.markers for g in written)
    seconds = sum(g.seconds for g in written)
    return {
        "model_answers": float(len(written)),
        "raw_unsupported_rate": metrics.mean([float(not s.supported) for s in sentences]),
        # Made up: no passage the model was given supports it, whatever it cites.
        "raw_ungrounded_rate": metrics.mean([float(not s.grounded) for s in sentences]),
        "shown_unsupported_rate": None if faithfulness is None else 1 - faithfulness,
        "invalid_citation_rate": sum(len(g.invalid_markers) for g in written) / markers
        if markers
        else None,
        "uncited_answer_rate": metrics.mean(
            [float(not any(s.markers for s in g.sentences)) for g in written]
        ),
        "fallback_rate": metrics.mean([float(not g.passed) for g in written]),
        "tokens_per_second": sum(g.tokens for g in written) / seconds if seconds else None,
    }


def summarize_conversations(
    results: Sequence[ConversationResult], k: int
) -> dict[str, float | None]:
    """Rewrite precision (of the rewritten questions, how many needed it) and recall (of the
    follow-ups, how many were rewritten), and how often a follow-up's gold passage was used."""
    if not results:
        return {}
    rewritten = [r for r in results if r.rewritten]
    followups = [r for r in results if r.followup]
    return {
        "rewrite_precision": metrics.mean([float(r.followup) for r in rewritten]),
        "rewrite_recall": metrics.mean([float(r.rewritten) for r in followups]),
        f"followup_recall@{k}": metrics.recall_at_k([r.gold_rank for r in followups], k),
        "conversations": float(len(results)),
    }


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
    if judge == "learned":
        return assistant.judge  # the very judge that verified the answers, and its cache
    return make_judge(judge, assistant.settings, generator=assistant.generator)


def run_eval(
    dataset: str | Path = DEFAULT_QA,
    *,
    assistant: Assistant | None = None,
    index_dir: str | Path | None = None,
    mode: AskMode = "auto",
    model: Path | str | None = None,
    judge: str | Judge = "learned",
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
        generation = (
            GenerationSettings(mode=mode)
            if model is None
            else GenerationSettings(mode="llm", model_path=Path(model))
        )
        settings = Settings(retrieval=RetrievalSettings(k=k), generation=generation)
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
