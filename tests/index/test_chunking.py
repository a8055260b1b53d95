from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunking import Chunker
from index.embedding import SentenceTransformerEmbedder
from index.reading.loaders import join_pages
from index.reading.normalize import normalize_text

WORDS = st.sampled_from(
    [
        "deep",
        "learning",
        "transformer",
        "ü",
        "≠",
        "naïve",
        "FAISS",
        "2023",
        "—",
        "“quote”",
        "a",
        "supercalifragilisticexpialidocious",
        "東京",
        "🙂",
        "x" * 40,
    ]
)
PUNCT = st.sampled_from([" ", " ", " ", ". ", ", ", "\n", "\n\n", "? ", "; ", "  ", "\t"])
TEXTS = st.lists(st.tuples(WORDS, PUNCT), max_size=700).map(
    lambda pairs: "".join(w + p for w, p in pairs)
)
SLOW_OK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def chunker(model: SentenceTransformerEmbedder, size: int = 48, overlap: int = 8) -> Chunker:
    return Chunker(model.count_tokens, chunk_tokens=size, chunk_overlap=overlap, max_tokens=254)


# Text with no repeated word: every chunk has exactly one place it can come from.
UNIQUE = st.lists(st.tuples(WORDS, PUNCT), max_size=600).map(
    lambda pairs: "".join(f"{w}{i}{p}" for i, (w, p) in enumerate(pairs))
)


@SLOW_OK
@given(raw=TEXTS | UNIQUE | st.text(max_size=1500))
def test_every_chunk_is_the_exact_slice_at_its_offsets(
    minilm: SentenceTransformerEmbedder, raw: str
) -> None:
    text = normalize_text(raw)
    spans = chunker(minilm).spans(text)
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
        assert minilm.count_tokens(piece) <= 254
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    # Nothing is lost: every word of the text is in some chunk.
    chunk_words = {w for s in spans for w in text[s.start : s.end].split()}
    assert set(text.split()) <= chunk_words


@SLOW_OK
@given(raw=UNIQUE)
def test_chunks_cover_the_text_in_place(minilm: SentenceTransformerEmbedder, raw: str) -> None:
    text = normalize_text(raw)
    covered: set[int] = set()
    for span in chunker(minilm).spans(text):
        covered.update(range(span.start, span.end))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@SLOW_OK
@given(pages=st.lists(TEXTS, min_size=1, max_size=4))
def test_chunks_stay_on_their_page(minilm: SentenceTransformerEmbedder, pages: list[str]) -> None:
    if not any(normalize_text(p) for p in pages):
        return
    loaded = join_pages(pages)
    by_number = {p.number: p for p in loaded.pages}
    for span in chunker(minilm).spans(loaded.text, loaded.pages):
        assert span.page is not None
        page = by_number[span.page]
        assert page.start <= span.start < span.end <= page.end


def test_chunks_never_exceed_the_encoder_limit(minilm: SentenceTransformerEmbedder) -> None:
    # One 3,000-token "word" with no separators at all still gets cut under the limit.
    text = "ab" * 3000
    spans = chunker(minilm, size=200, overlap=0).spans(text)
    assert spans and all(minilm.count_tokens(text[s.start : s.end]) <= 254 for s in spans)
    assert "".join(text[s.start : s.end] for s in spans) == text


def test_chunk_size_above_the_model_limit_is_refused(minilm: SentenceTransformerEmbedder) -> None:
    import pytest

    with pytest.raises(ValueError, match="truncated silently"):
        Chunker(minilm.count_tokens, chunk_tokens=400, chunk_overlap=0, max_tokens=254)
