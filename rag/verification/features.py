"""The signals the faithfulness judge combines: for each claim (a sentence of an answer), how
much of it the context holds, word by word: new words and pairs of content words, numbers and
names the context lacks, a negation or an opposite that its closest sentence does not share;
and how much of it the one place of the context it comes from holds (its window: the closest
sentence and a neighbour), where a claim that joins words from far apart says something the
context does not.

A claim's signals are aggregated over an answer by their maximum (an answer is unsupported
when its worst claim is), so one model scores a single claim and a whole answer alike. Which
signals matter, and how much, is fitted on labeled data (eval/train_judge/), not set by hand.
Tried and left out because cross-validation showed no gain: MiniLM similarity of a claim to
its closest context sentence (0.968/0.763/0.827 AUROC on HaluEval/RAGTruth/judge.jsonl with
it, 0.971/0.763/0.823 without); the claim's length (a HaluEval artefact, whose invented
answers are longer than the true ones: it cost RAGTruth 0.02); means over claims (they cost
RAGTruth's long answers 0.03).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text import lexicon
from .contradiction import Window, content_sequence, contradiction

# Split contexts cheaply: a context is only searched for the sentence closest to a claim, so
# a rare wrong boundary costs nothing, and pysbd would cost most of the judge's time.
_CONTEXT_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+[\"”’)\]]*|$)")

# Words an answer uses to talk about its sources ("Based on the provided passages, ..."): new
# to the context, yet they claim nothing about the world.
SOURCE_TALK = frozenset(
    """passage passages provided based according context given mentioned mention mentions
    answer question text document documents source sources""".split()
)

_SOURCE_TALK_STEMS = frozenset(lexicon.stem(w) for w in SOURCE_TALK)
_MARKER = re.compile(r"\[\d+(?:\s*[,;-]\s*\d+)*\]")  # a citation marker: not a number stated

CLAIM_FEATURES = (
    "novel_words",  # share of the claim's words not in the context (the overlap baseline)
    "novel_content",  # share of its content stems not in the context
    "novel_content_not_question",  # ... nor in the question
    "novel_bigrams",  # share of its pairs of successive content words not in the context
    "missing_numbers",  # numbers it states that the context does not
    "missing_names",  # capitalised names it states that the context does not
    "negation_mismatch",  # negated and its closest context sentence not, or the reverse
    "opposite",  # a word whose opposite the closest context sentence says
    "window_missing",  # share of its content stems that its window lacks
    "novel_near_pairs",  # share of its ordered pairs of content words (up to 3 apart) that
    # no context sentence holds in that order, as near: who does what to whom
    "numbers_not_window",  # numbers it states that its window does not
)
NEAR = 3  # content words apart, for novel_near_pairs
FEATURES = tuple(f"max_{name}" for name in CLAIM_FEATURES)


@dataclass(frozen=True, slots=True)
class ContextView:
    """A context prepared once for many claims: its words, stems, numbers, sentences."""

    text: str
    words: frozenset[str]
    stems: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[str]
    sentences: tuple[tuple[int, int], ...]  # spans into `text`
    sentence_stems: tuple[frozenset[str], ...]  # content stems of each sentence
    sequences: tuple[tuple[str, ...], ...]  # content stems of each sentence, in order
    near_pairs: frozenset[tuple[str, str]]  # ordered pairs up to NEAR apart in a sentence

    @classmethod
    def of(cls, text: str) -> ContextView:
        words = lexicon.words(text)
        spans = tuple(
            (m.start(), m.end()) for m in _CONTEXT_SENTENCE.finditer(text) if m.group().strip()
        ) or ((0, len(text)),)
        sequences = tuple(content_sequence(text[s:e]) for s, e in spans)
        return cls(
            text=text,
            words=frozenset(words),
            stems=frozenset(lexicon.stem(w) for w in words),
            bigrams=frozenset(itertools.pairwise(_content_stems(words))),
            numbers=frozenset(lexicon.numbers(text)),
            sentences=spans,
            sentence_stems=tuple(frozenset(lexicon.content_stems(text[s:e])) for s, e in spans),
            sequences=sequences,
            near_pairs=frozenset(p for q in sequences for p in _near_pairs(q)),
        )

    def window(self, at: int, wanted: set[str]) -> Window:
        """Sentence `at` with the neighbour that adds most of `wanted` (if one adds any)."""
        chosen = [at]
        neighbours = [i for i in (at - 1, at + 1) if 0 <= i < len(self.sentences)]
        if neighbours:
            gain = {
                i: len((wanted & self.sentence_stems[i]) - self.sentence_stems[at])
                for i in neighbours
            }
            best = max(neighbours, key=lambda i: gain[i])
            if gain[best]:
                chosen = sorted([at, best])
        start, end = self.sentences[chosen[0]][0], self.sentences[chosen[-1]][1]
        return Window(
            self.text[start:end],
            frozenset().union(*(self.sequences[i] for i in chosen)),
            tuple(self.sequences[i] for i in chosen),
        )


@dataclass(frozen=True, slots=True)
class ClaimSignals:
    values: dict[str, float]
    best: tuple[int, int]  # the closest context sentence, offsets into the context
    novel: tuple[str, ...]  # the claim's content words the context does not hold
    # What the claim changes in its window ("negation", "opposite", "number", "role swap"),
    # a source it credits that the context never names ("attribution"), or "":
    # contradiction.py. Such a claim is unsupported whatever its words.
    contradiction: str = ""
    says_nothing: bool = False  # no content word: "The answer is: [1]."


def strip_markers(claim: str) -> str:
    """The claim without its citation markers ("[1]", "[2, 3]"): they state nothing."""
    return _MARKER.sub(" ", claim)


def claim_signals(claim: str, context: ContextView, question: str) -> ClaimSignals:
    claim = strip_markers(claim)
    words = lexicon.words(claim)
    content = [
        w
        for w in words
        if w not in lexicon.STOPWORDS and w not in lexicon.NEGATIONS and w not in SOURCE_TALK
    ]
    novel = [w for w in content if lexicon.stem(w) not in context.stems]
    asked = lexicon.content_stems(question)
    # Pairs of content words, not of all words: "AlexNet in 2012" for "AlexNet (2012)" is a
    # paraphrase, and function words change in every one.
    bigrams = list(itertools.pairwise(_content_stems(words)))
    # The closest sentence: the one sharing most of the claim's content words (the first on
    # a tie). It is also what a citation quotes.
    claim_stems = {lexicon.stem(w) for w in content}
    at = max(
        range(len(context.sentences)), key=lambda i: len(claim_stems & context.sentence_stems[i])
    )
    best = context.sentences[at]
    sentence = context.text[best[0] : best[1]]
    window = context.window(at, claim_stems)
    sequence = [s for s in content_sequence(claim) if s not in _SOURCE_TALK_STEMS]
    pairs = _near_pairs(sequence)
    values = {
        "novel_words": _share(sum(w not in context.words for w in words), len(words)),
        "novel_content": _share(len(novel), len(content)),
        "novel_content_not_question": _share(
            sum(lexicon.stem(w) not in asked for w in novel), len(content)
        ),
        "novel_bigrams": _share(sum(b not in context.bigrams for b in bigrams), len(bigrams)),
        "missing_numbers": float(len(lexicon.numbers(claim) - context.numbers)),
        "missing_names": float(len(lexicon.names(claim) - context.stems)),
        "negation_mismatch": float(lexicon.negated(claim) != lexicon.negated(sentence)),
        "opposite": float(lexicon.flipped(claim, sentence)),
        "window_missing": _share(len(claim_stems - window.stems), len(claim_stems)),
        "novel_near_pairs": _share(sum(p not in context.near_pairs for p in pairs), len(pairs)),
        "numbers_not_window": float(len(lexicon.numbers(claim) - lexicon.numbers(window.text))),
    }
    return ClaimSignals(
        values,
        best,
        tuple(dict.fromkeys(novel)),
        contradiction(claim, window, context.numbers, context.stems),
        says_nothing=not says_something(claim),
    )


def says_something(claim: str) -> bool:
    """Has the claim a content word? "The answer to the question is: [1]." has none. A bare
    "Yes." or "No." is an answer to a yes/no question, not a preamble."""
    words = lexicon.words(strip_markers(claim))
    if words and set(words) <= _REPLIES:
        return True
    return any(
        w not in lexicon.STOPWORDS and w not in lexicon.NEGATIONS and w not in SOURCE_TALK
        for w in words
    )


_REPLIES = frozenset({"yes", "no"})


def answer_features(claims: Sequence[ClaimSignals]) -> np.ndarray:
    """One row of FEATURES for an answer made of `claims` (at least one)."""
    return np.array(
        [max(c.values[name] for c in claims) for name in CLAIM_FEATURES], dtype=np.float64
    )


def _near_pairs(sequence: Sequence[str]) -> list[tuple[str, str]]:
    return [
        (sequence[i], sequence[j])
        for i in range(len(sequence))
        for j in range(i + 1, min(i + 1 + NEAR, len(sequence)))
    ]


def _content_stems(words: Sequence[str]) -> list[str]:
    return [
        lexicon.stem(w)
        for w in words
        if w not in lexicon.STOPWORDS and w not in lexicon.NEGATIONS and w not in SOURCE_TALK
    ]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
