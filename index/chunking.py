"""Split document text into passages measured in the embedding model's own tokens.

langchain-text-splitters does the splitting (paragraphs, then lines, sentences, words); this
module adds what a citation needs: the exact character span of every chunk in the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .records import Page

# Coarse to fine: a chunk breaks at a paragraph if it can, a word if it must.
_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ": ", ", ", " ", ""]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    page: int | None


class Chunker:
    def __init__(
        self,
        count_tokens: Callable[[str], int],
        *,
        chunk_tokens: int,
        chunk_overlap: int,
        max_tokens: int,
    ) -> None:
        """`max_tokens` is the longest chunk, special tokens excluded, the encoder keeps whole."""
        if chunk_tokens > max_tokens:
            raise ValueError(
                f"chunk_tokens={chunk_tokens} exceeds what the encoder keeps ({max_tokens}); "
                "longer chunks would be truncated silently"
            )
        self._count = count_tokens
        self._max = max_tokens
        self._splitter = self._make(chunk_tokens, chunk_overlap)

    def _make(self, size: int, overlap: int) -> RecursiveCharacterTextSplitter:
        # keep_separator="end" leaves sentence punctuation on the sentence it closes, and
        # makes every chunk a contiguous slice of the input (pieces are joined with "").
        return RecursiveCharacterTextSplitter(
            separators=_SEPARATORS,
            keep_separator="end",
            chunk_size=size,
            chunk_overlap=overlap,
            length_function=self._count,
            strip_whitespace=True,
        )

    def spans(self, text: str, pages: tuple[Page, ...] = ()) -> list[Span]:
        """Chunk spans of `text`; with pages, chunks never cross a page boundary."""
        regions: list[tuple[int, int, int | None]] = [
            (p.start, p.end, p.number) for p in pages
        ] or [(0, len(text), None)]
        spans: list[Span] = []
        for start, end, page in regions:
            spans.extend(
                Span(start + s, start + e, page)
                for s, e in self._split(text[start:end], self._splitter)
            )
        return spans

    def _split(
        self, text: str, splitter: RecursiveCharacterTextSplitter
    ) -> Iterator[tuple[int, int]]:
        prev_start, prev_end = -1, 0
        for piece in splitter.split_text(text):
            # Each chunk starts after the previous one starts and ends no earlier than it ends.
            # Searching from there finds the right occurrence unless the text repeats itself
            # exactly; even then the offsets point at an identical slice of the text.
            start = text.find(piece, max(prev_start + 1, prev_end - len(piece)))
            if start < 0:  # cannot happen with contiguous pieces; never emit a wrong offset
                raise AssertionError(f"chunk not found in its text: {piece[:40]!r}")
            end = start + len(piece)
            if self._count(piece) > self._max:
                # Token counts of joined pieces can exceed their sum at odd boundaries;
                # re-split rather than let the encoder drop the tail.
                finer = self._make(max(16, self._max // 2), 0)
                yield from ((start + s, start + e) for s, e in self._split(piece, finer))
            else:
                yield start, end
            prev_start, prev_end = start, end
