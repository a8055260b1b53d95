"""Domain failures of the index stage, with messages a user can act on."""

from __future__ import annotations

# The model home's failure, named here too: `from index import ModelNotFoundError` as before.
from modelhome.errors import ModelNotFoundError as ModelNotFoundError


class IndexStageError(Exception):
    """Base class for index-stage failures."""


class LoadError(IndexStageError):
    """A file could not be turned into text; `reason` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IndexNotFoundError(IndexStageError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No index at {index_dir}. Build one first: "
            f"rag index build PATH --index-dir {index_dir}"
        )


class IndexCorruptError(IndexStageError):
    pass


class IndexMismatchError(IndexStageError):
    """The index was built with another embedding model or dimension than the one asked for."""


class IndexLockedError(IndexStageError):
    """Another process is building or changing this index."""
