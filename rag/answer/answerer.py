"""What writes an answer from passages: the `Answerer` protocol and the `Draft` it returns.

`ExtractiveAnswerer` quotes sentences (rag/answer/extractive.py); `LLMAnswerer` has a local
model write (rag/answer/llm.py), its reply streamed raw. Neither verifies its own claims: a
draft goes through `verify` (rag/verification/verify.py), a model's reply through the same
checks sentence by sentence as it streams (rag/verification/streaming.py).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ..records import Hit
from .citations import Claim

AnswerMode = Literal["llm", "extractive"]


@dataclass(frozen=True, slots=True)
class Draft:
    text: str  # the answer as shown, with [n] markers into `hits`
    claims: tuple[Claim, ...]
    hits: tuple[Hit, ...]  # the passages the answerer saw, numbered from 1
    notice: str = ""


class Answerer(Protocol):
    mode: AnswerMode

    def draft(
        self, question: str, hits: Sequence[Hit], said: str = ""
    ) -> Generator[str, None, Draft]:
        """Yield text deltas as the answer is written; return the draft. `said`: the answer
        a follow-up follows, not to be repeated."""
        ...
