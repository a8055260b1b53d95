"""Storage: what an index keeps on disk. Documents, chunks and the BM25 table in SQLite
(sqlite_store.py, lexical.py), vectors in FAISS (vectors.py) with the full vectors of a
compressed layout beside them (exact_vectors.py), how it was built (manifest.py), and the
snapshots a build publishes whole or not at all (snapshot.py)."""

from .manifest import Manifest
from .snapshot import current_snapshot
from .sqlite_store import ChunkStore
from .vectors import VectorStore

__all__ = ["ChunkStore", "Manifest", "VectorStore", "current_snapshot"]
