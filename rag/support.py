"""Claim support: how well does a passage back a sentence? Shared by the answer stage (to mark
citations verified) and the eval stage (as its default offline judge); it depends only on the
embedding model, never on generation or on eval.

The score mixes semantic similarity (MiniLM, best-matching passage sentence) with lexical
evidence that embeddings miss: content words of the claim absent from the passage, numbers that
do not appear in it, and negation that one side has and the other does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.embedding import Embedder

from .sentences import sentence_spans

SUPPORT_THRESHOLD = 0.6

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_NEGATION = {
    "not",
    "no",
    "never",
    "none",
    "nobody",
    "nothing",
    "neither",
    "nor",
    "cannot",
    "without",
    "unlikely",
    "isn't",
    "aren't",
    "doesn't",
    "don't",
    "didn't",
    "won't",
    "can't",
    "wasn't",
    "weren't",
    "shouldn't",
    "wouldn't",
    "hasn't",
    "haven't",
}
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "else",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "do",
        "does",
        "did",
        "so",
        "such",
        "than",
        "too",
        "very",
        "can",
        "could",
        "should",
        "would",
        "will",
        "may",
        "might",
        "must",
        "about",
        "into",
        "over",
        "under",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "other",
        "also",
        "just",
        "only",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "not",
        "no",
    ]
)


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'models'/'model', 'trained'/'training'."""
    for suffix in ("ingly", "edly", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and w not in _NEGATION}


def _negated(text: str) -> bool:
    return any(w in _NEGATION or w.endswith("n't") for w in words(text))


@dataclass(frozen=True, slots=True)
class Support:
    score: float
    start: int  # the best-supporting sentence of the passage, offsets into the passage
    end: int


class SupportScorer:
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def support(self, claim: str, passage: str) -> Support:
        """How well `passage` supports `claim`, and which of its sentences does it best."""
        spans = sentence_spans(passage) or [(0, len(passage))]
        sentences = [passage[s:e] for s, e in spans]
        vectors = self._embedder.encode([claim, *sentences])
        sims = vectors[1:] @ vectors[0]
        best = int(np.argmax(sims))
        claim_stems = content_stems(claim)
        coverage = (
            len(claim_stems & content_stems(passage)) / len(claim_stems) if claim_stems else 1.0
        )
        score = 0.55 * float(max(sims[best], 0.0)) + 0.45 * coverage
        passage_numbers = set(_NUMBER.findall(passage))
        if any(n not in passage_numbers for n in _NUMBER.findall(claim)):
            score -= 0.35
        if _negated(claim) != _negated(sentences[best]):
            score -= 0.35
        start, end = spans[best]
        return Support(score=min(max(score, 0.0), 1.0), start=start, end=end)

    def score(self, claim: str, passages: Sequence[str]) -> float:
        """Support of `claim` by the best of `passages` (0 when there are none)."""
        return max((self.support(claim, p).score for p in passages), default=0.0)
