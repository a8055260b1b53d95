"""What a question asks for: a kind of thing (a number, a date, a person, a place) or a reason,
and whether a sentence gives it.

The extractive answer prefers sentences that give what is asked ("why" wants a reason, "how
many" a number), and a question whose kind no relevant sentence gives is a near miss: the
documents are on its topic but do not hold the asked-for figure, date or name, so quoting
on-topic sentences would be a confident non-answer. Patterns, not a model: they only have to
recognise the question forms that ask for these kinds, and they err towards "asks for nothing
in particular", which leaves the answer as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..text import lexicon

Kind = Literal["number", "date", "person", "place"]

# What the reply calls the missing thing.
KIND_NAMES: dict[Kind, str] = {
    "number": "figure",
    "date": "date",
    "person": "name",
    "place": "place",
}

_COMPARATIVE = r"(?:better|worse|more|less|\w+er)\b"
_QUANTITY_NOUNS = (
    "percentage|percent|fraction|proportion|share|accuracy|error rate|rate|score|cost|price|"
    "size|budget|number|amount|count"
)
_PATTERNS: tuple[tuple[Kind, str], ...] = (
    ("number", r"\bhow many\b"),
    ("number", rf"\bhow much\b(?!\s+{_COMPARATIVE})"),
    ("number", r"\bhow (?:long|large|big|old|fast|often)\b"),
    ("number", rf"\b(?:what|which)\s+(?:[\w-]+\s+){{0,2}}?(?:{_QUANTITY_NOUNS})\b"),
    ("date", r"\bwhen (?:did|was|were)\b"),
    ("date", r"\b(?:what|which) (?:year|date|decade|month|day)\b"),
    ("place", r"\bwhere\b.*\b(?:born|based|located|held|founded|built|headquartered)\b"),
    ("place", r"\b(?:what|which) (?:country|city|place|university|continent)\b"),
    # "Who is Ilya Sutskever?" asks who someone is, not for a name.
    ("person", r"^\W*who(?!\s+(?:is|was|are|were)\s+(?-i:[A-Z]))\b"),
    ("person", r"\bwhose\b|\b(?:which|what) (?:person|people|researcher|author|scientist)\b"),
)
_ASKS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _PATTERNS)
_WHY = re.compile(r"^\W*(?:why|how come)\b|\bwhat (?:is|was|are) the reasons?\b", re.IGNORECASE)
_REASON = re.compile(
    r"\b(?:because|since|due to|so that|the reason|reasons?|thus|therefore|hence|"
    r"as a result|leads? to|in order to|caused? by)\b",
    re.IGNORECASE,
)
# A follow-up that asks for an explanation of what was just said: its last sentence is "Why?",
# "Why not?", "How so?", "How?", "How does it work?" (not "how many/much/long/often": those
# ask for a figure).
_EXPLAIN = re.compile(
    r"(?:^|[.?!]\s+)(why|how come|how(?!\s+(?:many|much|long|often|old|far|big|large)\b))"
    r"\b[^.?!]*\?\s*$",
    re.IGNORECASE,
)
# What a sentence that explains how says: "by adding...", "through ...", "via ...".
_MEANS = re.compile(r"\b(?:by \w+ing|through|via|using)\b", re.IGNORECASE)
# "What is X?" / "What are Xs?": X, when the question asks what a thing is.
_DEFINE = re.compile(
    r"^\W*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?([^?]{2,60}?)\s*\?*\s*$", re.IGNORECASE
)
_MARKUP = re.compile(r"[*_`\[\]]")
# A sentence that only names X: "...is that of X", "...called X", "...known as X".
_NAMING = r"(?:that of|called|named|known as|namely|is|are|was|:)\s+(?:an?\s+|the\s+)?"


def wants_explanation(question: str) -> Literal["why", "how"] | None:
    """Does the question (its last sentence, for a rewritten follow-up) ask why or how?"""
    match = _EXPLAIN.search(question)
    if match is None:
        return None
    return "how" if match.group(1).lower() == "how" else "why"


def explains(sentence: str, wanted: Literal["why", "how"]) -> bool:
    """Does `sentence` give a reason ("because", "due to", "leads to") for why, or a means
    ("by doing", "through", "via") for how?"""
    pattern = _REASON if wanted == "why" else _MEANS
    return pattern.search(sentence) is not None


def only_names(question: str) -> Callable[[str], bool] | None:
    """For "What is X?": a test of whether a sentence ends by naming X ("...is that of
    *program synthesis*"), and so says that X exists, not what it is. None for another
    question."""
    match = _DEFINE.match(question)
    if match is None:
        return None
    subject = re.escape(_MARKUP.sub("", match.group(1)).strip())
    naming = re.compile(rf"{_NAMING}{subject}$", re.IGNORECASE)
    return lambda sentence: (
        naming.search(_MARKUP.sub("", sentence).strip().rstrip(".!")) is not None
    )


# A quantity on its own: not part of a name ("GPT-3", "top-5") or a timestamp ("00:02:07,410").
_QUANTITY = re.compile(r"(?<![\w:.,-])\d+(?:[.,]\d+)*%?(?![\w:-])")
_TIMESTAMP = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[,.]\d+)?")
_YEAR = re.compile(r"(?<![\w-])(1[5-9]\d\d|20\d\d)s?(?![\w-])")
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")
# Overlapping (a lookahead): "By Clara Nguyen" holds "Clara Nguyen" after the pair "By Clara".
_NAME = re.compile(r"(?=\b([A-Z][^\W\d_]+)\s+([A-Z][^\W\d_]+)\b)")
_PLACE = re.compile(r"\b(?:in|at|from|near)\s+(?:the\s+)?([A-Z][A-Za-z]+)\b")
_CAPITALISED_STOPWORDS = frozenset(w.capitalize() for w in lexicon.STOPWORDS)


@dataclass(frozen=True, slots=True)
class Asks:
    """What `question` asks for; `kind` None when it asks for no particular kind of thing."""

    question: str
    kind: Kind | None = None
    reason: bool = False
    _known: frozenset[str] = field(default=frozenset(), repr=False)  # the question's own
    _words: frozenset[str] = field(default=frozenset(), repr=False)  # in any case

    def gives(self, sentence: str) -> bool:
        """Does `sentence` hold a thing of the asked kind that the question does not name?"""
        if self.kind is None:
            return True
        if self.kind in ("person", "place"):
            # The question's own names leave first: "Nilgiri Spice Co." holds no other name
            # than the question's "Nilgiri Spice", though "Spice Co" pairs like one.
            for known in self._known:
                sentence = re.sub(re.escape(known), " ", sentence, flags=re.IGNORECASE)
        return any(
            thing not in self._known and not set(lexicon.words(thing)) <= self._words
            for thing in _found(self.kind, sentence)
        )

    def gives_reason(self, sentence: str) -> bool:
        return self.reason and _REASON.search(sentence) is not None

    def gives_rank(self, sentence: str) -> bool:
        """Is `sentence` the row of the place the question asks about ("Who won…?": "Place:
        1; Runner: Keiko Tanaka; …", "finished 1st")?"""
        if self.rank is None:
            return False
        n = re.escape(self.rank)
        return re.search(rf"\b(?:place|rank|position|pos)\W{{1,3}}{n}\b|\b{n}(?:st|nd|rd|th)\b",
                         sentence, re.IGNORECASE) is not None  # fmt: skip

    @property
    def rank(self) -> str | None:
        """The place in a ranking that the question asks about: "1" for "Who won…?" or "Who
        came first…?", "2" for "…second…"; None when it asks about none."""
        if _WON.search(self.question):
            return "1"
        match = _PLACED.search(self.question)
        return _ORDINALS[match.group(1).lower()] if match else None


def asks(question: str) -> Asks:
    kind = next((k for k, pattern in _ASKS if pattern.search(question)), None)
    known = frozenset(_found(kind, question)) if kind else frozenset()
    words = frozenset(lexicon.words(question))
    return Asks(question, kind, _WHY.search(question) is not None, known, words)


# Results tables rank by place: "Who won the marathon?" asks for the row of place 1.
_WON = re.compile(r"\b(?:won|wins?|winners?|champions?)\b", re.IGNORECASE)
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5"}
_PLACED = re.compile(
    rf"\b(?:came|finished|placed|ranked|was|is|in)\s+({'|'.join(_ORDINALS)})\b", re.IGNORECASE
)


def _title_case(text: str) -> bool:
    """A heading or a title: three in four of its longer words capitalised, and no sentence,
    field or byline ("Presented by Amara Okafor, Head of Product.", "Chair: Priya Raman",
    "Written by Jonas Weber" are as capitalised, and do name people)."""
    if _STATES.search(text.strip()):
        return False
    long = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) >= 0.75 * len(long)


_STATES = re.compile(r"[.!]$|:\s|\b[Bb]y\s+[A-Z]")


def _found(kind: Kind, text: str) -> set[str]:
    """The things of `kind` in `text`, normalised so a question's own can be left out."""
    if kind == "number":
        plain = _TIMESTAMP.sub(" ", text)
        spelled = lexicon.numbers(" ".join(w for w in lexicon.words(plain) if not w.isdigit()))
        return {n.rstrip("%").replace(",", "") for n in _QUANTITY.findall(plain)} | spelled
    if kind == "date":
        return (
            set(_YEAR.findall(text))
            | {m.lower() for m in _MONTH.findall(text)}
            | set(_NUMERIC_DATE.findall(text))
        )
    if kind in ("person", "place") and _title_case(text):
        return set()  # "There Will Be a Scientific Theory of Deep Learning" names no one
    if kind == "person":
        return {
            f"{a} {b}".lower()
            for a, b in _NAME.findall(text)
            if a not in _CAPITALISED_STOPWORDS and b not in _CAPITALISED_STOPWORDS
        }
    return {p.lower() for p in _PLACE.findall(text) if p not in _CAPITALISED_STOPWORDS}
