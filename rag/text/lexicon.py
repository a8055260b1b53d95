"""Words as the answer stage compares them: tokens, crude stems, stopwords, negation, numbers,
names and polarity opposites, and one `coverage()`.

Embeddings miss what these catch: a changed number, a dropped "not", a swapped name or
"inferior" for "superior" barely move a sentence vector but make a claim false. Abstention,
extractive selection, claim support and the eval all read words through this one module.
"""

from __future__ import annotations

import re
from collections.abc import Set

from index.storage.lexical import STOPWORDS as STOPWORDS  # the BM25 query leaves out the same words

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")

NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor cannot without unlikely isn't aren't
    doesn't don't didn't won't can't wasn't weren't shouldn't wouldn't hasn't haven't""".split()
)
_SUFFIXES = ("ingly", "edly", "ing", "ies", "ied", "es", "ed", "ly", "s")

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
OPPOSITES: tuple[tuple[str, str], ...] = tuple(
    (a, b)
    for a, b in (
        pair.split("/")
        for pair in """better/worse superior/inferior more/less
    most/least increase/decrease higher/lower larger/smaller bigger/smaller useful/useless
    success/failure easy/hard cheap/expensive solid/shaky possible/impossible always/never
    continue/stop gain/lose retain/lose value/dislike engaging/boring dominate/trail
    efficient/inefficient strong/weak rise/fall fast/slow early/late earlier/later
    agree/disagree include/exclude introduce/remove same/different expect/doubt
    optimist/skeptic win/lose benefit/harm accurate/inaccurate
    increase/reduce more/fewer""".split()
    )
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, typographic apostrophes made plain."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'models'/'model', 'trained'/'training'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content: stopwords and negations left out."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and w not in NEGATIONS}


def coverage(wanted: Set[str], found: Set[str]) -> float:
    """The share of `wanted` that is in `found`. Nothing wanted is fully covered (1.0): callers
    for whom an empty `wanted` means "no evidence" say so themselves."""
    return len(wanted & found) / len(wanted) if wanted else 1.0


def numbers(text: str) -> set[str]:
    """Numbers in a text, spelled-out ones as digits: "ten" and "10" are the same number."""
    found = {n.rstrip("%").replace(",", "") for n in _NUMBER.findall(text)}
    return found | {_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS}


def names(text: str) -> set[str]:
    """Stems of capitalised words (names, acronyms): who did or said something."""
    found = {stem(w.lower()) for w in _WORD.findall(text) if w[:1].isupper()}
    return found - STOPWORDS - NEGATIONS


def negated(text: str) -> bool:
    return any(w in NEGATIONS or w.endswith("n't") for w in words(text))


def flipped(claim: str, passage: str) -> bool:
    """The claim says a word whose opposite the passage says, and the passage not the word."""
    # All words, stopwords too: "more" and "less" are stopwords elsewhere.
    said, source = {stem(w) for w in words(claim)}, {stem(w) for w in words(passage)}
    for a, b in OPPOSITES:
        a, b = stem(a), stem(b)
        if (a in said and a not in source and b in source) or (
            b in said and b not in source and a in source
        ):
            return True
    return False
