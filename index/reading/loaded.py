"""What a loader returns: a document's normalized text, its pages, its title, and warnings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import LoadError
from ..records import Page
from .normalize import normalize_text

PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class LoadedText:
    text: str
    pages: tuple[Page, ...] = ()  # pages, slides, chapters or sheets: what a citation names
    title: str = ""
    # Loaded, but not all of it: e.g. PDF pages without a text layer that OCR could not read.
    warnings: tuple[str, ...] = ()


def one_page(text: str, title: str = "") -> LoadedText:
    """A document without pages, or a LoadError when it holds no text."""
    text = normalize_text(text)
    if not text:
        raise LoadError("no text content")
    return LoadedText(text=text, title=title)


def join_pages(raw_pages: Sequence[str], empty: str = "no text content") -> LoadedText:
    """Normalize each page and join them, remembering where each page (numbered from 1) lies
    in the text. Blank pages hold nothing to cite and are left out. All pages blank: a
    LoadError saying `empty`."""
    parts: list[str] = []
    pages: list[Page] = []
    cursor = 0
    for number, raw in enumerate(raw_pages, start=1):
        text = normalize_text(raw)
        if not text:
            continue
        if parts:
            cursor += len(PAGE_SEPARATOR)
        pages.append(Page(number=number, start=cursor, end=cursor + len(text)))
        parts.append(text)
        cursor += len(text)
    if not parts:
        raise LoadError(empty)
    return LoadedText(text=PAGE_SEPARATOR.join(parts), pages=tuple(pages))
