"""Hard negatives made from sentences of trainable passages: each changes one thing a
word-overlap judge cannot see, so the cross-encoder has to read meaning to reject it.

Each maker takes a sentence of the passage (and, where it needs them, the passage, another
passage's sentence and a seeded random generator) and returns the changed sentence, or None
when the sentence offers nothing to change. `true_elsewhere` is the one positive: a sentence the
passage states that is not the one a lexical match would pick, so "supported" is not learned as
"near the top of the window".
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

# Capitalised words in a row, a name or a title: "Lisa Marie Presley", "Booker Prize".
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’-]+(?:\s+(?:of\s+|de\s+|van\s+)?[A-Z][a-zA-Z'’-]+)*")
_NOT_NAMES = frozenset(
    """A An The This That These Those It Its He She They We I You His Her Their Our In On At
    For From By With After Before During When While If But And Or As Of To Since Although
    However Also Yes No Mr Mrs Ms Dr""".split()
)
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|has|have|had|can|could|will|would|should|may|might|must|did|does|do)"
    r"\b(?!\s+not\b)",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\s+not\b|n['’]t\b", re.IGNORECASE)
_CONTRACTED = re.compile(r"\b(?:can't|can’t|won't|won’t|cannot)\b", re.IGNORECASE)
_POSITIVE = {"can't": "can", "can’t": "can", "won't": "will", "won’t": "will", "cannot": "can"}
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")

Maker = Callable[..., str | None]


def names(sentence: str) -> list[str]:
    """Distinct names in order of appearance, a sentence-opening function word left out. A
    lone capitalised word opening the sentence ("Revenue rose") is not taken for a name."""
    found: list[str] = []
    for match in _NAME.finditer(sentence):
        words = match.group().split()
        if match.start() == 0 and len(words) == 1:
            continue
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words)
        if name and name not in found:
            found.append(name)
    return found


def role_swap(sentence: str) -> str | None:
    """The first two names trade places: "Anna hired Ben" -> "Ben hired Anna"."""
    found = names(sentence)
    if len(found) < 2 or found[0] in found[1] or found[1] in found[0]:
        return None
    a, b = found[0], found[1]
    marker = "\x00"
    swapped = sentence.replace(a, marker).replace(b, a).replace(marker, b)
    return swapped if swapped != sentence else None


def negation(sentence: str) -> str | None:
    """A negated sentence loses its "not"; any other gains one after its first auxiliary."""
    if _NEGATED.search(sentence):
        changed = _CONTRACTED.sub(lambda m: _POSITIVE[m.group().lower()], sentence)
        changed = _NEGATED.sub("", changed)
        return changed if changed != sentence else None
    match = _AUXILIARY.search(sentence)
    if match is None:
        return None
    return sentence[: match.end()] + " not" + sentence[match.end() :]


def changed_number(sentence: str, rng: random.Random) -> str | None:
    """One number becomes another: a year moves by a few years, any other number grows or
    shrinks by a factor a reader would notice."""
    matches = list(_NUMBER.finditer(sentence))
    if not matches:
        return None
    match = rng.choice(matches)
    text = match.group()
    value = float(text.replace(",", ""))
    if text.isdigit() and 1000 <= value <= 2100:
        new = str(int(value) + rng.choice((-7, -3, -2, -1, 1, 2, 3, 5)))
    else:
        factor = rng.choice((0.5, 0.75, 1.5, 2.0, 3.0))
        changed = value * factor if value else rng.choice((1.0, 2.0, 5.0))
        decimals = len(text.split(".")[1]) if "." in text else 0
        new = f"{changed:,.{decimals}f}" if "," in text else f"{changed:.{decimals}f}"
        if new == text:
            new = str(int(value) + 1)
    return sentence[: match.start()] + new + sentence[match.end() :]


def swapped_entity(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A name of the sentence is replaced by another name of the same passage: plausible words,
    all in the passage, put in the wrong place."""
    own = names(sentence)
    others = [n for n in names(passage) if all(n not in o and o not in n for o in own)]
    if not own or not others:
        return None
    return sentence.replace(rng.choice(own), rng.choice(others), 1)


def added_clause(sentence: str, other: str, rng: random.Random) -> str | None:
    """A true sentence with a claim from another passage tacked on: "..., and <other>"."""
    body = sentence.rstrip().rstrip(".!?")
    tail = other.strip().rstrip(".!?")
    if not body or len(tail.split()) < 4:
        return None
    first = tail.split()[0]
    if first in _NOT_NAMES:  # "The ..." -> "the ...", a name keeps its capital
        tail = tail[0].lower() + tail[1:]
    joiner = rng.choice((", and ", "; moreover, ", ", while "))
    return f"{body}{joiner}{tail}."


def true_elsewhere(sentences: list[str], chosen: int, rng: random.Random) -> str | None:
    """Another sentence of the same passage: true of it, though not the one asked about."""
    others = [s for i, s in enumerate(sentences) if i != chosen and len(s.split()) >= 5]
    return rng.choice(others) if others else None


NEGATIVE_KINDS = ("role swap", "negation", "changed number", "swapped entity", "added clause")
KINDS = (*NEGATIVE_KINDS, "true elsewhere")
