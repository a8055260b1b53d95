"""Judges made of a model's per-claim probability of "unsupported": the NLI cross-encoder
(models.txt role `judge`) and the local LLM asked Yes or No. Each claim is judged against the
whole context; an answer scores as its worst claim."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

from modelhome import CrossEncoderModel

from ..models import Prompt, TextModel
from .judge import ClaimVerdict, Judgment, context_text, gate_share, split_claims


class ClaimByClaim:
    """The judge protocol over `unsupported(context, claim)`."""

    name = ""
    threshold = 0.5

    def __init__(self, min_supported: float | None = None) -> None:
        self.min_supported = gate_share(min_supported)  # none was fitted with these judges

    def unsupported(self, context: str, claim: str) -> float:
        raise NotImplementedError

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        text = context_text(context)
        verdicts = tuple(self.claim(text, c) for c in split_claims(answer))
        return Judgment(max(v.score for v in verdicts), verdicts, self.threshold)

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        return ClaimVerdict(claim, self.unsupported(passage, claim), (0, len(passage)), ())


class NLIJudge(ClaimByClaim):
    """A cross-encoder trained on NLI: 1 - P(entailment); label names come from its config."""

    name = "nli"

    def __init__(self, path: Path, min_supported: float | None = None) -> None:
        super().__init__(min_supported)
        self.model = CrossEncoderModel(path)

    @functools.cached_property
    def _entailment(self) -> int:
        return self.model.label("entail", default=1)

    def unsupported(self, context: str, claim: str) -> float:
        return 1.0 - float(self.model.probabilities([(context, claim)])[0, self._entailment])


class LLMJudge(ClaimByClaim):
    """Statement verification with the local LLM (as RAGAS does with a hosted one)."""

    name = "llm"
    INSTRUCTIONS = "You check statements against a context, and answer Yes or No."
    PROMPT = (
        "Context:\n{context}\n\nStatement: {claim}\n\n"
        "Is the statement fully supported by the context? Answer with one word: Yes or No."
    )

    def __init__(self, generator: TextModel, min_supported: float | None = None) -> None:
        super().__init__(min_supported)
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
