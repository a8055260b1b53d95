"""The index stage: documents -> exact-offset chunks -> embeddings -> FAISS + SQLite on disk.

import index
report = index.build(["corpus/"], "/tmp/idx")  # cluster=index.Cluster(): on Ray
with index.open("/tmp/idx") as idx:
    for doc in idx.documents(): ...
"""

from modelhome.environment import rag_home

from .building.builder import build, remove
from .building.cluster import Cluster
from .building.empty import create
from .errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexStageError,
    LoadError,
    ModelNotFoundError,
)
from .reader import Index
from .reader import open_index as open
from .reading.loaders import SUPPORTED
from .records import BuildReport, Chunk, Document, FailedFile, Page, page_label, page_unit
from .settings import IndexSettings, default_index_dir
from .storage.snapshot import current_snapshot

__all__ = [
    "SUPPORTED",
    "BuildReport",
    "Chunk",
    "Cluster",
    "Document",
    "FailedFile",
    "Index",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexMismatchError",
    "IndexNotFoundError",
    "IndexSettings",
    "IndexStageError",
    "LoadError",
    "ModelNotFoundError",
    "Page",
    "build",
    "create",
    "current_snapshot",
    "default_index_dir",
    "open",
    "page_label",
    "page_unit",
    "rag_home",
    "remove",
]
