"""A file of every new format, and a scanned PDF, indexed together and asked about: each answer
cites its file with an exact quote (the document's text at the citation's offsets) on the
right page, slide, chapter or sheet."""

from __future__ import annotations

import shutil

import pytest

import index
from rag import Assistant, Settings
from rag.settings import GenerationSettings
from tests.index import samples

pytestmark = pytest.mark.slow

CASES = [  # question, file, the words its quote must hold, page (None: the format has none)
    ("How fast does the Velloran turbine spin?", "handbook.docx", "4200 revolutions", None),
    ("What happened to quarterly churn at Brindlecorp?", "review.pptx", "3 percent",
     samples.PPTX_SLIDE),
    ("Who logged every passing ship in green ink?", "lighthouse.epub", "Ondrel Vasque",
     samples.EPUB_CHAPTER),
    ("How many tonnes of rye did the Marrowfield farm harvest?", "harvest.xlsx", "845",
     samples.XLSX_SHEET),
    ("Which ship has Saffire Bay as its home port?", "ships.csv", "Quillon", 1),
    ("What did the Harrowgate observatory record?", "scan.pdf", "ninth of March", 1),
]  # fmt: skip
# What each format's page is called where a citation is shown (CLI, API, cards, viewer).
UNITS = {"handbook.docx": "", "review.pptx": "slide", "lighthouse.epub": "chapter",
         "harvest.xlsx": "sheet", "ships.csv": "sheet", "scan.pdf": "page"}  # fmt: skip


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, minilm) -> Assistant:  # type: ignore[no-untyped-def]
    assert shutil.which("tesseract"), "install tesseract-ocr (make test does) to read scan.pdf"
    folder = tmp_path_factory.mktemp("formats")
    for name, make in [
        ("handbook.docx", samples.docx_bytes),
        ("review.pptx", samples.pptx_bytes),
        ("lighthouse.epub", samples.epub_bytes),
        ("harvest.xlsx", samples.xlsx_bytes),
        ("ships.csv", samples.csv_bytes),
        ("scan.pdf", samples.scanned_pdf_bytes),
    ]:
        (folder / name).write_bytes(make())
    out = tmp_path_factory.mktemp("formats-index")
    report = index.build([folder], out, embedder=minilm)
    assert report.ok and report.added == 6 and report.warnings == ()
    settings = Settings(generation=GenerationSettings(mode="extractive"))
    return Assistant(index.open(out, embedder=minilm), settings)


@pytest.mark.parametrize(("question", "source", "words", "page"), CASES)
def test_each_format_is_answered_with_an_exact_citation_on_its_page(
    assistant: Assistant, question: str, source: str, words: str, page: int | None
) -> None:
    answer = assistant.ask(question)
    assert answer.mode == "extractive", answer.text
    citation = next(c for c in answer.citations if c.source == source)
    assert words in citation.quote
    document = assistant.index.document(citation.document_id)
    assert document is not None
    assert document.text[citation.start : citation.end] == citation.quote
    assert citation.page == page
    unit = UNITS[source]
    assert citation.page_label == (f"{unit} {page}" if unit else "")
    assert citation.to_dict()["page_unit"] == (unit or None)
