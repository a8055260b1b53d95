"""What writes an answer from passages: the `Answerer` protocol and the `Draft` it returns.

Two implementations: `ExtractiveAnswerer` quotes sentences (rag/answer/extractive.py) and
`LLMAnswerer` has a local model write (rag/answer/llm.py). Neither verifies its own claims: every
draft goes through the same `verify` step (rag/verification/verify.py).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ..records import Hit
from .citations import Claim

AnswerMode = Literal["llm", "extractive"]


@dataclass(frozen=True, slots=True)
class Written:
    """A language model's output as it came, for the record (rag.records.Generated)."""

    raw: str
    markers: int  # citation markers in it, valid or not
    tokens: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Draft:
    text: str  # the answer as shown, with [n] markers into `hits`
    claims: tuple[Claim, ...]
    hits: tuple[Hit, ...]  # the passages the answerer saw, numbered from 1
    notice: str = ""
    declined: bool = False  # the answerer found no answer in the passages
    dropped_markers: tuple[int, ...] = ()  # [n] that pointed at no passage, removed
    written: Written | None = None  # a model's draft: what it wrote, before any checks


class Answerer(Protocol):
    mode: AnswerMode

    def draft(
        self, question: str, hits: Sequence[Hit], said: str = ""
    ) -> Generator[str, None, Draft]:
        """Yield text deltas as the answer is written; return the draft. `said`: the answer
        a follow-up follows, not to be repeated."""
        ...
