"""Claims that say something else than the very sentence they come from: the same words with a
negation added or dropped, a word turned into its opposite, a number or date changed, or who
does what to whom swapped. Word overlap passes such a claim, since nearly all of its words are
in the context; these checks look at the passage's sentence that holds the claim's words.

Each check fires only when that sentence (with its neighbour) holds most of the claim's
content words: then the claim is about what the sentence says, and a difference is a change
of meaning, not a different topic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import lexicon

# A claim is about its window when the window holds this share of its content words (numbers
# left out: a changed number is what one check looks for). A changed number or an opposite
# word is checked from ABOUT on; a negation or a swap, which the words alone do not show,
# only from CLOSE on: on the 2,457 supported QA answers of ../shared/data/grounding, at 0.75
# a negation fired on 4.5 % of them (paraphrases: "avoid letting" for "don't allow"), at
# 0.9 on 1.3 %.
ABOUT = 0.75
CLOSE = 0.9
SCOPE = 1  # content words a negation governs: the next one
# Who does what: a swap is looked for where the claim's subject meets its verb, in its
# first content words. Checked along the whole claim, the recombination check fired on 13 %
# of the supported grounding QA answers (longer claims join facts legitimately).
SUBJECT = 4
MIN_WORDS = 3  # a claim of fewer content words (a heading) is not checked
# Verbs that negate what follows as "not" does: "avoid letting the soil dry" says what
# "don't allow the soil to dry" says.
NEGATING = frozenset("avoid avoiding prevent prevents fail fails lack lacks refrain unable".split())
_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")


@dataclass(frozen=True, slots=True)
class Window:
    """The context's sentence closest to a claim, with the neighbour that adds most of the
    claim's words: a claim often joins two sentences."""

    text: str
    stems: frozenset[str]
    sequences: tuple[tuple[str, ...], ...]  # content stems of each sentence, in order


def content_sequence(text: str) -> tuple[str, ...]:
    return tuple(
        lexicon.stem(w)
        for w in lexicon.words(text)
        if w not in lexicon.STOPWORDS and w not in lexicon.NEGATIONS
    )


def contradiction(claim: str, window: Window, context_numbers: frozenset[str]) -> str:
    """The kind of change the claim makes to its window ("negation", "opposite", "number",
    "role swap"), or "" when none is found or the claim is not about the window."""
    sequence = content_sequence(claim)
    stems = {s for s in sequence if not s[:1].isdigit()}
    if len(stems) < MIN_WORDS:
        return ""
    held = len(stems & window.stems) / len(stems)
    if held < ABOUT:
        return ""
    if lexicon.flipped(claim, window.text):
        return "opposite"
    if _changed_number(claim, window.text, context_numbers):
        return "number"
    if held < CLOSE:
        return ""
    if _negation_differs(claim, window.text):
        return "negation"
    if _swapped(sequence, window) or _recombined(sequence[:SUBJECT], window):
        return "role swap"
    return ""


def negation_scope(text: str) -> tuple[set[str], set[str]]:
    """The content stems a negation governs (the next few content words after "not", "no",
    "never", "n't" in the same sentence) and those said plainly."""
    negated: set[str] = set()
    plain: set[str] = set()
    for sentence in re.split(r"[.;:!?,]", text):
        left = 0
        for word in lexicon.words(sentence):
            if word in lexicon.NEGATIONS or word in NEGATING or word.endswith("n't"):
                left = SCOPE
                continue
            if word in lexicon.STOPWORDS:
                continue
            (negated if left else plain).add(lexicon.stem(word))
            left = max(left - 1, 0)
    return negated, plain


def _negation_differs(claim: str, window: str) -> bool:
    """A word the claim negates that the window says plainly and never negated, or the
    reverse: "neural nets do not dominate unstructured data" against "... dominate ..."."""
    claim_negated, claim_plain = negation_scope(claim)
    window_negated, window_plain = negation_scope(window)
    return bool(
        (claim_negated & window_plain) - window_negated
        or (window_negated & claim_plain) - claim_negated - window_plain
    )


def _changed_number(claim: str, window: str, context_numbers: frozenset[str]) -> bool:
    """The claim states a number the context never does, where its window states another of
    the same kind (a year for a year): "AlexNet (2015)" for "AlexNet (2012)"."""
    stated = lexicon.numbers(claim) - context_numbers
    near = lexicon.numbers(window)
    return any(any(bool(_YEAR.match(n)) == bool(_YEAR.match(m)) for m in near) for n in stated)


def _swapped(sequence: Sequence[str], window: Window) -> bool:
    """Three successive content words of the claim that the window holds, each next to the
    other, yet never in this order: "tree methods dominate unstructured" from "neural nets
    dominate unstructured data; tree methods dominate tabular data"."""
    for a, b, c in zip(sequence, sequence[1:], sequence[2:], strict=False):
        if len({a, b, c}) < 3 or not {a, b, c} <= window.stems:
            continue
        triples = {t for s in window.sequences for t in zip(s, s[1:], s[2:], strict=False)}
        if any(t[1] == b and (t[0] == a) != (t[2] == c) for t in triples) and not any(
            (a, b, c) == t for t in triples
        ):
            # b is said with a (then something else) and with c (after something else):
            # each other part belongs to something the claim does not name.
            after = {t[2] for t in triples if t[:2] == (a, b)}
            before = {t[0] for t in triples if t[1:] == (b, c)}
            if after - set(sequence) and before - set(sequence):
                return True
    return False


def _recombined(sequence: Sequence[str], window: Window) -> bool:
    """Two successive content words of the claim that no sentence of the window says together,
    where the second's sentence says it of something else (a content word before it that the
    claim does not have): "The mayor approved the budget" from "The committee approved the
    budget. The mayor vetoed the proposal." A pronoun ("It was trained on...") is no content
    word, so a claim that joins a sentence to its neighbour about the same thing passes."""
    claimed = set(sequence)
    for a, b in itertools.pairwise(sequence):
        if a == b or any(a in s and b in s for s in window.sequences):
            continue
        if not any(a in s for s in window.sequences):
            continue
        for s in window.sequences:
            at = [i for i, stem in enumerate(s) if stem == b]
            if at and all(i > 0 and s[i - 1] not in claimed for i in at):
                return True
    return False
