from __future__ import annotations

from pathlib import Path

import pytest

import index
from index.embedding import SentenceTransformerEmbedder

from ..conftest import CORPUS


def _docs(index_dir: Path) -> dict[str, index.Document]:
    with index.open(index_dir) as idx:
        return {d.source: d for d in idx.documents()}


def _chunks_by_source(index_dir: Path) -> dict[str, list[index.Chunk]]:
    with index.open(index_dir) as idx:
        names = {d.id: d.source for d in idx.documents()}
        out: dict[str, list[index.Chunk]] = {}
        for chunk in idx.chunks():
            out.setdefault(names[chunk.document_id], []).append(chunk)
        return out


def test_corpus_index(corpus_index: Path, minilm: SentenceTransformerEmbedder) -> None:
    with index.open(corpus_index) as idx:
        docs = {d.id: d for d in idx.documents()}
        chunks = list(idx.chunks())
        assert sorted(d.source for d in docs.values()) == sorted(p.name for p in CORPUS.iterdir())
        assert idx.manifest.embedding_model == "sentence-transformers/all-MiniLM-L6-v2"
        assert idx.manifest.dimension == 384 and len(idx) == len(chunks) > 4
        assert idx.manifest.weights_hash == minilm.weights_hash != "unknown"
        for chunk in chunks:
            assert docs[chunk.document_id].text[chunk.start : chunk.end] == chunk.text
            assert minilm.count_tokens(chunk.text) <= minilm.max_tokens - 2
            assert "â‰" not in chunk.text
        assert any("≠ true interpretability" in c.text for c in chunks)


def test_dense_and_lexical_search_find_the_passage(corpus_index: Path) -> None:
    question = "Why do tree-based methods still beat neural networks on tabular data?"
    with index.open(corpus_index) as idx:
        names = {d.id: d.source for d in idx.documents()}
        for hits in (
            idx.search_dense(idx.embed_query(question), 3),
            idx.search_lexical(question, 3),
        ):
            top = idx.chunks_by_id([hits[0][0]])[hits[0][0]]
            assert names[top.document_id] == "001_a4dc316d66749b4e.txt"
            assert "tabular" in top.text.lower()
            assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_incremental_builds(
    tmp_path: Path, corpus_copy: Path, minilm: SentenceTransformerEmbedder
) -> None:
    out = tmp_path / "idx"
    first = index.build([corpus_copy], out, embedder=minilm)
    assert (first.added, first.chunks_embedded > 0, first.failed) == (4, True, ())
    before = _chunks_by_source(out)

    again = index.build([corpus_copy], out, embedder=minilm)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 4)
    assert again.chunks_embedded == 0

    changed = corpus_copy / "003_1a11c43442039ba1.txt"
    changed.write_text(
        changed.read_text() + "\n\nA new closing paragraph about sparse autoencoders."
    )
    update = index.build([corpus_copy], out, embedder=minilm)
    after = _chunks_by_source(out)
    assert (update.updated, update.unchanged) == (1, 3)
    assert update.chunks_embedded == len(after[changed.name])
    for name in before:  # the other documents kept their chunks, ids included
        if name != changed.name:
            assert after[name] == before[name]
    assert "sparse autoencoders" in _docs(out)[changed.name].text

    (corpus_copy / "000_91071b340f5492b7.txt").unlink()
    removal = index.build([corpus_copy], out, embedder=minilm)
    assert (removal.removed, removal.unchanged, removal.chunks_embedded) == (1, 3, 0)
    with index.open(out) as idx:
        assert "000_91071b340f5492b7.txt" not in {d.source for d in idx.documents()}
        assert len(idx) == sum(len(c) for n, c in after.items() if not n.startswith("000"))


def test_bad_files_are_listed_and_lose_nothing(
    tmp_path: Path, corpus_copy: Path, minilm: SentenceTransformerEmbedder
) -> None:
    out = tmp_path / "idx"
    index.build([corpus_copy], out, embedder=minilm)
    good = corpus_copy / "001_a4dc316d66749b4e.txt"
    good.write_bytes(b"\x00\x01\x02 binary now" * 50)  # an indexed file becomes unreadable
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    (corpus_copy / "data.odt").write_bytes(b"PK\x03\x04 a spreadsheet")
    (corpus_copy / ".hidden.txt").write_text("dotfiles are not documents")
    report = index.build([corpus_copy, tmp_path / "missing"], out, embedder=minilm)
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {good.name, "empty.txt", "broken.pdf", "data.odt", "missing"}
    assert "binary" in reasons[good.name] and "corrupt PDF" in reasons["broken.pdf"]
    assert not report.ok and report.unchanged == 3
    docs = _docs(out)  # the old version of the now-broken file is still there
    assert set(docs) == {p.name for p in CORPUS.iterdir()}
    assert "tabular" in docs[good.name].text


def test_empty_folder_is_an_error_not_an_empty_index(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    (tmp_path / "empty").mkdir()
    report = index.build([tmp_path / "empty"], tmp_path / "idx", embedder=minilm)
    assert [f.reason for f in report.failed] == ["no documents found in this folder"]
    with pytest.raises(index.IndexNotFoundError, match="rag index build"):
        index.open(tmp_path / "idx")


def test_remove_by_path_and_by_name(
    tmp_path: Path, corpus_copy: Path, minilm: SentenceTransformerEmbedder
) -> None:
    out = tmp_path / "idx"
    index.build([corpus_copy], out, embedder=minilm)
    report = index.remove(
        [corpus_copy / "000_91071b340f5492b7.txt", "002_cffbe19ce27a66a7.txt", "nope.txt"], out
    )
    assert (report.removed, report.unchanged) == (2, 2)
    assert [f.path for f in report.failed] == ["nope.txt"]
    assert set(_docs(out)) == {"001_a4dc316d66749b4e.txt", "003_1a11c43442039ba1.txt"}


def test_pdf_chunks_carry_their_page(tmp_path: Path, minilm: SentenceTransformerEmbedder) -> None:
    from .pdfs import make_pdf

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(make_pdf(["Apples grow on trees.", "Pears are sweet."]))
    index.build([folder], tmp_path / "idx", embedder=minilm)
    with index.open(tmp_path / "idx") as idx:
        pages = {c.text: c.page for c in idx.chunks()}
    assert pages == {"Apples grow on trees.": 1, "Pears are sweet.": 2}


def test_model_mismatch_is_refused_with_a_way_out(
    tmp_path: Path, corpus_index: Path, tiny_model: Path, minilm: SentenceTransformerEmbedder
) -> None:
    from index.embedding import SentenceTransformerEmbedder as Embedder

    tiny = Embedder(str(tiny_model))
    with pytest.raises(index.IndexMismatchError) as err:
        index.open(corpus_index, index.IndexSettings(embedding_model=str(tiny_model)))
    message = str(err.value)
    assert "all-MiniLM-L6-v2" in message and "384" in message and "--rebuild" in message

    # Building into an index made with another model is refused too...
    with pytest.raises(index.IndexMismatchError):
        index.build([CORPUS], corpus_index, embedder=tiny)
    # ...until asked to rebuild, which switches the whole index to the new model.
    out = tmp_path / "idx"
    index.build([CORPUS], out, embedder=minilm)
    report = index.build([CORPUS], out, embedder=tiny, rebuild=True)
    assert report.added == 4
    with index.open(out, embedder=tiny) as idx:
        assert idx.manifest.dimension == 32 and idx.embed_query("hello").shape == (32,)
    with pytest.raises(index.IndexMismatchError, match="dimension 32"):
        index.open(out, index.IndexSettings())


def test_a_build_with_progress_counts_the_files_it_reads(
    tmp_path: Path, minilm, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    """Reading comes before embedding, and can take longer (OCR): its own bar moves while it
    goes on, where the embedding bar alone sat at 0 % (the web app shows these bars)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(3):
        (folder / f"note{n}.txt").write_text(
            f"Note {n} says the kettle boils in {n + 2} minutes.\n"
        )
    (folder / "empty.txt").write_text("")
    index.build([folder], tmp_path / "index", embedder=minilm, progress=True)
    bars = capsys.readouterr().err
    assert "Reading: 100%" in bars and "4/4" in bars
    assert "Embedding: 100%" in bars
