"""Claim support: how well does a passage back a sentence? Shared by the answer stage (to mark
citations verified) and the eval stage (as its default offline judge); it depends only on the
embedding model, never on generation or on eval.

The score mixes semantic similarity (MiniLM, best-matching passage sentence) with lexical
evidence that embeddings miss: content words of the claim absent from the passage, numbers that
do not appear in it, and negation that one side has and the other does not.
"""

from __future__ import annotations

import functools
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


_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update(
    thirty="30",
    forty="40",
    fifty="50",
    hundred="100",
    thousand="1000",
    million="1000000",
    billion="1000000000",
    once="1",
    twice="2",
)
# Polarity pairs: "inferior" for "superior" keeps an embedding close and flips the claim.
_OPPOSITES = [
    tuple(pair.split("/"))
    for pair in """better/worse superior/inferior more/less
    most/least increase/decrease higher/lower larger/smaller bigger/smaller useful/useless
    success/failure easy/hard cheap/expensive solid/shaky possible/impossible always/never
    continue/stop gain/lose retain/lose value/dislike engaging/boring dominate/trail
    efficient/inefficient strong/weak rise/fall fast/slow early/late earlier/later
    agree/disagree include/exclude introduce/remove same/different expect/doubt
    optimist/skeptic win/lose benefit/harm accurate/inaccurate""".split()
]


def numbers(text: str) -> set[str]:
    """Numbers in a text, spelled-out ones as digits: "ten" and "10" are the same number."""
    found = {n.rstrip("%").replace(",", "") for n in _NUMBER.findall(text)}
    return found | {_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS}


def _flipped(claim: str, passage: str) -> bool:
    """The claim says a word whose opposite the passage says, and the passage not the word."""
    # All words, stopwords too: "more" and "less" are stopwords elsewhere.
    said, source = {stem(w) for w in words(claim)}, {stem(w) for w in words(passage)}
    for a, b in _OPPOSITES:
        a, b = stem(a), stem(b)
        if (a in said and a not in source and b in source) or (
            b in said and b not in source and a in source
        ):
            return True
    return False


def _names(text: str) -> set[str]:
    """Stems of capitalised words (names, acronyms): who did or said something. A swapped name
    barely moves an embedding but makes a claim false."""
    found = {stem(w.lower()) for w in _WORD.findall(text) if w[:1].isupper()}
    return found - STOPWORDS - _NEGATION


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

    # The same passages and claims are scored many times (a claim against its citations one by
    # one and together, the eval after the assistant): splitting and encoding are cached.
    @functools.lru_cache(maxsize=1024)  # noqa: B019 - the scorer lives as long as its embedder
    def _sentences(self, passage: str) -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
        spans = tuple(sentence_spans(passage)) or ((0, len(passage)),)
        return spans, self._embedder.encode([passage[s:e] for s, e in spans])

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def _vector(self, claim: str) -> np.ndarray:
        return np.asarray(self._embedder.encode([claim])[0])

    def support(self, claim: str, passage: str) -> Support:
        """How well `passage` supports `claim`, and which of its sentences does it best."""
        spans, vectors = self._sentences(passage)
        sentences = [passage[s:e] for s, e in spans]
        sims = vectors @ self._vector(claim)
        best = int(np.argmax(sims))
        claim_stems = content_stems(claim)
        coverage = (
            len(claim_stems & content_stems(passage)) / len(claim_stems) if claim_stems else 1.0
        )
        score = 0.55 * float(max(sims[best], 0.0)) + 0.45 * coverage
        if numbers(claim) - numbers(passage):
            score -= 0.35
        if _flipped(claim, passage):
            score -= 0.35
        if _negated(claim) != _negated(sentences[best]):
            score -= 0.35
        if _names(claim) - content_stems(passage):
            score -= 0.3
        start, end = spans[best]
        return Support(score=min(max(score, 0.0), 1.0), start=start, end=end)

    def score(self, claim: str, passages: Sequence[str]) -> float:
        """Support of `claim` by the best of `passages` (0 when there are none)."""
        return max((self.support(claim, p).score for p in passages), default=0.0)
