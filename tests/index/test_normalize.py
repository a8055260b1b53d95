import unicodedata

from index.reading.normalize import normalize_text


def test_repairs_the_corpus_mojibake() -> None:
    broken = "LLMs explaining themselves â‰\u00a0 true interpretability."
    assert normalize_text(broken) == "LLMs explaining themselves ≠ true interpretability."


def test_nfc_and_curly_quotes_kept() -> None:
    decomposed = "cafe\u0301 “quoted”"
    out = normalize_text(decomposed)
    assert out == "café “quoted”"
    assert unicodedata.is_normalized("NFC", out)


def test_whitespace_is_tidied_but_paragraphs_kept() -> None:
    text = "  a\u00a0\u00a0b\t c  \r\n\r\n\r\n\r\nnext\u200b para  \n"
    assert normalize_text(text) == "a b c\n\nnext para"
