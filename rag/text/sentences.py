"""Sentence spans with exact character offsets: quotes and claims are cut along them."""

from __future__ import annotations

import re
import threading
from typing import Any

_LIST_MARK = re.compile(r"^(?:[-*•>#]+|\d+[.)])\s+")

# pysbd keeps the text it is splitting on the Segmenter object itself, so one Segmenter shared
# by threads mixes their texts up (wrong spans, IndexError). One per thread is cheap and safe.
_local = threading.local()


def _segmenter() -> Any:
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        import pysbd

        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return segmenter


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`; lines are split first (bullets, headings), list
    markers are left out, whitespace trimmed: `text[start:end]` is the sentence itself. A line
    that stops mid-sentence goes on in the next one when that starts in lower case: a
    transcript's or a PDF's paragraph break inside a sentence ("...the generalist" / "training
    is just so that...") is not a sentence end."""
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(text):
        mark = _LIST_MARK.match(text[start:end])
        offset = start + (mark.end() if mark else 0)
        # Same length, so pysbd's offsets stay offsets into `text`.
        body = text[offset:end].replace("\n", " ")
        if body.strip():
            for seg in _segmenter().segment(body):
                s, e = seg.start, seg.end
                while s < e and body[s].isspace():
                    s += 1
                while e > s and body[e - 1].isspace():
                    e -= 1
                if e <= s:
                    continue
                if _OPENS_MID_SENTENCE.match(body[s]) and spans and spans[-1][1] >= offset:
                    # pysbd ends a sentence at an abbreviation before a semicolon ("Nordic
                    # Honey Co.; Country: Sweden"): no sentence starts with ";", it goes on.
                    spans[-1] = (spans[-1][0], offset + e)
                else:
                    spans.append((offset + s, offset + e))
    return spans


# What a sentence cannot start with: it continues the one before.
_OPENS_MID_SENTENCE = re.compile(r"[;,:)\]}]")


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, a line that stops mid-sentence joined to the next one that
    goes on with it."""
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, at + len(line)))
        at += len(line) + 1
    blocks: list[tuple[int, int]] = []
    joined_to: tuple[int, int] | None = None  # the block the lines after it may continue
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        if joined_to is not None and _goes_on(line):
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
        joined_to = blocks[-1] if stops_mid_sentence(line) else None
    return blocks


def stops_mid_sentence(text: str) -> bool:
    """Does `text` (a line, a passage) end inside a sentence: on a word or a comma, not a
    heading?"""
    last_line = text.rstrip().rsplit("\n", 1)[-1]
    return not last_line.lstrip().startswith("#") and (
        last_line[-1:].isalnum() or last_line[-1:] == ","
    )


def _goes_on(line: str) -> bool:
    body = line.lstrip()
    return body[:1].islower() and _LIST_MARK.match(body) is None


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
