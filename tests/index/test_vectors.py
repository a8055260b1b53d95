"""Exact and approximate (IVF) vector search, and the layout a build chooses by size."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import index
from index import vectors as vector_module
from index.embedding import Embedder
from index.vectors import VectorStore, ivf_layout

from ..conftest import CORPUS


def _unit(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_a_small_store_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    store = VectorStore.empty(16)
    store.add(list(range(100)), _unit(100))
    assert store.fitted() is store and store.layout == {"index": "flat"}


def test_past_the_threshold_the_store_becomes_ivf_and_keeps_ids(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(vector_module, "APPROXIMATE_FROM", 500)
    vectors = _unit(2000)
    ids = [10_000 + i for i in range(2000)]
    exact = VectorStore.empty(16)
    exact.add(ids, vectors)
    ivf = exact.fitted()
    assert ivf.layout == {
        "index": "ivf",
        **{k: v for k, v in ivf_layout(2000).items() if k != "index"},
    }
    assert len(ivf) == 2000
    # Each vector finds itself first; ids are the chunk ids given, not positions.
    for i in range(0, 2000, 97):
        assert ivf.search(vectors[i], 3)[0][0] == ids[i]
    ivf.remove(ids[:10])
    assert len(ivf) == 1990 and ivf.search(vectors[0], 5)[0][0] != ids[0]
    ivf.save(tmp_path / "v.faiss")
    loaded = VectorStore.load(tmp_path / "v.faiss")
    assert loaded.layout == ivf.layout and loaded.search(vectors[500], 1) == ivf.search(
        vectors[500], 1
    )


def test_a_build_past_the_threshold_records_ivf_and_still_updates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, minilm: Embedder
) -> None:
    monkeypatch.setattr(vector_module, "APPROXIMATE_FROM", 10)
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    index.build([corpus], tmp_path / "idx", embedder=minilm)
    opened = index.open(tmp_path / "idx", embedder=minilm)
    assert opened.manifest.vectors["index"] == "ivf"
    # Every chunk's own vector finds it (nprobe covers most clusters of so few vectors).
    chunks = list(opened.chunks())
    hits = opened.search_dense(minilm.encode([chunks[0].text])[0], 3)
    assert hits[0][0] == chunks[0].id
    opened.close()
    # An incremental build removes the vectors of a deleted document from the IVF index.
    removed = sorted(corpus.iterdir())[0]
    removed.unlink()
    report = index.build([corpus], tmp_path / "idx", embedder=minilm)
    assert report.ok and report.removed == 1
    again = index.open(tmp_path / "idx", embedder=minilm)
    assert len(again) == sum(1 for _ in again.chunks()) and again.manifest.vectors["index"] == "ivf"
    again.close()
