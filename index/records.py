"""The typed, frozen records the index stage hands to later stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paged document: its 1-based number and its span in `Document.text`."""

    number: int
    start: int
    end: int


# What a page is called in each paged format (a citation's "page N"): the loaders make a slide,
# a sheet or a chapter a page (index/reading/formats); every other format's pages are pages.
PAGE_UNITS = {".pptx": "slide", ".xlsx": "sheet", ".csv": "sheet", ".epub": "chapter"}


def page_unit(source: str) -> str:
    """ "slide", "sheet", "chapter" or "page": what a page of the file `source` is called."""
    return PAGE_UNITS.get(PurePath(source).suffix.lower(), "page")


def page_label(source: str, page: int | None) -> str:
    """ "slide 3", "sheet 2", "page 7"; "" for a document without pages."""
    return "" if page is None else f"{page_unit(source)} {page}"


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document. `text` is the normalized text every offset in the index refers to."""

    id: str
    source: str  # file name, e.g. "001_a4dc316d66749b4e.txt"
    path: str  # absolute path it was loaded from; the key for incremental builds
    title: str
    text: str
    pages: tuple[Page, ...] = ()  # empty for formats without pages
    content_hash: str = ""  # sha256 of the file's bytes


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of a document: `document.text[start:end] == text` always holds."""

    id: int  # also the chunk's id in the FAISS index
    document_id: str
    text: str
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True, slots=True)
class FailedFile:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did. `failed` files were skipped; anything indexed before is kept."""

    added: int
    updated: int
    removed: int
    unchanged: int
    chunks_embedded: int
    failed: tuple[FailedFile, ...] = field(default_factory=tuple)
    # Indexed, but not whole: e.g. scanned PDF pages that could not be read without OCR.
    warnings: tuple[FailedFile, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    index_dir: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed"] = [asdict(f) for f in self.failed]
        data["warnings"] = [asdict(w) for w in self.warnings]
        data["seconds"] = round(self.seconds, 3)
        return data
