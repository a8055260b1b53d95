"""One file's bytes -> its document and chunk spans: the per-file work of a build.

Pure of any index state, so a local build runs it in its own process and a cluster build
(index/building/cluster.py) runs it on a Ray actor on any machine, with the same result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..chunking import Chunker
from ..embedding import Embedder
from ..errors import IndexStageError, LoadError
from ..reading.loaders import load_bytes, read_bytes, require_supported
from ..records import Document, FailedFile

Span = tuple[str, int, int, int | None]  # text, start, end, page


@dataclass(frozen=True)
class Prepared:
    document: Document
    spans: list[Span]
    warnings: tuple[str, ...] = ()  # e.g. scanned pages read without OCR


@dataclass(frozen=True)
class Change:
    """A file whose bytes differ from what the index holds (or that it does not hold)."""

    path: Path
    data: bytes
    content_hash: str


@dataclass
class Changes:
    """What a scan of the listed files found; `unchanged` and `failed` fill as it is read."""

    unchanged: int = 0
    failed: list[FailedFile] = field(default_factory=list)

    def read(self, files: Sequence[Path], hashes: dict[str, str]) -> Iterator[Change]:
        """The changed files, one at a time (a file's bytes are held only while it is
        worked on); unchanged ones (same sha256 as indexed) are counted, unreadable listed."""
        for file in files:
            try:
                require_supported(file)  # before reading: no need to hash what cannot load
                data = read_bytes(file)
            except LoadError as exc:
                self.failed.append(FailedFile(str(file), exc.reason))
                continue
            content_hash = hashlib.sha256(data).hexdigest()
            if hashes.get(str(file)) == content_hash:
                self.unchanged += 1
            else:
                yield Change(file, data, content_hash)


def document_id(path: str, content_hash: str) -> str:
    return hashlib.sha256(f"{path}\0{content_hash}".encode()).hexdigest()[:16]


def make_chunker(embedder: Embedder, chunk_tokens: int, chunk_overlap: int) -> Chunker:
    try:
        return Chunker(
            embedder.count_tokens,
            chunk_tokens=chunk_tokens,
            chunk_overlap=chunk_overlap,
            max_tokens=embedder.max_tokens - 2,  # room for [CLS] and [SEP]
        )
    except ValueError as exc:
        raise IndexStageError(f"{exc}: lower chunk_tokens for {embedder.name}") from exc


def prepare(change: Change, chunker: Chunker) -> Prepared | FailedFile:
    """Load and chunk one changed file; a file that cannot be loaded comes back as failed."""
    file = change.path
    try:
        loaded = load_bytes(file, change.data)
    except LoadError as exc:
        return FailedFile(str(file), exc.reason)
    doc = Document(
        id=document_id(str(file), change.content_hash),
        source=file.name,
        path=str(file),
        title=loaded.title,
        text=loaded.text,
        pages=loaded.pages,
        content_hash=change.content_hash,
    )
    spans = [
        (doc.text[s.start : s.end], s.start, s.end, s.page)
        for s in chunker.spans(doc.text, doc.pages)
    ]
    return Prepared(doc, spans, tuple(loaded.warnings))
