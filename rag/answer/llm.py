"""Answers written by a local language model: the passages that fit its context window go into
the prompt, the reply streams out, and its markers are put in the one citation form (markers
that point at no passage removed and reported)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Generator, Sequence

from ..errors import RagError
from ..models import TextModel
from ..records import Hit
from ..settings import GenerationSettings
from . import prompt
from .answerer import AnswerMode, Draft, Written
from .citations import MARKER, claims, drop_invalid, normalize_markers

log = logging.getLogger(__name__)

# Models can emit control characters; they never belong in an answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class LLMAnswerer:
    mode: AnswerMode = "llm"

    def __init__(self, generator: TextModel, settings: GenerationSettings) -> None:
        self.generator = generator
        self._settings = settings

    def draft(
        self, question: str, hits: Sequence[Hit], said: str = ""
    ) -> Generator[str, None, Draft]:
        # `said` is not needed: the model sees the rewritten follow-up and writes anew.
        started = time.perf_counter()
        kept = tuple(self._fit(question, hits))
        parts: list[str] = []
        for delta in self.generator.stream(
            prompt.answer_prompt(question, kept),
            max_tokens=self._settings.max_answer_tokens,
            temperature=self._settings.temperature,
        ):
            parts.append(delta)
            yield delta
        raw = "".join(parts)
        cleaned = _CONTROL.sub("", raw).strip()
        normalized = normalize_markers(cleaned)
        written = Written(
            raw=raw,
            markers=len(MARKER.findall(normalized)),
            tokens=len(parts),
            seconds=time.perf_counter() - started,
        )
        # Only the decline phrase abstains; an empty reply is a failed answer, which the
        # verification gate replaces with quotes.
        if prompt.DECLINE in cleaned:
            return Draft("", (), kept, declined=True, written=written)
        text, dropped = drop_invalid(normalized, len(kept))
        if dropped:
            log.info("removed markers pointing at no passage: %s", dropped)
        return Draft(
            text, tuple(claims(text)), kept, dropped_markers=tuple(dropped), written=written
        )

    def _fit(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        s = self._settings
        n_ctx = self.generator.n_ctx
        budget = n_ctx - s.max_answer_tokens - s.template_slack
        kept = prompt.fit(question, hits, self.generator.count_tokens, budget)
        if not kept:
            raise RagError(
                f"The model's context window ({n_ctx} tokens) cannot hold the instructions, the "
                f"question and one passage with {s.max_answer_tokens} tokens left for the "
                "answer. Raise generation.n_ctx or lower max_answer_tokens."
            )
        if len(kept) < len(hits):
            log.info("context budget: %d of %d passages fit", len(kept), len(hits))
        return kept
