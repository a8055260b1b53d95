"""What a question pins its answer to: a period ("in 2019", "in Q3", "FY2023") or a code
("invoice 2024-0720", "GPT-3"). A passage on the same topic that never mentions the pin, while
the sentences quoted from it give another of the same kind (the 2023 figure for "…in 2019?",
the 2024 budget for "…in Q3?", invoice 2024-0719 for "…2024-0720?"), answers another question:
quoting it would pass one year's figure off as another's. Such a question is a near miss, and
the reply names the pin the documents lack.

Words, not meaning, and only pins with a rival: names are not checked (a Wikipedia passage
about "Malcolm Smith" calls him "Smith"), nor a year the quotes have no other year beside
("New Faces of 1952" answered by "It helped jump start the careers of…"). On HaluEval's QA
passages the rule declines 3 % of answerable questions at most (`rag eval qa`), where
requiring every name and figure of the question declined 36 %.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from index import Index

from ..text import lexicon
from ..text.memo import Memo

Shape = Literal["period", "code"]

_TOKEN = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")
_PERIOD = re.compile(r"(?:1[5-9]\d\d|20\d\d)s?|[QH][1-4]|FY\d{2,4}", re.IGNORECASE)
_CODE = re.compile(r"(?=[\w/-]*\d)[^\W_]+(?:[-/][^\W_]+)+")


def shape(token: str) -> Shape | None:
    """ "period" for a year, a quarter, a half or a fiscal year; "code" for a token of parts
    joined by "-" or "/" with a digit ("2024-0719", "GPT-3"); None for anything else."""
    if _PERIOD.fullmatch(token):
        return "period"
    if _CODE.fullmatch(token):
        return "code"
    return None


def pins(question: str) -> list[str]:
    """The periods and codes in `question`, in order, once each."""
    return list(dict.fromkeys(t for t in _TOKEN.findall(question) if shape(t) is not None))


def vocabulary(text: str) -> frozenset[str]:
    """What `text` mentions: its words and its tokens of several parts ("2024-0719"), lower
    case. "DeepMind's" mentions "deepmind"."""
    words = lexicon.words(text.replace("_", " "))
    return frozenset(
        {w.removesuffix("'s") for w in words} | {t.lower() for t in _TOKEN.findall(text)}
    )


def unmatched(
    question: str, vocabularies: Iterable[frozenset[str]], quotes: Sequence[str]
) -> list[str]:
    """The pins of `question` that none of the `vocabularies` (of the documents the answer
    quotes, their file names included) mentions, while one of the `quotes` gives another of
    the same shape and is about what the question asks (it holds `ABOUT` of the question's
    other content words: "The average lead concentration … in 2023 was 3.1" for "What was
    the average lead concentration in 2019?", not a film's "2007" for an actor's "1965").
    [] when there is none."""
    found = pins(question)
    if not found:
        return []
    known = frozenset().union(*vocabularies)
    wanted = lexicon.content_stems(question) - {p.lower() for p in found} - _ASKING
    rivals: set[Shape | None] = set()
    for quote in quotes:
        if lexicon.coverage(wanted, lexicon.content_stems(quote)) >= ABOUT:
            rivals |= {shape(t) for t in _TOKEN.findall(quote)}
    return [p for p in found if p.lower() not in known and shape(p) in rivals]


ABOUT = 0.5
# The asking of "how much", "how many": not what the question is about.
_ASKING = frozenset({"much", "many", "long", "often", "far"})


VOCABULARIES = 256  # documents whose words are kept


class Pins:
    """The pin check over one index: what each document mentions is read once (a bounded,
    thread-safe memo, shared by requests)."""

    def __init__(self, idx: Index) -> None:
        self._index = idx
        self._vocabulary = Memo(self._read, VOCABULARIES)

    def notice(self, question: str, quotes: Sequence[tuple[str, str]]) -> str:
        """ "Your documents don't mention “2019”." when `question` is a near miss, given the
        best quotes as (document id, text); "" otherwise. Another document that names the
        year ("2023" in a water report) does not make this one's figure that year's."""
        documents = sorted({document for document, _ in quotes})
        missing = unmatched(
            question, map(self._vocabulary, documents), [text for _, text in quotes]
        )
        return f"Your documents don't mention {listed(missing)}." if missing else ""

    def _read(self, document_id: str) -> frozenset[str]:
        document = self._index.document(document_id)
        return vocabulary(f"{document.source} {document.text}") if document else frozenset()


def listed(terms: Sequence[str]) -> str:
    """ "“Q3”", "“Q3” or “2019”", "“Q3”, “2019” or “H1”"."""
    quoted = [f"“{t}”" for t in terms]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
