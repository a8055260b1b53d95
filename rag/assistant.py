"""The assistant: a question in, a cited answer out, or an honest abstention."""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

import index
from index import Index

from . import extractive, prompt
from .abstention import evidence
from .citations import claims, drop_invalid, normalize_markers
from .errors import ModelMissingError, QuestionError, RagError
from .followup import Message, llm_rewrite, rule_rewrite
from .generation import TEMPLATE_SLACK, Generator, LlamaGenerator
from .models import find_llm, llm_missing_message, local_path, spec_for
from .records import Answer, Citation, Hit, Mode
from .retrieval import Reranker, Retriever
from .settings import Settings
from .support import SUPPORT_THRESHOLD, SupportScorer

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

AskMode = Literal["auto", "llm", "extractive"]

ABSTAIN_NO_EVIDENCE = (
    "I can't answer that from your documents: nothing in them is relevant enough to the question."
)
ABSTAIN_DECLINED = "I can't answer that from your documents: the passages found don't answer it."
NOTICE_NO_LLM = (
    "Extractive answer: no language model is installed, so these are the sentences of your "
    "documents that best answer the question, quoted verbatim. For written answers run: "
    "rag models download llm"
)
NOTICE_EXTRACTIVE = "Extractive answer: sentences quoted verbatim from your documents."


class Assistant:
    """Ask questions of an index. Create with `Assistant.open()`; models load on first use."""

    def __init__(
        self,
        idx: Index,
        settings: Settings,
        generator: Generator | None = None,
        retriever: Retriever | None = None,
    ) -> None:
        self.index = idx
        self.settings = settings
        self.generator = generator
        self._retriever = retriever or Retriever(idx, settings.retrieval, _reranker(settings))

    @classmethod
    def open(
        cls,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        *,
        generator: Generator | None = None,
    ) -> Assistant:
        """Open the index (built with `rag index build`) and find the LLM, if there is one.

        Raises `index.IndexNotFoundError` when there is no index yet, and `ModelMissingError`
        when settings ask for the LLM and no GGUF is installed.
        """
        settings = settings or Settings()
        idx = index.open(index_dir, settings.index)
        gen = settings.generation
        if generator is None and gen.mode != "extractive":
            path = find_llm(gen.model_path)
            if path is not None:
                generator = LlamaGenerator(
                    path, n_ctx=gen.n_ctx, n_threads=gen.n_threads, seed=gen.seed
                )
            elif gen.mode == "llm":
                raise ModelMissingError(llm_missing_message())
        return cls(idx, settings, generator)

    def with_generation(self, **changes: object) -> Assistant:
        """The same assistant (index, retriever and its caches, model) with other generation
        settings, e.g. `with_generation(temperature=0.7)` for one request."""
        generation = self.settings.generation.model_copy(update=changes)
        settings = self.settings.model_copy(update={"generation": generation})
        return Assistant(self.index, settings, self.generator, self._retriever)

    @property
    def llm_available(self) -> bool:
        return self.generator is not None

    @functools.cached_property
    def scorer(self) -> SupportScorer:
        return SupportScorer(self.index.embedder)

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        return self._retriever.retrieve(self._checked(question), k)

    def ask(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        *,
        mode: AskMode | None = None,
        k: int | None = None,
    ) -> Answer:
        """Answer `question`; `history` is the conversation so far as role/content messages."""
        final = None
        for item in self.ask_stream(question, history, mode=mode, k=k):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def ask_stream(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        *,
        mode: AskMode | None = None,
        k: int | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text deltas as the answer is produced, then the final `Answer`.

        Deltas are the raw text; the final answer's text is the checked one (markers that
        point at no passage removed).
        """
        started = time.perf_counter()
        question = self._checked(question)
        use = self._mode(mode)
        timings: dict[str, float] = {}

        tick = time.perf_counter()
        standalone = self._standalone(question, history or (), use)
        hits = self._retriever.retrieve(standalone, k)
        timings["retrieve_ms"] = _ms(tick)

        if evidence(standalone, hits) < self.settings.abstention.min_evidence:
            yield from self._finish(
                Answer(ABSTAIN_NO_EVIDENCE, "abstained", hits=tuple(hits), question=standalone),
                started,
                timings,
            )
            return

        tick = time.perf_counter()
        if use == "extractive":
            answer = self._extractive(standalone, hits)
            yield answer.text
            timings["answer_ms"] = _ms(tick)
            yield from self._finish(answer, started, timings, stream_text=False)
            return

        assert self.generator is not None
        kept = self._fit(standalone, hits)
        parts: list[str] = []
        for delta in self.generator.stream_chat(
            prompt.messages(standalone, kept),
            max_tokens=self.settings.generation.max_answer_tokens,
            temperature=self.settings.generation.temperature,
        ):
            parts.append(delta)
            yield delta
        timings["generate_ms"] = _ms(tick)
        raw = "".join(parts).strip()
        tick = time.perf_counter()
        if not raw or prompt.DECLINE in raw:
            answer = Answer(ABSTAIN_DECLINED, "abstained", hits=tuple(kept), question=standalone)
        else:
            answer = self._cite(raw, kept, "llm", standalone)
        timings["verify_ms"] = _ms(tick)
        yield from self._finish(answer, started, timings, stream_text=False)

    # -- steps -------------------------------------------------------------------------------

    def _checked(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise QuestionError("The question is empty.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"The question is {len(question)} characters long; the limit is {limit}. "
                "Ask something shorter."
            )
        return question

    def _mode(self, mode: AskMode | None) -> Literal["llm", "extractive"]:
        wanted = mode or self.settings.generation.mode
        if wanted == "llm" and self.generator is None:
            raise ModelMissingError(llm_missing_message())
        if wanted == "extractive" or self.generator is None:
            return "extractive"
        return "llm"

    def _standalone(self, question: str, history: Sequence[Message], use: str) -> str:
        if not history:
            return question
        if use == "llm" and self.generator is not None:
            return llm_rewrite(question, history, self.generator)
        return rule_rewrite(question, history)

    def _fit(self, question: str, hits: list[Hit]) -> list[Hit]:
        assert self.generator is not None
        gen = self.settings.generation
        budget = self.generator.n_ctx - gen.max_answer_tokens - TEMPLATE_SLACK
        kept = prompt.fit(question, hits, self.generator.count_tokens, budget)
        if not kept:
            raise RagError(
                f"The model's context window ({self.generator.n_ctx} tokens) cannot hold the "
                f"instructions, the question and one passage with {gen.max_answer_tokens} tokens "
                "left for the answer. Raise generation.n_ctx or lower max_answer_tokens."
            )
        if len(kept) < len(hits):
            log.info("context budget: %d of %d passages fit", len(kept), len(hits))
        return kept

    def _extractive(self, question: str, hits: list[Hit]) -> Answer:
        quotes = extractive.best_sentences(
            question,
            hits,
            self.index.embedder,
            limit=self.settings.generation.extractive_sentences,
        )
        citations = []
        for q in quotes:
            hit = hits[q.hit]
            score = self.scorer.support(q.text, hit.chunk.text).score
            citations.append(
                Citation(
                    marker=q.hit + 1,
                    source=hit.source,
                    document_id=hit.chunk.document_id,
                    page=hit.chunk.page,
                    start=q.start,
                    end=q.end,
                    quote=q.text,
                    verified=score >= SUPPORT_THRESHOLD,
                    support=score,
                    claim=q.text,
                )
            )
        notice = NOTICE_NO_LLM if self.generator is None else NOTICE_EXTRACTIVE
        return Answer(
            text=extractive.render(quotes),
            mode="extractive",
            citations=tuple(citations),
            hits=tuple(hits),
            unsupported=tuple(c.claim for c in citations if not c.verified),
            notice=notice,
            question=question,
        )

    def _cite(self, raw: str, hits: list[Hit], mode: Mode, question: str) -> Answer:
        """Check an answer's markers and score every cited claim against its passage."""
        # Models can emit control characters; they never belong in an answer.
        raw = _CONTROL.sub("", raw)
        text, dropped = drop_invalid(normalize_markers(raw), len(hits))
        citations: list[Citation] = []
        unsupported: list[str] = []
        for claim in claims(text):
            backed = False
            for n in claim.markers:
                hit = hits[n - 1]
                support = self.scorer.support(claim.text, hit.chunk.text)
                verified = support.score >= SUPPORT_THRESHOLD
                backed = backed or verified
                citations.append(
                    Citation(
                        marker=n,
                        source=hit.source,
                        document_id=hit.chunk.document_id,
                        page=hit.chunk.page,
                        start=hit.chunk.start + support.start,
                        end=hit.chunk.start + support.end,
                        quote=hit.chunk.text[support.start : support.end],
                        verified=verified,
                        support=support.score,
                        claim=claim.text,
                    )
                )
            if not backed:
                unsupported.append(claim.text)
        if dropped:
            log.info("removed markers pointing at no passage: %s", dropped)
        return Answer(
            text=text,
            mode=mode,
            citations=tuple(citations),
            hits=tuple(hits),
            unsupported=tuple(unsupported),
            question=question,
            dropped_markers=tuple(dropped),
        )

    def _finish(
        self,
        answer: Answer,
        started: float,
        timings: dict[str, float],
        *,
        stream_text: bool = True,
    ) -> Iterator[str | Answer]:
        if stream_text:
            yield answer.text
        timings["total_ms"] = _ms(started)
        yield replace(answer, timings=timings)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def _reranker(settings: Settings) -> Reranker | None:
    """A cross-encoder reranker when models.txt names one and it is installed."""
    if not settings.retrieval.rerank:
        return None
    spec = spec_for("reranker")
    path = local_path(spec) if spec else None
    if path is None:
        return None
    from .rerank import CrossEncoderReranker

    return CrossEncoderReranker(path)
