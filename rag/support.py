"""Claim support: how well does a passage back a sentence? The answer stage marks citations
verified with it and the eval uses it as its default offline judge; it depends only on the
embedding model, never on generation or on eval.

The score mixes semantic similarity (MiniLM, best-matching passage sentence) with lexical
evidence that embeddings miss (rag/lexicon.py): content words of the claim absent from the
passage, numbers that do not appear in it, polarity opposites, negation that one side has and
the other does not, and names the passage never mentions. Weights: `VerificationSettings`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.embedding import Embedder

from . import lexicon
from .sentences import sentence_spans
from .settings import VerificationSettings

CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class Support:
    score: float
    start: int  # the best-supporting sentence of the passage, offsets into the passage
    end: int


class SupportScorer:
    def __init__(self, embedder: Embedder, settings: VerificationSettings | None = None) -> None:
        self._embedder = embedder
        self.settings = settings or VerificationSettings()
        # The same passages and claims are scored many times (a claim against its citations
        # one by one and together, the eval after the assistant): splitting and encoding are
        # cached, per scorer, so a cache never outlives the embedder it holds vectors of.
        self._sentences = functools.lru_cache(maxsize=CACHE_SIZE)(self._split_and_encode)
        self._vector = functools.lru_cache(maxsize=CACHE_SIZE)(self._encode)

    @property
    def threshold(self) -> float:
        return self.settings.threshold

    def _split_and_encode(self, passage: str) -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
        spans = tuple(sentence_spans(passage)) or ((0, len(passage)),)
        return spans, self._embedder.encode([passage[s:e] for s, e in spans])

    def _encode(self, claim: str) -> np.ndarray:
        return np.asarray(self._embedder.encode([claim])[0])

    def support(self, claim: str, passage: str) -> Support:
        """How well `passage` supports `claim`, and which of its sentences does it best."""
        w = self.settings
        spans, vectors = self._sentences(passage)
        sims = vectors @ self._vector(claim)
        best = int(np.argmax(sims))
        start, end = spans[best]
        passage_stems = lexicon.content_stems(passage)
        coverage = lexicon.coverage(lexicon.content_stems(claim), passage_stems)
        score = w.similarity_weight * float(max(sims[best], 0.0))
        score += (1 - w.similarity_weight) * coverage
        if lexicon.numbers(claim) - lexicon.numbers(passage):
            score -= w.number_penalty
        if lexicon.flipped(claim, passage):
            score -= w.polarity_penalty
        if lexicon.negated(claim) != lexicon.negated(passage[start:end]):
            score -= w.negation_penalty
        if lexicon.names(claim) - passage_stems:
            score -= w.name_penalty
        return Support(score=min(max(score, 0.0), 1.0), start=start, end=end)

    def supported(self, claim: str, passage: str) -> bool:
        return self.support(claim, passage).score >= self.threshold

    def score(self, claim: str, passages: Sequence[str]) -> float:
        """Support of `claim` by the best of `passages` (0 when there are none)."""
        return max((self.support(claim, p).score for p in passages), default=0.0)
