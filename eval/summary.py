"""The report's headline metrics, from the per-question and per-conversation results."""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer import claims, declines
from rag.records import Generated
from rag.verification import ends_a_sentence

from . import metrics
from .results import ConversationResult, QuestionResult
from .scoring import RECALL_KS


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
        # The model's answers as it wrote them (raw), what of them the reader was shown
        # (sentence by sentence, each once verified), and what was replaced by quotes.
        "raw_cited_answer_rate": metrics.mean(
            [float(g.markers - len(g.invalid_markers) > 0) for g in written]
        ),
        "raw_cut_answers": float(sum(bool(g.cut) for g in written)),
        "raw_echoed_sentences": float(sum(g.echoed for g in written)),
        "shown_answers": float(sum(bool(g.shown) for g in written)),
        "shown_sentences": float(sum(s.shown for s in sentences)),
        "shown_unverified_sentences": float(sum(_unverified(g) for g in written)),
        "shown_cut_mid_word": float(
            sum(bool(g.shown) and not ends_a_sentence(g.shown) for g in written)
        ),
        "replaced_answers": float(sum(not g.passed for g in written)),
        # Of the answers it wrote: shown whole (every sentence released), in part (some held
        # back or cut), replaced by quotes, or declined ("not in the documents").
        "shown_whole_answers": float(sum(shown_as(g) == "whole" for g in written)),
        "shown_in_part_answers": float(sum(shown_as(g) == "part" for g in written)),
        "declined_answers": float(sum(shown_as(g) == "declined" for g in written)),
    }


def shown_as(generated: Generated) -> str:
    """What became of a model's answer: shown "whole" (every sentence it wrote released), in
    "part" (some held back, or its last one cut by the token budget), "replaced" by quotes
    (it failed verification), or "declined" (it said the documents do not hold the answer)."""
    if declines(generated.raw) and not generated.shown:
        return "declined"
    if not generated.passed:
        return "replaced"
    held = generated.cut or any(not s.shown for s in generated.sentences)
    return "part" if held else "whole"


def _unverified(generated: Generated) -> int:
    """Sentences of what the reader was shown that the gate did not verify (must be 0): what
    is left of it once each verified sentence is taken out, markers aside."""
    rest = generated.shown
    for check in generated.sentences:
        if check.shown:
            rest = rest.replace(check.text, "", 1)
    return len(claims(rest))


def summarize_conversations(
    results: Sequence[ConversationResult], k: int
) -> dict[str, float | None]:
    """Rewrite precision (of the rewritten questions, how many needed it) and recall (of the
    follow-ups, how many were rewritten), and how often a follow-up's gold passage was used."""
    if not results:
        return {}
    rewritten = [r for r in results if r.rewritten]
    followups = [r for r in results if r.followup]
    graded = [r for r in followups if r.graded]
    return {
        # A bad rewrite (no question, an earlier answer) is a miss on both counts.
        "rewrite_precision": metrics.mean(
            [float(r.followup and not r.bad_rewrite) for r in rewritten]
        ),
        "rewrite_recall": metrics.mean(
            [float(r.rewritten and not r.bad_rewrite) for r in followups]
        ),
        "bad_rewrites": float(sum(r.bad_rewrite for r in results)),
        f"followup_recall@{k}": metrics.recall_at_k([r.gold_rank for r in followups], k),
        "followup_correctness": metrics.mean(
            [r.correctness for r in graded if r.correctness is not None]
        ),
        # "Why?" with no further reason in the documents says so, and only then.
        "followup_no_more_accuracy": metrics.mean(
            [float(r.said_no_more == r.no_more) for r in graded]
        ),
        "conversations": float(len(results)),
    }
