"""Answers written by a local language model: the passages that fit its context window go into
the prompt (with a grammar that makes every sentence cite one, by default), and the reply
streams out raw, to be checked sentence by sentence before it is shown."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from ..errors import RagError
from ..models import TextModel
from ..records import Hit
from ..settings import GenerationSettings
from . import prompt
from .windows import windows

log = logging.getLogger(__name__)


class LLMAnswerer:
    """Has a local model write. `passages` are the hits that fit its context window; `write`
    streams its reply to them, raw: the assistant checks it sentence by sentence
    (rag/verification/streaming.py) before anyone reads it."""

    def __init__(self, generator: TextModel, settings: GenerationSettings) -> None:
        self.generator = generator
        self._settings = settings

    def passages(
        self, question: str, hits: Sequence[Hit], best: dict[int, tuple[int, int]] | None = None
    ) -> tuple[Hit, ...]:
        """What the model reads: the first `settings.passages` hits, each cut to a window
        around its best sentence (`best[i]`, offsets in hit i's document; else its opening),
        as many as fit."""
        s = self._settings
        if s.passage_chars is not None:
            hits = windows(hits, best or {}, s.passages, s.passage_chars)
        hits = hits[: s.passages]
        n_ctx = self.generator.n_ctx
        budget = n_ctx - s.max_answer_tokens - s.template_slack
        kept = prompt.fit(question, hits, self.generator.prompt_tokens, budget)
        if not kept:
            raise RagError(
                f"The model's context window ({n_ctx} tokens) cannot hold the instructions, the "
                f"question and one passage with {s.max_answer_tokens} tokens left for the "
                "answer. Raise generation.n_ctx or lower max_answer_tokens."
            )
        if len(kept) < len(hits):
            log.info("context budget: %d of %d passages fit", len(kept), len(hits))
        return tuple(kept)

    def warm_up(self) -> None:
        """Read the answer prompt's fixed opening now, for a backend that keeps openings
        (llama.cpp's): the first question then reads only its passages and itself."""
        keep = getattr(self.generator, "keep_opening", None)
        if keep is not None:
            keep(prompt.answer_prompt("warm up", []))

    def write(self, question: str, kept: Sequence[Hit]) -> Iterator[str]:
        """The model's reply to `question` over `kept` (numbered from 1), as text deltas."""
        s = self._settings
        request = prompt.answer_prompt(
            question,
            kept,
            grammar=s.grammar and self.generator.grammars,
            repeat_penalty=s.repeat_penalty,
        )
        return self.generator.stream(
            request, max_tokens=s.max_answer_tokens, temperature=s.temperature
        )


def declines(text: str) -> bool:
    """Did the model say the passages do not answer the question?"""
    return prompt.DECLINE in text
