"""Judges by name: does a context support an answer? All share rag.judge's interface,
`judge(context, answer, question=None) -> Judgment`, and need no index.

- `learned` (default): rag.judge.LearnedJudge, the fitted model the Assistant verifies with.
- `overlap`: the share of answer words the context lacks. The baseline to beat.
- `nli`: an NLI cross-encoder (models.txt role `judge`), 1 - entailment probability per claim.
- `llm`: the GGUF through llama.cpp, asked whether the context supports each claim.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelMissingError
from rag.models import Prompt, TextModel, find
from rag.settings import Settings
from rag.verification import (
    ClaimVerdict,
    Judge,
    Judgment,
    LearnedJudge,
    OverlapJudge,
    context_text,
    split_claims,
)

JUDGES = ("learned", "overlap", "nli", "llm")


class _ClaimByClaim:
    """A judge made of a per-claim probability of "unsupported": the answer's score is its
    worst claim's."""

    name = ""
    threshold = 0.5

    def unsupported(self, context: str, claim: str) -> float:
        raise NotImplementedError

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        text = context_text(context)
        verdicts = tuple(
            ClaimVerdict(c, self.unsupported(text, c), (0, len(text)), ())
            for c in split_claims(answer)
        )
        return Judgment(max(v.score for v in verdicts), verdicts, self.threshold)


class NLIJudge(_ClaimByClaim):
    """sentence-transformers CrossEncoder trained on NLI; label names come from its config."""

    name = "nli"

    def __init__(self, path: Path) -> None:
        self.path = path

    @functools.cached_property
    def model(self) -> Any:
        from sentence_transformers import CrossEncoder

        return CrossEncoder(str(self.path))

    @functools.cached_property
    def _entailment(self) -> int:
        labels = {int(i): str(n).lower() for i, n in self.model.config.id2label.items()}
        return next((i for i, n in labels.items() if n.startswith("entail")), 1)

    def unsupported(self, context: str, claim: str) -> float:
        logits = np.atleast_2d(self.model.predict([(context, claim)]))
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = exp / exp.sum(axis=1, keepdims=True)
        return 1.0 - float(probs[0, self._entailment])


class LLMJudge(_ClaimByClaim):
    """Statement verification with the local LLM (as RAGAS does with a hosted one)."""

    name = "llm"
    INSTRUCTIONS = "You check statements against a context, and answer Yes or No."
    PROMPT = (
        "Context:\n{context}\n\nStatement: {claim}\n\n"
        "Is the statement fully supported by the context? Answer with one word: Yes or No."
    )

    def __init__(self, generator: TextModel) -> None:
        self._generator = generator

    def unsupported(self, context: str, claim: str) -> float:
        prompt = Prompt(
            self.INSTRUCTIONS,
            self.PROMPT.format(context=context, claim=claim),
            cue="Answer (Yes or No):",
            stop=("\n",),
        )
        reply = "".join(self._generator.stream(prompt, max_tokens=4, temperature=0.0))
        word = re.findall(r"[a-z]+", reply.lower())[:1]
        return 0.0 if word == ["yes"] else 1.0 if word == ["no"] else 0.5


def make_judge(
    name: str, settings: Settings | None = None, *, generator: TextModel | None = None
) -> Judge:
    """A judge by name, from settings and installed models only: no index is opened."""
    settings = settings or Settings()
    if name == "learned":
        return LearnedJudge(
            settings.verification.threshold, min_supported=settings.verification.min_supported
        )
    if name == "overlap":
        return OverlapJudge()
    if name == "nli":
        path = find("judge")
        if path is None:
            raise ModelMissingError(
                "No NLI judge installed (cross-encoder of models.txt role 'judge'). Get it with: "
                "rag models download judge, or use the default judge: --judge learned"
            )
        return NLIJudge(path)
    if name == "llm":
        if generator is None:
            raise ModelMissingError("The llm judge needs a GGUF: rag models download llm")
        return LLMJudge(generator)
    raise ValueError(f"unknown judge {name!r}; choose from {', '.join(JUDGES)}")
