from pathlib import Path

import pytest

from index.errors import LoadError
from index.reading.loaders import load_bytes

from .pdfs import encrypt_pdf, make_pdf


def load(name: str, data: bytes):  # type: ignore[no-untyped-def]
    return load_bytes(Path(name), data)


def test_plain_text_and_markdown() -> None:
    assert load("a.txt", b"Hello  world.\n").text == "Hello world."
    md = load("notes.md", b"# Title\n\nSome *markdown* text.")
    assert md.text == "# Title\n\nSome *markdown* text."
    assert md.title == "Title"


def test_latin1_is_decoded_by_detection() -> None:
    text = "Le café est très bon, et la crème brûlée aussi. Où est la bibliothèque ? " * 3
    assert load("fr.txt", text.encode("latin-1")).text == text.strip()


def test_utf16_with_bom() -> None:
    assert load("u.txt", "naïve résumé".encode("utf-16")).text == "naïve résumé"


def test_html_keeps_only_visible_text() -> None:
    html = b"""<html><head><title>T</title><style>p {color: red}</style>
    <script>var secret = "hidden";</script></head>
    <body><h1>Heading</h1><p>First <b>bold</b> paragraph.</p><p>Second.</p>
    <noscript>no js</noscript></body></html>"""
    text = load("page.html", html).text
    assert "Heading" in text and "First bold paragraph." in text and "Second." in text
    assert "secret" not in text and "color" not in text


def test_pdf_text_per_page_with_offsets() -> None:
    data = make_pdf(["Page one talks about apples.", "", "Page three talks about pears."])
    loaded = load("doc.pdf", data)
    assert [p.number for p in loaded.pages] == [1, 3]  # the blank page holds nothing to cite
    first, third = loaded.pages
    assert loaded.text[first.start : first.end] == "Page one talks about apples."
    assert loaded.text[third.start : third.end] == "Page three talks about pears."


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\t\n", "empty file"),
        ("image.txt", bytes(range(256)) * 8, "binary file"),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog garbage", "corrupt PDF"),
        ("truncated.pdf", make_pdf(["some text"])[:200], "corrupt PDF"),
        ("scanned.pdf", make_pdf([""]), "no extractable text"),
        ("locked.pdf", encrypt_pdf(make_pdf(["secret text"]), "pw"), "encrypted PDF"),
        ("table.odt", b"PK\x03\x04", "unsupported file type '.odt'"),
        ("script.html", b"<script>only code</script>", "no text content"),
    ],
)
def test_bad_input_fails_with_a_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(LoadError) as err:
        load(name, data)
    assert reason in err.value.reason


def test_pdf_encrypted_with_empty_password_opens() -> None:
    data = encrypt_pdf(make_pdf(["readable anyway"]), "")
    assert load("open.pdf", data).text == "readable anyway"
