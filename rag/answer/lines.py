"""What a line of a passage is, for the extractive answer: a heading (matched with the
sentences under it, never quoted), a fragment, an answer-like sentence, or a short line that
states a fact ("Chair: Priya Raman", "Written by Jonas Weber", "March 2024")."""

from __future__ import annotations

import re
from collections.abc import Sequence

_ONLY_LINK = re.compile(r"^\W*!?\[[^\]]*\]\([^)]*\)\W*$")


def continued(text: str, spans: Sequence[tuple[int, int]], j: int) -> str:
    """The sentence that the j-th one continues, when it starts in lower case."""
    s, _ = spans[j]
    if j == 0 or not text[s : s + 1].islower():
        return ""
    ps, pe = spans[j - 1]
    return text[ps:pe]


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def answer_like(text: str, at: int, sentence: str, min_words: int) -> bool:
    """Not a heading, a lead-in ("Key topics include:"), a question, a link alone (a title
    line like "[The Limitations of Deep Learning](https://...)"), or a fragment."""
    if text[_line_start(text, at) : at].lstrip().startswith("#"):
        return False
    if _ONLY_LINK.match(sentence):
        return False
    if sentence.endswith(("?", ":")):
        return False
    words = len(sentence.split())
    return words >= min_words and (words >= 8 or sentence[-1] in '.!"”’)')


def fact_line(text: str, at: int, sentence: str) -> bool:
    """Slides, minutes, title pages and bylines say who and when in short lines of their own:
    "Chair: Priya Raman", "Written by Jonas Weber", "March 2024". Such a line states a fact (a
    title such as "Bike repair guide" does not) and may answer a question asking for it."""
    if text[_line_start(text, at) : at].lstrip().startswith("#") or sentence.endswith("?"):
        return False
    return _whole_line(text, at, sentence) and states_fact(sentence)


def states_fact(line: str) -> bool:
    """A short line that states a fact: a field, a byline or a date. A longer line with a
    colon is a heading ("History: why deep learning took off when it did")."""
    return len(line.split()) <= FACT_LINE_WORDS and _FACT_LINE.search(line) is not None


FACT_LINE_WORDS = 6
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FACT_LINE = re.compile(
    r"^[^\W\d_][^:]{0,40}:\s*\w"  # a field: "Chair: Priya Raman"
    r"|\b[Bb]y\s+[A-Z][^\W\d_]+"  # a byline: "Presented by Amara Okafor"
    rf"|^(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}},?)?\s+\d{{4}}\.?$"  # "March 2024"
)


def _whole_line(text: str, at: int, sentence: str) -> bool:
    """Is `sentence`, found at `at` in `text`, a line of its own?"""
    end = at + len(sentence)
    return not text[_line_start(text, at) : at].strip() and not text[end:].split("\n", 1)[0].strip()


def heading_above(text: str, at: int, *, record: bool = False) -> str:
    """The nearest line above `at` that is a heading or a question, if it is close by. For a
    field of a `record` ("Minutes taken by: Tom Hale"), the fields above it ("Chair: Priya
    Raman") are its siblings, not its heading: the line above them all is."""
    line_start = _line_start(text, at)
    lines = text[:line_start].rstrip("\n").split("\n")[-4:]
    for line in reversed(lines):
        line = line.strip().lstrip("#").strip()
        if line.endswith("?") or (
            line
            and not line.startswith(("-", "*", ">"))
            and len(line.split()) <= 12
            and line[-1] not in ".!"
            and not (record and states_fact(line))
        ):
            return line
    return ""
