"""The answer gate's rule, one place for the Assistant and the eval: may a model's answer be
shown? Enough of the sentences that say something must be supported, and one of those must
address the question: a sentence true to its passage but beside the point (a copied heading,
an unrelated sentence) does not make an answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..text import lexicon
from .features import SOURCE_TALK

Counts = Any  # an int, or a numpy array of ints


@dataclass(frozen=True, slots=True)
class Checked:
    """One sentence of an answer as the gate sees it."""

    supported: bool
    says_something: bool  # has a content word ("Here is the answer: [1]." has none)
    addresses_question: bool


def shows(sentences: Sequence[Checked], min_supported: float) -> bool:
    """At least `min_supported` of the sentences that say something are supported, and a
    supported one addresses the question. Sentences that say nothing count neither way: a
    preamble does not sink a good answer, and an answer of nothing but that is not shown."""
    said = [s for s in sentences if s.says_something]
    supported = [s for s in said if s.supported]
    on_topic = [s for s in supported if s.addresses_question]
    return bool(enough(len(said), len(supported), len(on_topic), min_supported))


def enough(said: Counts, supported: Counts, on_topic: Counts, min_supported: float) -> Counts:
    """The rule on counts: of an answer's sentences that say something (`said`), those
    supported, and those supported that address the question. Counts may be numpy arrays
    (the training script applies the rule to thousands of answers and thresholds at once)."""
    return (supported > 0) & (supported >= min_supported * said) & (on_topic > 0)


def addresses(sentence: str, question: str, evidence: str = "") -> bool:
    """Does the sentence touch what was asked: does it, or the passage's sentence that
    supports it (`evidence`), share a content word with the question? (No question: nothing to
    address.) The evidence counts because a direct answer need not repeat the question:
    "Ronald Reagan." to "Who was president in 1981?", supported by "...president in 1981...".
    Crude on purpose: what it stops is an answer made only of text beside the point, a
    copied heading or an unrelated sentence, whose own passage sentence is beside it too."""
    asked = _topic(question)
    return not asked or bool(asked & (_topic(sentence) | _topic(evidence)))


def _topic(text: str) -> set[str]:
    return {s for s in lexicon.content_stems(text) if s not in _SOURCE_TALK}


_SOURCE_TALK = frozenset(lexicon.stem(w) for w in SOURCE_TALK)
