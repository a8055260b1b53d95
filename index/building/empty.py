"""An empty index, published like any build: what `rag serve` opens on a web-only start,
before the Documents tab adds the first files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..embedding import Embedder
from ..settings import IndexSettings, default_index_dir
from ..storage.snapshot import build_lock, collect_garbage, current_snapshot
from .builder import DEFAULT_WAIT_SECONDS, open_base, write_snapshot


def create(
    index_dir: str | Path | None = None,
    *,
    settings: IndexSettings | None = None,
    embedder: Embedder | None = None,
    wait: float = DEFAULT_WAIT_SECONDS,
) -> bool:
    """Publish an empty index at `index_dir` unless one is there: what a web-only start
    opens before its first upload. True when it was created. The embedding model is loaded
    (the manifest records its name, weights and dimension, which later builds must share)."""
    settings = settings or IndexSettings()
    index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()
    with build_lock(index_dir, wait):
        if current_snapshot(index_dir) is not None:
            return False
        collect_garbage(index_dir)
        base = open_base(index_dir, settings, embedder, rebuild=False)
        empty = np.empty((0, base.embedder.dimension), dtype=np.float32)
        write_snapshot(index_dir, None, None, [], empty, [], base.embedder, base.chunking)
        return True
