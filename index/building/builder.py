"""Incremental, crash-safe index builds.

Only new or changed files (by the sha256 of their bytes) are loaded, chunked and embedded;
files gone from a scanned folder are removed. All the slow work happens before anything is
written, then a complete new snapshot is written aside and published with one rename.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..embedding import Embedder, load_embedder
from ..errors import IndexMismatchError, IndexNotFoundError
from ..reader import check_compatible
from ..records import BuildReport, FailedFile
from ..settings import IndexSettings, default_index_dir
from ..storage.manifest import Manifest, now
from ..storage.snapshot import (
    MANIFEST,
    STORE,
    VECTORS,
    build_lock,
    collect_garbage,
    current_snapshot,
    new_snapshot,
    publish,
)
from ..storage.sqlite_store import ChunkStore
from ..storage.vectors import VectorStore
from .cluster import Cluster, RayWorkers
from .preparing import Changes, Prepared
from .workers import LocalWorkers, Workers

log = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 600.0


@dataclass
class _Scan:
    files: list[Path] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)  # folders: what vanished from them goes
    failed: list[FailedFile] = field(default_factory=list)


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


def _embed(
    workers: Workers, dimension: int, texts: Sequence[str], batch: int, progress: bool
) -> np.ndarray:
    """Encode longest-first in large groups (less padding per batch), one progress bar. The
    groups are the same whoever encodes them, so a cluster's vectors are a local build's."""
    vectors = np.zeros((len(texts), dimension), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    size = batch * 8
    groups = [order[at : at + size] for at in range(0, len(order), size)]
    encoded = workers.encode([[texts[i] for i in ids] for ids in groups])
    with tqdm(total=len(texts), unit="chunk", desc="Embedding", disable=not progress) as bar:
        for ids, group_vectors in zip(groups, encoded, strict=True):
            vectors[ids] = group_vectors
            bar.update(len(ids))
    return vectors


def chunking_of(settings: IndexSettings, embedder: Embedder) -> dict[str, object]:
    """How chunks are cut, as the manifest records it: a build that cuts otherwise rebuilds."""
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


def open_base(
    index_dir: Path, settings: IndexSettings, embedder: Embedder | None, rebuild: bool
) -> _Base:
    previous = None if rebuild else current_snapshot(index_dir)
    old = Manifest.read(previous / MANIFEST) if previous else None
    # An index keeps its encoder: vectors added to it must be comparable with its own.
    encoder = old.encoder if old else settings.encoder
    embedder = embedder or load_embedder(settings.embedding_model, encoder)
    chunking = chunking_of(settings, embedder)
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
    prepared: list[Prepared] = field(default_factory=list)
    unchanged: int = 0
    failed: list[FailedFile] = field(default_factory=list)
    warnings: list[FailedFile] = field(default_factory=list)

    def add(self, result: Prepared | FailedFile) -> None:
        if isinstance(result, FailedFile):
            self.failed.append(result)
        else:
            self.prepared.append(result)
            path = result.document.path
            self.warnings += [FailedFile(path, warning) for warning in result.warnings]


def _read(files: Sequence[Path], base: _Base, workers: Workers, progress: bool) -> _Read:
    """Load and chunk the files whose content changed; count the unchanged, list failures.
    With `progress`, a bar counts the files read: reading (OCR above all) can take longer
    than embedding, and a bar that waits for the embedding sits at 0 % meanwhile."""
    read = _Read()
    changes = Changes()
    with tqdm(total=len(files), unit="file", desc="Reading", disable=not progress) as bar:
        for result in workers.prepare(changes.read(files, base.hashes), base.check_dimension):
            read.add(result)
            bar.update(1)
        bar.update(len(files) - bar.n)  # unchanged and unreadable files yield nothing
    read.unchanged, read.failed = changes.unchanged, [*changes.failed, *read.failed]
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
    cluster: Cluster | None = None,
) -> BuildReport:
    """Index the files and folders in `paths` into `index_dir`, incrementally.

    Files that cannot be loaded are listed in `BuildReport.failed`; their previous version,
    if any, stays in the index. `rebuild=True` starts from an empty index (needed after
    changing the embedding model or chunking). `cluster` runs the reading, chunking and
    embedding on a Ray cluster (index/building/cluster.py); the index written is the same.
    """
    started = time.perf_counter()
    settings = settings or IndexSettings()
    index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()

    with build_lock(index_dir, wait):
        collect_garbage(index_dir)
        base = open_base(index_dir, settings, embedder, rebuild)
        workers: Workers = (
            LocalWorkers(base.embedder, settings)
            if cluster is None
            else RayWorkers(cluster, base.embedder, settings)
        )
        try:
            return _build(paths, index_dir, settings, base, workers, progress, started)
        finally:
            workers.close()


def _build(
    paths: Iterable[str | Path],
    index_dir: Path,
    settings: IndexSettings,
    base: _Base,
    workers: Workers,
    progress: bool,
    started: float,
) -> BuildReport:
    scan = _scan(paths)
    read = _read(scan.files, base, workers, progress)
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
        dimension = base.embedder.dimension
        vectors = _embed(workers, dimension, texts, settings.batch_size, progress)
        write_snapshot(
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
            write_snapshot(index_dir, previous, old, [], None, sorted(targets), None, old.chunking)
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


def write_snapshot(
    index_dir: Path,
    previous: Path | None,
    old: Manifest | None,
    prepared: list[Prepared],
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
    store_vectors = (
        store_vectors.fitted()
    )  # exact, or IVF past index.storage.vectors.APPROXIMATE_FROM
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
