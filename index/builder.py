"""Incremental, crash-safe index builds.

Only new or changed files (by the sha256 of their bytes) are loaded, chunked and embedded;
files gone from a scanned folder are removed. All the slow work happens before anything is
written, then a complete new snapshot is written aside and published with one rename.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .chunking import Chunker
from .embedding import Embedder, load_embedder
from .errors import IndexMismatchError, IndexNotFoundError, IndexStageError, LoadError
from .loaders import load_bytes, read_bytes, require_supported
from .manifest import Manifest, now
from .reader import check_compatible
from .records import BuildReport, Document, FailedFile
from .settings import IndexSettings, default_index_dir
from .snapshot import (
    MANIFEST,
    STORE,
    VECTORS,
    build_lock,
    collect_garbage,
    current_snapshot,
    new_snapshot,
    publish,
)
from .sqlite_store import ChunkStore
from .vectors import VectorStore

log = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 600.0


@dataclass
class _Scan:
    files: list[Path] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)  # folders: what vanished from them goes
    failed: list[FailedFile] = field(default_factory=list)


@dataclass(frozen=True)
class _Prepared:
    document: Document
    spans: list[tuple[str, int, int, int | None]]  # text, start, end, page


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _scan(paths: Iterable[str | Path]) -> _Scan:
    scan = _Scan()
    for arg in paths:
        path = Path(arg).expanduser()
        if not path.exists():
            scan.failed.append(FailedFile(str(arg), "no such file or directory"))
        elif path.is_dir():
            root = path.resolve()
            scan.roots.append(root)
            found = len(scan.files)
            for dirpath, dirnames, filenames in os.walk(
                root,
                onerror=lambda e: scan.failed.append(
                    FailedFile(str(e.filename), e.strerror or str(e))
                ),
            ):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    file = Path(dirpath) / name
                    if _hidden(file, root):
                        continue
                    if not file.exists():
                        scan.failed.append(FailedFile(str(file), "broken symbolic link"))
                    else:
                        scan.files.append(file)
            if len(scan.files) == found:
                scan.failed.append(FailedFile(str(arg), "no documents found in this folder"))
        else:
            scan.files.append(path.resolve())
    scan.files = sorted(set(scan.files))
    return scan


def _document_id(path: str, content_hash: str) -> str:
    return hashlib.sha256(f"{path}\0{content_hash}".encode()).hexdigest()[:16]


def _embed(embedder: Embedder, texts: Sequence[str], batch: int, progress: bool) -> np.ndarray:
    """Encode longest-first in large groups (less padding per batch), one progress bar."""
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    group = batch * 8
    with tqdm(total=len(texts), unit="chunk", desc="Embedding", disable=not progress) as bar:
        for at in range(0, len(order), group):
            ids = order[at : at + group]
            vectors[ids] = embedder.encode([texts[i] for i in ids])
            bar.update(len(ids))
    return vectors


def _chunker(settings: IndexSettings, embedder: Embedder) -> Chunker:
    try:
        return Chunker(
            embedder.count_tokens,
            chunk_tokens=settings.chunk_tokens,
            chunk_overlap=settings.chunk_overlap,
            max_tokens=embedder.max_tokens - 2,  # room for [CLS] and [SEP]
        )
    except ValueError as exc:
        raise IndexStageError(f"{exc}: lower chunk_tokens for {embedder.name}") from exc


def _chunking(settings: IndexSettings, embedder: Embedder) -> dict[str, object]:
    return {
        "splitter": "langchain_text_splitters.RecursiveCharacterTextSplitter",
        "length": f"tokens of {embedder.name}",
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
    }


@dataclass
class _Base:
    """What a build adds to: the published snapshot and its manifest (None for a new index
    or a rebuild), and the embedder and chunking the new chunks must share with it."""

    index_dir: Path
    previous: Path | None
    old: Manifest | None
    embedder: Embedder
    chunking: dict[str, object]
    hashes: dict[str, str]  # path -> content hash of what the index holds
    checked_dimension: bool = False

    def check_dimension(self) -> None:
        """Once the model is loaded anyway (the first changed file): its dimension and
        encoder must be the index's."""
        if self.old is not None and not self.checked_dimension:
            e = self.embedder
            check_compatible(self.old, e.name, self.index_dir, e.dimension, e.encoder)
        self.checked_dimension = True


def _base(
    index_dir: Path, settings: IndexSettings, embedder: Embedder | None, rebuild: bool
) -> _Base:
    previous = None if rebuild else current_snapshot(index_dir)
    old = Manifest.read(previous / MANIFEST) if previous else None
    # An index keeps its encoder: vectors added to it must be comparable with its own.
    encoder = old.encoder if old else settings.encoder
    embedder = embedder or load_embedder(settings.embedding_model, encoder)
    chunking = _chunking(settings, embedder)
    if old is not None:
        # Name only: the dimension needs the model loaded, which waits until needed.
        check_compatible(old, embedder.name, index_dir)
        if old.chunking != chunking:
            raise IndexMismatchError(
                f"The index at {index_dir} was chunked with {old.chunking}, but the settings "
                f"ask for {chunking}. Rebuild it: rag index build PATH... --index-dir "
                f"{index_dir} --rebuild"
            )
    hashes = dict(old.documents) if old else {}
    return _Base(index_dir, previous, old, embedder, chunking, hashes)


@dataclass
class _Read:
    prepared: list[_Prepared] = field(default_factory=list)
    unchanged: int = 0
    failed: list[FailedFile] = field(default_factory=list)
    warnings: list[FailedFile] = field(default_factory=list)


def _read(files: Sequence[Path], base: _Base, settings: IndexSettings) -> _Read:
    """Load and chunk the files whose content changed; count the unchanged, list failures."""
    read = _Read()
    chunker: Chunker | None = None  # needs the model's tokenizer: made on first change
    for file in files:
        try:
            require_supported(file)  # before reading: no need to hash what cannot load
            data = read_bytes(file)
            content_hash = hashlib.sha256(data).hexdigest()
            if base.hashes.get(str(file)) == content_hash:
                read.unchanged += 1
                continue
            loaded = load_bytes(file, data)
        except LoadError as exc:
            read.failed.append(FailedFile(str(file), exc.reason))
            continue
        read.warnings += [FailedFile(str(file), warning) for warning in loaded.warnings]
        doc = Document(
            id=_document_id(str(file), content_hash),
            source=file.name,
            path=str(file),
            title=loaded.title,
            text=loaded.text,
            pages=loaded.pages,
            content_hash=content_hash,
        )
        if chunker is None:
            base.check_dimension()
            chunker = _chunker(settings, base.embedder)
        spans = [
            (doc.text[s.start : s.end], s.start, s.end, s.page)
            for s in chunker.spans(doc.text, doc.pages)
        ]
        read.prepared.append(_Prepared(doc, spans))
    return read


def _vanished(hashes: dict[str, str], scan: _Scan) -> list[str]:
    """Indexed files under the scanned folders that are no longer there."""
    seen = set(map(str, scan.files))
    return [
        p
        for p in hashes
        if p not in seen and any(Path(p).is_relative_to(root) for root in scan.roots)
    ]


def build(
    paths: Iterable[str | Path],
    index_dir: str | Path | None = None,
    *,
    settings: IndexSettings | None = None,
    embedder: Embedder | None = None,
    rebuild: bool = False,
    wait: float = DEFAULT_WAIT_SECONDS,
    progress: bool = False,
) -> BuildReport:
    """Index the files and folders in `paths` into `index_dir`, incrementally.

    Files that cannot be loaded are listed in `BuildReport.failed`; their previous version,
    if any, stays in the index. `rebuild=True` starts from an empty index (needed after
    changing the embedding model or chunking).
    """
    started = time.perf_counter()
    settings = settings or IndexSettings()
    index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()

    with build_lock(index_dir, wait):
        collect_garbage(index_dir)
        base = _base(index_dir, settings, embedder, rebuild)
        scan = _scan(paths)
        read = _read(scan.files, base, settings)
        vanished = _vanished(base.hashes, scan)
        prepared = read.prepared
        updated = sum(1 for p in prepared if p.document.path in base.hashes)
        report = BuildReport(
            added=len(prepared) - updated,
            updated=updated,
            removed=len(vanished),
            unchanged=read.unchanged,
            chunks_embedded=sum(len(p.spans) for p in prepared),
            failed=(*scan.failed, *read.failed),
            warnings=tuple(read.warnings),
            index_dir=str(index_dir),
        )
        # A rebuild that loaded nothing publishes nothing: the old index is worth more than none.
        if prepared or vanished:
            texts = [text for p in prepared for text, *_ in p.spans]
            log.info("embedding %d chunks from %d documents", len(texts), len(prepared))
            vectors = _embed(base.embedder, texts, settings.batch_size, progress)
            _write(
                index_dir,
                base.previous,
                base.old,
                prepared,
                vectors,
                vanished,
                base.embedder,
                base.chunking,
            )
        return _with_seconds(report, time.perf_counter() - started)


def remove(
    paths: Iterable[str | Path],
    index_dir: str | Path | None = None,
    *,
    wait: float = DEFAULT_WAIT_SECONDS,
) -> BuildReport:
    """Remove documents (by path, folder, or file name) from the index."""
    started = time.perf_counter()
    index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()
    with build_lock(index_dir, wait):
        previous = current_snapshot(index_dir)
        if previous is None:
            raise IndexNotFoundError(str(index_dir))
        old = Manifest.read(previous / MANIFEST)
        targets: set[str] = set()
        failed = []
        for arg in paths:
            resolved = Path(arg).expanduser().resolve()
            matches = [
                p
                for p in old.documents
                if Path(p).is_relative_to(resolved) or Path(p).name == str(arg)
            ]
            if not matches:
                failed.append(FailedFile(str(arg), "not in the index"))
            targets.update(matches)
        if targets:
            _write(index_dir, previous, old, [], None, sorted(targets), None, old.chunking)
        report = BuildReport(
            added=0,
            updated=0,
            removed=len(targets),
            unchanged=len(old.documents) - len(targets),
            chunks_embedded=0,
            failed=tuple(failed),
            index_dir=str(index_dir),
        )
        return _with_seconds(report, time.perf_counter() - started)


def _with_seconds(report: BuildReport, seconds: float) -> BuildReport:
    return replace(report, seconds=seconds)


def _write(
    index_dir: Path,
    previous: Path | None,
    old: Manifest | None,
    prepared: list[_Prepared],
    vectors: np.ndarray | None,
    removed_paths: Sequence[str],
    embedder: Embedder | None,
    chunking: dict[str, object],
) -> None:
    """Write the next snapshot aside (previous + changes) and publish it atomically."""
    if embedder is not None:
        model, weights, encoder = embedder.name, embedder.weights_hash, embedder.encoder
    else:  # a removal: nothing is embedded, the model stays what it was
        assert old is not None
        model, weights, encoder = old.embedding_model, old.weights_hash, old.encoder
    snapshot = new_snapshot(index_dir)
    if previous is not None:
        source = ChunkStore(previous / STORE, read_only=True)
        source.copy_to(snapshot / STORE)
        source.close()
        store_vectors = VectorStore.load(previous / VECTORS)
    else:
        assert embedder is not None
        store_vectors = VectorStore.empty(embedder.dimension)
    store = ChunkStore(snapshot / STORE)
    hashes = dict(old.documents) if old else {}
    stale = [p.document.path for p in prepared if p.document.path in hashes]
    for path in [*removed_paths, *stale]:
        store_vectors.remove(store.remove_document(path))
        hashes.pop(path, None)
    row = 0
    for item in prepared:
        ids = store.add_document(item.document, item.spans)
        assert vectors is not None
        store_vectors.add(ids, vectors[row : row + len(ids)])
        row += len(ids)
        hashes[item.document.path] = item.document.content_hash
    store.commit()
    chunks = store.chunk_count()
    store.close()
    store_vectors = store_vectors.fitted()  # exact, or IVF past index.vectors.APPROXIMATE_FROM
    store_vectors.save(snapshot / VECTORS)
    Manifest(
        embedding_model=model,
        weights_hash=weights,
        dimension=store_vectors.dimension,
        normalized=True,
        chunking=dict(chunking),
        documents=dict(sorted(hashes.items())),
        chunks=chunks,
        created_at=old.created_at if old else now(),
        built_at=now(),
        vectors=store_vectors.layout,
        encoder=encoder,
    ).write(snapshot / MANIFEST)
    publish(index_dir, snapshot)
    collect_garbage(index_dir)
