"""The BM25 query (index/storage/lexical.py) over a real SQLite FTS5 store."""

from pathlib import Path

import pytest

from index.records import Document
from index.storage import lexical
from index.storage.sqlite_store import ChunkStore


def _store(path: Path, texts: list[str]) -> ChunkStore:
    store = ChunkStore(path)
    for n, text in enumerate(texts):
        doc = Document(f"d{n}", f"doc{n}.txt", f"/docs/doc{n}.txt", "", text, (), str(n))
        store.add_document(doc, [(text, 0, len(text), None)])
    store.commit()
    return store


def test_function_words_are_not_searched() -> None:
    assert lexical.fts5_terms("What is the universal recipe for efficiency?") == [
        "universal",
        "recipe",
        "efficiency",
    ]
    assert lexical.fts5_terms("What is it?") == []


def test_postings_are_fts5s_own_counts(tmp_path: Path) -> None:
    store = _store(
        tmp_path / "s.sqlite",
        ["Training models is hard.", "The model trains.", "Recipes for efficiency."],
    )
    # "training"/"trains" and "models"/"model" share Porter stems, as FTS5 indexed them.
    expected = {"training": 2, "models": 2, "efficiency": 1}
    assert store.postings(["training", "models", "efficiency", "unicorn"]) == expected
    store.close()
    # A read-only snapshot remembers the counts it looked up: the same the second time.
    snapshot = ChunkStore(tmp_path / "s.sqlite", read_only=True)
    for _ in range(2):
        assert snapshot.postings(["training", "models", "efficiency", "unicorn"]) == expected
    assert snapshot.postings(["efficiency", "recipes"]) == {"efficiency": 1, "recipes": 1}
    snapshot.close()


def test_the_rarest_words_are_kept_within_the_budget() -> None:
    budget = lexical.POSTINGS_BUDGET
    postings = {"deep": budget * 3 // 4, "learning": budget * 3 // 5, "recipe": 30}
    assert lexical.within_budget(["deep", "learning", "recipe", "unseen"], postings) == [
        "unseen",
        "recipe",
        "learning",
    ]
    # However common, the rarest word is searched.
    assert lexical.within_budget(["deep"], {"deep": 10**6}) == ["deep"]


def test_a_common_word_does_not_outrank_a_rare_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"Deep learning note number {n}." for n in range(50)]
    texts.append("The universal recipe: introduce modularity.")
    store = _store(tmp_path / "s.sqlite", texts)
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 10)  # 50 rows hold "deep": too many
    ranked = store.search_bm25("What does deep learning say about the universal recipe?", 5)
    assert [store.chunks_by_id([cid])[cid].text for cid, _ in ranked] == [texts[-1]]
    store.close()
    # A read-only snapshot is searched the same way.
    read_only = ChunkStore(tmp_path / "s.sqlite", read_only=True)
    assert read_only.search_bm25("universal recipe", 5)[0][0] == ranked[0][0]
    read_only.close()


def test_counts_stop_at_the_budget_and_the_rarest_common_word_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"Deep note {n}." for n in range(40)]
    texts += [f"Deep learning note {n}." for n in range(15)]
    texts += [f"Learning note {n}." for n in range(5)]
    store = _store(tmp_path / "s.sqlite", texts)
    assert store.postings(["deep", "learning"]) == {"deep": 55, "learning": 20}
    assert store.postings(["deep", "learning"], up_to=10) == {"deep": 10, "learning": 10}
    # Both words are past the budget: counted whole, the rarer one ("learning") is searched.
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 10)
    found = store.chunks_by_id(cid for cid, _ in store.search_bm25("deep learning", 100))
    assert len(found) == 20 and all("learning" in c.text.lower() for c in found.values())
    # Past even RANKED_AT_MOST, no word is worth ranking: the dense search answers alone.
    monkeypatch.setattr(lexical, "RANKED_AT_MOST", 15)
    assert store.search_bm25("deep learning", 100) == []
    assert store.search_bm25("deep learning number", 100) == []  # an unseen word finds nothing
    store.close()
