"""Document titles for people (index/reading/titles.py), through the real loaders."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.reading.loaders import load_bytes

from .pdfs import make_pdf


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        ("a.md", "\n\n# [Perspectives on *Deep* Learning](https://x.org)\n\nText.",
         "Perspectives on Deep Learning"),
        ("b.txt", "There Will Be a Theory\nOverall reactions to the paper\n- Many find it.",
         "There Will Be a Theory"),
        ("c.md", "We met on Monday to talk.\n\n## Agenda\n\nItems.", "Agenda"),
        ("d.txt", "We met on Monday to talk. Nothing was decided.", ""),
        ("e.md", "#" * 2 + " " + "x" * 300 + "\n\nBody.", ""),  # too long to be a title
        ("f.html", "<html><head><title>Trees &amp; nets</title></head><body><h1>Other</h1>"
         "<p>Body text.</p></body></html>", "Trees & nets"),
        ("g.html", "<html><body><p>No title element, just a sentence.</p></body></html>", ""),
    ],
)  # fmt: skip
def test_a_title_is_declared_or_heads_the_text(name: str, content: str, title: str) -> None:
    assert load_bytes(Path(name), content.encode()).title == title


def test_a_pdf_title_comes_from_its_metadata() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Gradient Compression at Scale")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "the protocol compresses gradients to seven bits.")
    assert load_bytes(Path("p.pdf"), bytes(pdf.output())).title == "Gradient Compression at Scale"
    # Without metadata, the first line when it reads like a title.
    assert load_bytes(Path("q.pdf"), make_pdf(["Zorblax Notes\nIt compresses."])).title == (
        "Zorblax Notes"
    )
