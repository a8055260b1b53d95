"""The citation marker contract, defined once: passages are numbered [1]..[k] in the prompt,
and an answer cites them with inline markers of exactly that form.

Small models write variants ("[1, 2]", "[Passage 1]", "【1】", "[^1]"); `normalize_markers`
rewrites them to the one form, and markers that point at no passage are removed and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import lexicon
from ..text.sentences import sentence_spans

MARKER = re.compile(r"\[(\d{1,3})\]")
_GROUP = re.compile(
    r"[\[【]\s*(?:\^|passages?|sources?|docs?|documents?)?\s*"
    r"(\d{1,3}(?:\s*(?:,|;|and|&)\s*\d{1,3})*)\s*[\]】]",
    re.IGNORECASE,
)
_ONLY_MARKERS = re.compile(r"^(?:\s*\[\d{1,3}\])+\s*[.!?]?\s*$")
_LEADING_MARKERS = re.compile(r"^((?:\s*\[\d{1,3}\])+)\s*")


# Models can emit control characters; they never belong in an answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(raw: str) -> str:
    """A model's text with control characters removed and its markers in the one form."""
    return normalize_markers(_CONTROL.sub("", raw)).strip()


def marker(n: int) -> str:
    return f"[{n}]"


def normalize_markers(text: str) -> str:
    """Rewrite marker variants as [n][m]...; leave other bracketed text alone."""

    def one(match: re.Match[str]) -> str:
        return "".join(marker(int(n)) for n in re.findall(r"\d+", match.group(1)))

    return _GROUP.sub(one, text)


def drop_invalid(text: str, passages: int) -> tuple[str, list[int]]:
    """Remove markers outside 1..passages; return the text and the numbers removed."""
    dropped: list[int] = []

    def check(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if 1 <= n <= passages:
            return match.group(0)
        dropped.append(n)
        return ""

    cleaned = MARKER.sub(check, text)
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip(), dropped


@dataclass(frozen=True, slots=True)
class Claim:
    text: str  # the sentence with its markers removed
    markers: tuple[int, ...]  # distinct, in order of appearance
    # Where the claim stands in its cited document, when it is a verbatim quote (extractive
    # answers): its citation then points at exactly this span.
    span: tuple[int, int] | None = None


def claims(text: str) -> list[Claim]:
    """Split an answer into sentences with the markers that back each one.

    A marker standing after a sentence's full stop ("... data. [2]") belongs to that sentence,
    so markers that open a sentence are given to the one before it, unless they open a line:
    "[1] Neural nets dominate..." on a line of its own cites that line. A sentence that says
    nothing ("The answer to the question is: [1].", a lead-in "In short:") is not a claim.
    """
    spans = sentence_spans(text)
    pending: list[tuple[str, list[int]]] = []
    for s, e in spans:
        sentence = text[s:e]
        lead = _LEADING_MARKERS.match(sentence)
        if lead and pending and not _opens_line(text, s):
            pending[-1][1].extend(int(n) for n in MARKER.findall(lead.group(1)))
            sentence = sentence[lead.end() :]
        if not sentence.strip() or _ONLY_MARKERS.match(sentence):
            if pending:
                pending[-1][1].extend(int(n) for n in MARKER.findall(sentence))
            continue
        pending.append((sentence, [int(n) for n in MARKER.findall(sentence)]))
    out = []
    for sentence, numbers in pending:
        bare = re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", sentence))
        bare = re.sub(r"\s{2,}", " ", bare).strip()
        if says_something(bare):
            out.append(Claim(bare, tuple(dict.fromkeys(numbers))))
    return out


# Words about the answer itself or pointers to read on, not about the documents' subject.
_ABOUT_ANSWERING = lexicon.content_stems(
    "answer answers question questions passage passages document documents text context "
    "information provided given following follows based according summary conclusion short "
    "say says said states stated mention mentioned see refer reference details note yes"
)


def says_something(sentence: str) -> bool:
    """Does `sentence` state anything that could be checked against a passage? Not a lead-in
    ending in a colon, nor one whose content words (if any) are about answering ("Based on the
    passages, the answer is as follows.", "Also see [3].", a bare "Yes."): a passage cannot
    support or contradict those, and a lexical judge would call them supported by any."""
    lead_in = sentence.rstrip(" .").endswith(":")
    return not lead_in and bool(lexicon.content_stems(sentence) - _ABOUT_ANSWERING)


def _opens_line(text: str, at: int) -> bool:
    return not text[text.rfind("\n", 0, at) + 1 : at].strip()
