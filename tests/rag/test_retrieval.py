import itertools
from pathlib import Path

import pytest

from index import Chunk, Document
from rag import Assistant, Hit
from rag.retrieval.retriever import reciprocal_rank_fusion


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
    from rag.retrieval.retriever import Retriever
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


def _hit(document: Document, start: int, end: int, score: float) -> Hit:
    chunk = Chunk(
        id=start, document_id=document.id, text=document.text[start:end], start=start, end=end
    )
    return Hit(chunk, document.source, score, dense=score / 2, lexical=score * 2)


def test_merging_overlapping_passages_keeps_exact_text_and_the_best_scores() -> None:
    from rag.retrieval.retriever import _absorb, _merged

    doc = Document(
        id="d",
        source="d.txt",
        path="/d.txt",
        title="d",
        text="abcdefghijklmnopqrstuvwxyz",
        pages=(),
        content_hash="h",
    )
    a, b = _hit(doc, 0, 10, 0.5), _hit(doc, 8, 15, 0.9)
    merged = _merged(a, b, doc)
    assert (merged.chunk.start, merged.chunk.end, merged.chunk.text) == (0, 15, doc.text[:15])
    assert (merged.score, merged.dense, merged.lexical) == (0.9, 0.45, 1.8)
    # A passage grown by a merge swallows the chosen ones it now touches, keeping its place.
    chosen = [_hit(doc, 20, 26, 0.8), merged, _hit(doc, 15, 19, 0.3)]
    absorbed = _absorb(chosen, 1, doc)
    assert [(h.chunk.start, h.chunk.end) for h in absorbed] == [(20, 26), (0, 19)]


def test_passages_that_meet_inside_a_sentence_are_one_passage() -> None:
    """The splitter cuts at a paragraph break even inside a sentence (a transcript's "...the
    reason we do the generalist" / "training is just so that..."): the halves are merged, so
    the sentence can be quoted whole. Passages that meet at a sentence's end stay apart."""
    from rag.retrieval.retriever import _overlap

    text = "We train the generalist\n\ntraining first. Then\n\nSpecialists come later."
    doc = Document(
        id="d", source="d.txt", path="/d.txt", title="d", text=text, pages=(), content_hash="h"
    )
    first, second = _hit(doc, 0, 23, 0.5).chunk, _hit(doc, 25, 45, 0.4).chunk
    assert second.text.startswith("training") and _overlap(first, second, doc)
    assert _overlap(second, first, doc)  # either order
    then, capital = _hit(doc, 25, 45, 0.4).chunk, _hit(doc, 47, len(text), 0.3).chunk
    assert then.text.endswith("Then") and not _overlap(then, capital, doc)  # capital: a new one
    finished = _hit(doc, 25, 40, 0.4).chunk
    assert finished.text.endswith("first.") and not _overlap(finished, capital, doc)
