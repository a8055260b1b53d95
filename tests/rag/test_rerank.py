"""The cross-encoder rerank path, on a real but tiny local cross-encoder (random 1-layer BERT
with MiniLM's tokenizer): no reranker can be downloaded here, so this checks the wiring, not
the quality of the order."""

from pathlib import Path

import pytest

import index
from index.embedding import SentenceTransformerEmbedder
from modelhome import CrossEncoderModel
from rag.retrieval.retriever import Retriever
from rag.settings import RetrievalSettings


@pytest.fixture(scope="module")
def tiny_cross_encoder(
    tmp_path_factory: pytest.TempPathFactory, minilm: SentenceTransformerEmbedder
) -> Path:
    from ..tiny_bert import save_tiny_bert

    return save_tiny_bert(
        tmp_path_factory.mktemp("tiny-cross-encoder"), minilm.path, labels=["score"]
    )


def test_reranked_hits_are_ordered_by_the_cross_encoder(
    corpus_index: Path, tiny_cross_encoder: Path
) -> None:
    reranker = CrossEncoderModel(tiny_cross_encoder)
    question = "What factors enabled deep learning to take off?"
    retriever = Retriever(index.open(corpus_index), RetrievalSettings(k=4), reranker)
    hits = retriever.retrieve(question)
    assert len(hits) == 4 and all(h.rerank is not None for h in hits)
    assert [h.rerank for h in hits] == sorted((h.rerank for h in hits), reverse=True)
    expected = reranker.scores(question, [h.chunk.text for h in hits])
    assert [h.rerank for h in hits] == pytest.approx(expected, rel=1e-4)

    plain = Retriever(index.open(corpus_index), RetrievalSettings(k=4, rerank=False), reranker)
    assert all(h.rerank is None for h in plain.retrieve(question))
