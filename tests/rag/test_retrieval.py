import itertools
from pathlib import Path

import pytest

from rag import Assistant
from rag.retrieval import reciprocal_rank_fusion


def test_rrf_by_hand() -> None:
    fused = reciprocal_rank_fusion([[10, 20, 30], [30, 10]], k=60)
    assert fused[10] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[20] == pytest.approx(1 / 62)
    assert fused[30] == pytest.approx(1 / 63 + 1 / 61)
    assert sorted(fused, key=lambda c: -fused[c]) == [10, 30, 20]


def test_hits_carry_scores_exact_text_and_no_overlaps(assistant: Assistant) -> None:
    hits = assistant.retrieve(
        "Why do tree-based methods still beat neural networks on tabular data?", 5
    )
    assert hits[0].source == "001_a4dc316d66749b4e.txt"
    assert hits[0].dense is not None and hits[0].lexical is not None and hits[0].score > 0
    docs = {d.id: d for d in assistant.index.documents()}
    for hit in hits:
        assert docs[hit.chunk.document_id].text[hit.chunk.start : hit.chunk.end] == hit.chunk.text
    for a in hits:  # merged: no two hits of one document overlap
        for b in hits:
            if a is not b and a.chunk.document_id == b.chunk.document_id:
                assert a.chunk.end < b.chunk.start or b.chunk.end < a.chunk.start
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_overlapping_chunks_are_merged_into_one_passage(corpus_index: Path) -> None:
    import index
    from rag.retrieval import Retriever
    from rag.settings import RetrievalSettings

    idx = index.open(corpus_index)
    retriever = Retriever(idx, RetrievalSettings(candidates=40))
    # 30 passages asked of a 26-chunk corpus: everything is retrieved, neighbours overlap.
    hits = retriever.retrieve("deep learning", 30)
    total = sum(1 for _ in idx.chunks())
    assert len(hits) < total
    spans = sorted((h.chunk.document_id, h.chunk.start, h.chunk.end) for h in hits)
    for (d1, _, e1), (d2, s2, _) in itertools.pairwise(spans):
        assert d1 != d2 or e1 < s2
