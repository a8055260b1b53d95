"""Opening a built index for reading: documents, chunks, dense and lexical search."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

import numpy as np

from modelhome.files import canonical_name

from .embedding import Embedder, load_embedder
from .errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from .records import Chunk, Document
from .settings import IndexSettings, default_index_dir
from .storage.manifest import Manifest
from .storage.snapshot import MANIFEST, STORE, VECTORS, current_snapshot
from .storage.sqlite_store import ChunkStore
from .storage.vectors import VectorStore


def check_compatible(
    manifest: Manifest,
    model: str,
    index_dir: Path,
    dimension: int | None = None,
    encoder: str | None = None,
) -> None:
    """Refuse to mix vectors of two embedding models: their similarities mean nothing. Two
    encoders of one model (int8, fp32) are refused too when building: an index's vectors
    should all come from one."""
    model = canonical_name(model)
    if encoder is not None and encoder != manifest.encoder:
        raise IndexMismatchError(
            f"The index at {index_dir} was encoded in {manifest.encoder}, but this encoder is "
            f"{encoder}. Add to it with its own encoder, or rebuild it: rag index build "
            f"PATH... --index-dir {index_dir} --rebuild"
        )
    if model == manifest.embedding_model and dimension in (None, manifest.dimension):
        return
    asked = f"'{model}'" + (f" (dimension {dimension})" if dimension is not None else "")
    raise IndexMismatchError(
        f"The index at {index_dir} was built with embedding model '{manifest.embedding_model}' "
        f"(dimension {manifest.dimension}), but {asked} is configured. Use the model it was "
        f"built with, or rebuild it: rag index build PATH... --index-dir {index_dir} --rebuild"
    )


class Index:
    """A read-only view of one published snapshot; later builds do not change it."""

    def __init__(
        self,
        index_dir: Path,
        manifest: Manifest,
        store: ChunkStore,
        vectors: VectorStore,
        embedder: Embedder | None = None,
        snapshot: str = "",
    ) -> None:
        self.index_dir = index_dir
        self.snapshot = snapshot  # the published snapshot's name, as CURRENT names it
        self.manifest = manifest
        self._store = store
        self._vectors = vectors
        self._embedder = embedder

    def documents(self) -> Iterator[Document]:
        return self._store.documents()

    def document(self, document_id: str) -> Document | None:
        return self._store.document(document_id)

    def superseded(self) -> bool:
        """Whether a later build has published another snapshot since this one was opened.
        This view still reads its own snapshot; open the index again to see the new one."""
        live = current_snapshot(self.index_dir)
        return live is not None and live.name != self.snapshot

    def chunks(self) -> Iterator[Chunk]:
        return self._store.chunks()

    def chunks_by_id(self, ids: Iterable[int]) -> dict[int, Chunk]:
        return self._store.chunks_by_id(ids)

    def chunk_counts(self) -> dict[str, int]:
        """Chunks per document id."""
        return self._store.chunk_counts()

    def __len__(self) -> int:
        return len(self._vectors)

    @functools.cached_property
    def embedder(self) -> Embedder:
        """The model the index was built with, in its encoder, loaded on first use, its
        dimension checked. (One given to open_index is used as it is: its questions' vectors
        are at worst int8's cosine 0.99 away from the index's.)"""
        manifest = self.manifest
        embedder = self._embedder or load_embedder(manifest.embedding_model, manifest.encoder)
        check_compatible(self.manifest, embedder.name, self.index_dir, embedder.dimension)
        return embedder

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.embedder.encode([text])[0])

    def search_dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity), best first."""
        return self._vectors.search(vector, k)

    def search_lexical(self, query: str, k: int) -> list[tuple[int, float]]:
        """(chunk id, BM25 score), best first."""
        return self._store.search_bm25(query, k)

    def close(self) -> None:
        self._store.close()
        self._vectors.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_index(
    index_dir: str | Path | None = None,
    settings: IndexSettings | None = None,
    *,
    embedder: Embedder | None = None,
) -> Index:
    """Open the live snapshot of an index.

    With `settings` or `embedder` given, the index must have been built with that embedding
    model (else `IndexMismatchError`); with neither, the model it records is used.
    """
    index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()
    snapshot = current_snapshot(index_dir)
    if snapshot is None:
        raise IndexNotFoundError(str(index_dir))
    manifest = Manifest.read(snapshot / MANIFEST)
    model = embedder.name if embedder else settings.embedding_model if settings else None
    if model is not None:
        check_compatible(manifest, model, index_dir)
    try:
        store = ChunkStore(snapshot / STORE, read_only=True)
        vectors = VectorStore.load(snapshot / VECTORS)
        count = store.chunk_count()
    except Exception as exc:  # sqlite3/faiss errors on damaged files
        raise IndexCorruptError(f"index at {index_dir} is damaged ({exc}); rebuild it") from exc
    if count != len(vectors) or vectors.dimension != manifest.dimension:
        store.close()
        raise IndexCorruptError(
            f"index at {index_dir} is inconsistent ({count} chunks, {len(vectors)} vectors); "
            "rebuild it with --rebuild"
        )
    return Index(index_dir, manifest, store, vectors, embedder, snapshot.name)
