"""The two ways an answer is written (`AnswerMode`) and the extractive answerer's `Draft`.

`ExtractiveAnswerer` quotes sentences (rag/answer/extractive.py); `LLMAnswerer` has a local
model write (rag/answer/llm.py), its reply streamed raw. Neither verifies its own claims: a
draft goes through `verify` (rag/verification/verify.py), a model's reply through the same
checks sentence by sentence as it streams (rag/verification/streaming.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..records import Hit
from .citations import Claim

AnswerMode = Literal["llm", "extractive"]


@dataclass(frozen=True, slots=True)
class Draft:
    text: str  # the answer as shown, with [n] markers into `hits`
    claims: tuple[Claim, ...]
    hits: tuple[Hit, ...]  # the passages the answerer saw, numbered from 1
    notice: str = ""
