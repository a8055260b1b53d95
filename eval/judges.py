"""Judges: does a set of passages support a claim? One small protocol, several backends.

- `overlap`: share of the claim's content words found in the passages. The baseline to beat.
- `minilm` (default, offline): rag.support.SupportScorer, MiniLM similarity plus lexical
  evidence (missing content words, numbers, negation).
- `nli`: an NLI cross-encoder (models.txt role `judge`): the entailment probability.
- `llm`: the GGUF through llama.cpp, asked whether the passages support the statement.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.embedding import Embedder
from rag import lexicon
from rag.generation import Generator
from rag.support import SupportScorer

JUDGES = ("minilm", "overlap", "nli", "llm")


class Judge(Protocol):
    name: str
    threshold: float  # support below this counts as unsupported

    def support(self, claim: str, passages: Sequence[str]) -> float:
        """Probability-like score in [0, 1] that the passages support the claim."""
        ...


class OverlapJudge:
    name = "overlap"
    threshold = 0.75

    def support(self, claim: str, passages: Sequence[str]) -> float:
        found = set().union(*(lexicon.content_stems(p) for p in passages))
        return lexicon.coverage(lexicon.content_stems(claim), found)


class MiniLMJudge:
    """The scorer that verifies the assistant's citations, with its threshold: one scorer."""

    name = "minilm"

    def __init__(self, embedder: Embedder, scorer: SupportScorer | None = None) -> None:
        """Pass the assistant's scorer to share its settings and its cache of split and
        encoded passages."""
        self._scorer = scorer or SupportScorer(embedder)
        self.threshold = self._scorer.threshold

    def support(self, claim: str, passages: Sequence[str]) -> float:
        return self._scorer.score(claim, passages)


class NLIJudge:
    """sentence-transformers CrossEncoder trained on NLI; label names come from its config."""

    name = "nli"
    threshold = 0.5

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

    def support(self, claim: str, passages: Sequence[str]) -> float:
        if not passages:
            return 0.0
        logits = np.atleast_2d(self.model.predict([(p, claim) for p in passages]))
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = exp / exp.sum(axis=1, keepdims=True)
        return float(probs[:, self._entailment].max())


class LLMJudge:
    """Statement verification with the local LLM (as RAGAS does with a hosted one)."""

    name = "llm"
    threshold = 0.5
    PROMPT = (
        "Context:\n{context}\n\nStatement: {claim}\n\n"
        "Is the statement fully supported by the context? Answer with one word: Yes or No."
    )

    def __init__(self, generator: Generator) -> None:
        self._generator = generator

    def support(self, claim: str, passages: Sequence[str]) -> float:
        context = "\n\n".join(passages)
        messages = [{"role": "user", "content": self.PROMPT.format(context=context, claim=claim)}]
        reply = "".join(self._generator.stream_chat(messages, max_tokens=4, temperature=0.0))
        word = re.findall(r"[a-z]+", reply.lower())[:1]
        return 1.0 if word == ["yes"] else 0.0 if word == ["no"] else 0.5


def make_judge(name: str, assistant: Any) -> Judge:
    """A judge by name, built from what the assistant (and models.txt) has."""
    from rag.errors import ModelMissingError
    from rag.models import local_path, spec_for

    if name == "overlap":
        return OverlapJudge()
    if name == "minilm":
        return MiniLMJudge(assistant.index.embedder, assistant.scorer)
    if name == "nli":
        spec = spec_for("judge")
        path = local_path(spec) if spec else None
        if path is None:
            raise ModelMissingError(
                "No NLI judge installed. Get it with: rag models download judge"
            )
        return NLIJudge(path)
    if name == "llm":
        if assistant.generator is None:
            raise ModelMissingError("The llm judge needs a GGUF: rag models download llm")
        return LLMJudge(assistant.generator)
    raise ValueError(f"unknown judge {name!r}; choose from {', '.join(JUDGES)}")
