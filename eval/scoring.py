"""Scoring one answer: retrieval rank, claims against the cited passages, correctness against
the gold quotes; and one conversation's follow-up rewrite."""

from __future__ import annotations

import time
from collections.abc import Sequence

from rag import Answer, Assistant
from rag.answer import MARKER, NO_MORE, claims
from rag.question import good_rewrite
from rag.records import Hit
from rag.text import lexicon
from rag.verification import Judge

from . import metrics
from .datasets import (
    ConversationRow,
    Gold,
    QARow,
)
from .results import ClaimResult, ConversationResult, QuestionResult

RECALL_KS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)  # recall@k is measured at each


def _holds(text: str, quote: str) -> bool:
    return " ".join(quote.split()) in " ".join(text.split())


def _gold_rank(hits: Sequence[Hit], gold: Sequence[Gold]) -> int | None:
    # An extractive answer lists a passage once per quote from it: ranks count passages.
    distinct = list({(h.chunk.document_id, h.chunk.start): h for h in hits}.values())
    return metrics.first_relevant_rank(
        [
            any(h.source == g.source and _holds(h.chunk.text, g.quote) for g in gold)
            for h in distinct
        ]
    )


def _first_relevant(assistant: Assistant, row: QARow) -> int | None:
    return _gold_rank(assistant.retrieve(row.question, max(RECALL_KS)), row.gold)


def judged_claims(answer: Answer, judge: Judge) -> list[ClaimResult]:
    """Each claim of the text shown, judged against the passages it cites."""
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
    """(correctness, the earlier reference match) of a QA row's answer; None for a row that
    is not answerable or an abstention."""
    if not row.answerable or answer.mode == "abstained":
        return None, None
    return answer_correctness(answer, row.gold, row.reference, assistant)


def answer_correctness(
    answer: Answer, gold: Sequence[Gold], reference: str, assistant: Assistant
) -> tuple[float, float]:
    """(correctness, the earlier reference match). Correctness is RAGAS's answer correctness:
    0.75 x the F1 of the answer's sentences against the gold quotes (a padded sentence is a
    false positive, a missed gold quote a false negative) + 0.25 x the answer's similarity to
    the reference or the gold quotes, whichever is closer. The earlier figure alone cannot
    tell a padded answer from a perfect one: quoting exactly the gold sentences scores 0.78
    on it, because a verbatim quote shares few words with a short reference like "In 2012."."""
    shown = answer.text.removeprefix(NO_MORE).strip()  # "no more than": then the quotes
    text = MARKER.sub("", shown)
    truths = [lexicon.content_stems(g.quote) for g in gold] or [lexicon.content_stems(reference)]
    statements = [lexicon.content_stems(c.text) for c in claims(shown)]
    matched = [any(_same_point(s, t) for t in truths) for s in statements]
    missed = sum(not any(_same_point(s, t) for s in statements) for t in truths)
    f1 = metrics.statement_f1(sum(matched), len(matched) - sum(matched), missed)
    quotes = " ".join(g.quote for g in gold)
    vectors = assistant.index.embedder.encode([text, reference or quotes, quotes or reference])
    similarity = max(float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2]), 0.0)
    return 0.75 * f1 + 0.25 * similarity, _match(assistant, text, reference or quotes)


def evaluate_row(assistant: Assistant, row: QARow, judge: Judge) -> QuestionResult:
    started = time.perf_counter()
    answer = assistant.ask(row.question)
    # An abstention's claims are its quotes (a near miss says what the documents do say).
    results = [c for c in judged_claims(answer, judge) if c.markers or answer.mode != "abstained"]
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
    joined = f"{row.history[-1].strip()} {row.question.strip()}" if row.history else ""
    rewritten = answer.question not in (row.question, joined)  # by the model
    bad = rewritten and not good_rewrite(answer.question, row.question, history)
    graded = row.followup and bool(row.gold)
    scored = graded and answer.mode != "abstained"
    correctness = answer_correctness(answer, row.gold, "", assistant)[0] if scored else None
    return ConversationResult(
        id=row.id,
        history=row.history,
        question=row.question,
        followup=row.followup,
        searched=answer.question,
        gold_rank=_gold_rank(answer.hits, row.gold) if row.gold else None,
        mode=answer.mode,
        answer=answer.text,
        graded=graded,
        correctness=correctness,
        no_more=row.no_more,
        said_no_more=answer.text.startswith(NO_MORE),
        bad_rewrite=bad,
    )
