"""What a language model reads of each passage: a window of whole sentences around the one that
best answers the question, not the whole passage.

Reading is the cost of a model's answer on a CPU: Qwen2.5-1.5B reads ~180-230 prompt tokens a
second on 2 cores, and the sample corpus's top five passages are ~1,900 tokens, ~9 s before the
first word. The windows' sizes are measured in benchmarks/llm_latency.py. A window is a contiguous
span of its passage, so the offsets of what the model cites stay exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..records import Hit
from ..text.sentences import sentence_spans

if TYPE_CHECKING:
    from .extractive import Quote


def windows(
    hits: Sequence[Hit], best: dict[int, tuple[int, int]], count: int, chars: int
) -> list[Hit]:
    """The first `count` hits, each cut to about `chars` characters of whole sentences around
    its best sentence (`best[i]`: that sentence's offsets in hit i's document), or its
    opening sentences when it has none. A sentence longer than `chars` is kept whole."""
    return [_window(hit, best.get(i), chars) for i, hit in enumerate(hits[:count])]


def _window(hit: Hit, best: tuple[int, int] | None, chars: int) -> Hit:
    chunk = hit.chunk
    spans = sentence_spans(chunk.text)
    if not spans or len(chunk.text) <= chars:
        return hit
    centre = 0
    if best is not None:
        start = best[0] - chunk.start
        centre = next((n for n, (s, e) in enumerate(spans) if s <= start < e), 0)
    first = last = centre
    # Grow a sentence at a time, the one after first (it tends to finish the thought), while
    # the window stays within `chars`.
    while True:
        grown = False
        for after in (True, False):
            lo, hi = (first, last + 1) if after else (first - 1, last)
            if lo >= 0 and hi < len(spans) and spans[hi][1] - spans[lo][0] <= chars:
                first, last, grown = lo, hi, True
        if not grown:
            break
    s, e = spans[first][0], spans[last][1]
    cut = replace(chunk, text=chunk.text[s:e], start=chunk.start + s, end=chunk.start + e)
    return replace(hit, chunk=cut)


def best_sentences(scored: Iterable[Quote]) -> dict[int, tuple[int, int]]:
    """Each hit's best sentence, from the extractive answerer's sentences, best first."""
    best: dict[int, tuple[int, int]] = {}
    for quote in scored:
        best.setdefault(quote.hit, (quote.start, quote.end))
    return best
