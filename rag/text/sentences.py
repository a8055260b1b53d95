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
    markers are left out, whitespace trimmed: `text[start:end]` is the sentence itself."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        mark = _LIST_MARK.match(line)
        offset = line_start + (mark.end() if mark else 0)
        body = line[mark.end() :] if mark else line
        if body.strip():
            for seg in _segmenter().segment(body):
                start, end = seg.start, seg.end
                while start < end and body[start].isspace():
                    start += 1
                while end > start and body[end - 1].isspace():
                    end -= 1
                if end > start:
                    spans.append((offset + start, offset + end))
        line_start += len(line) + 1
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
