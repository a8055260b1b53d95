"""benchmarks/scaled.py: the synthetic chunks that the speed benchmarks at scale search."""

from pathlib import Path

import numpy as np

import index
from benchmarks.scaled import BATCH, Sentences, corpus_sentences, write_index
from index.embedding import Embedder


def _sentences() -> Sentences:
    texts = corpus_sentences()
    vectors = np.random.default_rng(1).standard_normal((len(texts), 8)).astype(np.float32)
    return Sentences(texts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def test_chunks_are_the_same_every_time_and_their_vectors_are_unit_means() -> None:
    sentences = _sentences()
    first = list(sentences.chunks(BATCH + 5, per_chunk=3))
    again = list(sentences.chunks(BATCH + 5, per_chunk=3))
    assert [len(t) for t, _ in first] == [BATCH, 5]
    assert first[1][0] == again[1][0] and np.array_equal(first[1][1], again[1][1])
    texts, vectors = first[0]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # A chunk is three corpus sentences and points where their mean does.
    picked = [i for i, s in enumerate(sentences.texts) if texts[0].startswith(s)]
    assert picked
    assert float(vectors[0] @ sentences.vectors[picked[0]]) > 0.3


def test_a_scaled_index_opens_and_is_searched_like_a_built_one(
    tmp_path: Path, minilm: Embedder
) -> None:
    sentences = Sentences.encoded(minilm)
    folder = write_index(tmp_path / "scaled", sentences, 250, minilm, per_document=10)
    with index.open(folder) as idx:
        assert len(idx) == 250 and len(list(idx.documents())) == 25
        assert idx.manifest.encoder == minilm.encoder
        hits = idx.search_dense(idx.embed_query("program synthesis"), 5)
        lexical = idx.search_lexical("program synthesis", 5)
        assert len(hits) == 5 and lexical
        chunk = idx.chunks_by_id([lexical[0][0]])[lexical[0][0]]
        assert "synthesis" in chunk.text.lower() or "program" in chunk.text.lower()
