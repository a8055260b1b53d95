"""Exact and approximate (IVF) vector search, and the layout a build chooses by size."""

import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

import index
from index.embedding import Embedder
from index.storage import vectors as vector_module
from index.storage.vectors import VectorStore, ivf_layout

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


def _clustered(n: int, d: int = 384, seed: int = 0) -> np.ndarray:
    """Unit vectors around 40 topics, as real embeddings cluster (random ones do not)."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((40, d)).astype(np.float32)
    x = topics[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _compressed(
    monkeypatch: pytest.MonkeyPatch, ids: list[int], vectors: np.ndarray
) -> VectorStore:
    monkeypatch.setattr(vector_module, "APPROXIMATE_FROM", 100)
    monkeypatch.setattr(vector_module, "COMPRESSED_FROM", 1000)
    store = VectorStore.empty(vectors.shape[1])
    store.add(ids, vectors)
    return store.fitted()


def test_past_the_compressed_threshold_codes_are_reranked_by_exact_scores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vectors = _clustered(3000)
    ids = [50_000 + 3 * i for i in range(3000)]  # chunk ids, not positions
    flat = VectorStore.empty(384)
    flat.add(ids, vectors)
    pq = _compressed(monkeypatch, ids, vectors)
    assert pq.compressed and pq.layout == vector_module.compressed_layout(3000, 384)
    assert pq.layout["bytes"] == 64
    assert faiss.extract_index_ivf(pq._index).code_size == 64  # bytes a vector, not 1,536
    pq.save(tmp_path / "vectors.faiss")
    loaded = VectorStore.load(tmp_path / "vectors.faiss")
    recalls = []
    for q in _clustered(30, seed=1):
        truth = flat.search(q, 10)
        found = loaded.search(q, 10)
        # Scores are the exact inner products of the stored vectors, not the codes' estimate.
        by_id = dict(zip(ids, vectors @ q, strict=True))
        assert all(abs(score - by_id[i]) < 1e-5 for i, score in found)
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        recalls.append(len({i for i, _ in truth} & {i for i, _ in found}) / 10)
    assert np.mean(recalls) >= 0.95
    assert loaded.search(vectors[7], 1)[0][0] == ids[7]


def test_a_compressed_store_removes_and_adds_across_saves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vectors = _clustered(2000)
    ids = list(range(2000))
    store = _compressed(monkeypatch, ids, vectors)
    (tmp_path / "1").mkdir()
    store.save(tmp_path / "1" / "vectors.faiss")
    store = VectorStore.load(tmp_path / "1" / "vectors.faiss")
    store.remove(ids[:100])
    extra = _clustered(50, seed=2)
    store.add(list(range(5000, 5050)), extra)
    assert len(store) == 1950 and store.fitted() is store  # a compressed layout stays one
    (tmp_path / "2").mkdir()
    store.save(tmp_path / "2" / "vectors.faiss")
    again = VectorStore.load(tmp_path / "2" / "vectors.faiss")
    assert len(again) == 1950 and again.compressed
    assert again.search(vectors[0], 1)[0][0] != 0  # removed
    assert again.search(extra[3], 1) == [(5003, pytest.approx(1.0, abs=1e-5))]
    assert again.search(vectors[150], 1)[0][0] == 150
    # The old snapshot's files are untouched: a reader of it still sees what it saw.
    old = VectorStore.load(tmp_path / "1" / "vectors.faiss")
    assert len(old) == 2000 and old.search(vectors[0], 1)[0][0] == 0


def test_a_build_past_the_compressed_threshold_records_ivfpq_and_still_updates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, minilm: Embedder
) -> None:
    from benchmarks.synthetic import write_corpus

    monkeypatch.setattr(vector_module, "APPROXIMATE_FROM", 10)
    monkeypatch.setattr(vector_module, "COMPRESSED_FROM", 256)  # PQ learns 256 codes a piece
    corpus = write_corpus(tmp_path / "corpus", 90, paragraphs=5)
    assert index.build([corpus], tmp_path / "idx", embedder=minilm).chunks_embedded >= 256
    with index.open(tmp_path / "idx", embedder=minilm) as opened:
        assert opened.manifest.vectors["index"] == "ivfpq"
        chunks = list(opened.chunks())
        vector = minilm.encode([chunks[5].text])[0]
        assert opened.search_dense(vector, 3)[0] == (chunks[5].id, pytest.approx(1.0, abs=1e-4))
    # An incremental build: one document gone, one new; both show in the compressed layout.
    sorted(corpus.iterdir())[0].unlink()
    (corpus / "new.txt").write_text("Product quantisation cuts a vector into pieces.")
    report = index.build([corpus], tmp_path / "idx", embedder=minilm)
    assert report.ok and (report.added, report.removed) == (1, 1)
    with index.open(tmp_path / "idx", embedder=minilm) as again:
        assert again.manifest.vectors["index"] == "ivfpq"
        assert len(again) == sum(1 for _ in again.chunks()) == again.manifest.chunks
        new = next(c for c in again.chunks() if "Product quantisation" in c.text)
        vector = minilm.encode([new.text])[0]
        assert again.search_dense(vector, 1)[0][0] == new.id


def test_threads_searching_one_compressed_store_get_the_sequential_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    vectors = _clustered(2000)
    _compressed(monkeypatch, list(range(2000)), vectors).save(tmp_path / "vectors.faiss")
    store = VectorStore.load(tmp_path / "vectors.faiss")
    queries = list(_clustered(64, seed=3))
    sequential = [store.search(q, 10) for q in queries]
    with ThreadPoolExecutor(8) as pool:
        concurrent = list(pool.map(lambda q: store.search(q, 10), queries * 4))
    assert concurrent == sequential * 4
    store.close()
    with pytest.raises(ValueError, match="closed"):
        store.search(queries[0], 10)  # a closed file is not read by accident
