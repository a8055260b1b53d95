"""What a question pins its answer to: the years, figures, codes and names it gives ("in 2019",
"in Q3", "invoice 2024-0719", "Project Heron"). A passage about the same topic that never
mentions one of them answers another question: the 2023 figure for "…in 2019?", the total
budget for "…on marketing in Q3?". Quoting it would be a confident wrong answer, so a term the
documents never mention makes the question a near miss, and the reply names what is missing.

Words, not meaning: a term counts as mentioned when its word (stemmed, any case) is anywhere in
a document the answer draws on or in that document's file name. That errs towards answering:
it declines only what those documents do not say at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..text import lexicon

# A token with a digit ("2019", "Q3", "2024-0719", "GPT-3"), or a capitalised word that is not
# the question's first: a name ("Heron", "Lindqvist", "AlexNet").
_TERM = re.compile(r"[^\W_]*\d[\w-]*|(?<![.?!]\s)(?<!^)\b[A-Z][\w-]*")


def terms(question: str) -> list[str]:
    """The years, figures, codes and names in `question`, in order, once each."""
    found = []
    for sentence in re.split(r"(?<=[?.!])\s+", question.strip()):
        for match in _TERM.finditer(sentence.strip()):
            term = match.group(0).strip("-")
            if term and term.lower() not in lexicon.STOPWORDS and term not in found:
                found.append(term)
    return found


def vocabulary(text: str) -> frozenset[str]:
    """The stemmed words of `text`, in any case: what it mentions."""
    words = lexicon.words(text.replace("_", " "))
    # "DeepMind's work" mentions DeepMind.
    return frozenset(lexicon.stem(w.removesuffix("'s")) for w in words)


def unmentioned(question: str, vocabularies: Iterable[frozenset[str]]) -> list[str]:
    """The terms of `question` that none of the `vocabularies` (of the documents the answer
    draws on, their file names included) holds; [] when they hold all of them."""
    known = frozenset().union(*vocabularies)
    return [t for t in terms(question) if not vocabulary(t) <= known]
