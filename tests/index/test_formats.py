"""Word, PowerPoint, EPUB, Excel and CSV files, and scanned PDFs: each is read by its library
into text with pages where the format has them, and fails with a reason when it cannot be."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from index.errors import LoadError
from index.reading.loaders import SUPPORTED, load_bytes

from . import samples
from .pdfs import make_pdf


@pytest.fixture
def tesseract() -> None:
    """OCR tests run, never skip: `make test` installs Debian's tesseract-ocr."""
    assert shutil.which("tesseract"), "install tesseract-ocr (make test does) to run OCR tests"


def page_of(loaded, sentence: str) -> int:  # type: ignore[no-untyped-def]
    at = loaded.text.index(sentence)
    return next(p.number for p in loaded.pages if p.start <= at < p.end)


def test_every_new_format_is_supported() -> None:
    assert {".docx", ".pptx", ".epub", ".xlsx", ".csv"} <= set(SUPPORTED)


def test_docx_keeps_headings_paragraphs_and_tables_in_order() -> None:
    loaded = load_bytes(Path("handbook.docx"), samples.docx_bytes())
    assert loaded.title == "Turbine handbook" and loaded.pages == ()
    assert loaded.text.index("## Speeds") < loaded.text.index(samples.DOCX_FACT)
    assert loaded.text.endswith("Machine: Velloran turbine; Output: 12 megawatts.")


def test_pptx_slide_is_a_page_and_its_title_is_said_once() -> None:
    loaded = load_bytes(Path("review.pptx"), samples.pptx_bytes())
    assert [p.number for p in loaded.pages] == [1, 2]
    assert page_of(loaded, samples.PPTX_FACT) == samples.PPTX_SLIDE
    assert loaded.text.count("Customers") == 1
    assert "Source: the customer team." in loaded.text  # a text box beyond the placeholders


def test_epub_chapter_is_a_page_in_reading_order() -> None:
    loaded = load_bytes(Path("lighthouse.epub"), samples.epub_bytes())
    assert loaded.title == "The Lighthouse"
    # The navigation document is not a chapter: the first chapter is page 1.
    assert page_of(loaded, "The storm came in") == 1
    assert page_of(loaded, samples.EPUB_FACT) == samples.EPUB_CHAPTER


def test_xlsx_sheet_is_a_page_and_rows_name_their_columns() -> None:
    loaded = load_bytes(Path("harvest.xlsx"), samples.xlsx_bytes())
    row = "Farm: Marrowfield; Crop: rye; Tonnes: 845."  # 845.0 as the sheet shows it
    assert page_of(loaded, row) == samples.XLSX_SHEET
    assert loaded.text.split("\n\n")[2] == "# Farms"
    assert loaded.title == ""  # not its first row: callers show the file name


def test_csv_is_one_sheet_with_its_delimiter_sniffed() -> None:
    loaded = load_bytes(Path("ships.csv"), samples.csv_bytes())
    ship, port, year = samples.CSV_ROW
    assert f"Ship: {ship}; Home port: {port}; Launched: {year}." in loaded.text
    assert [p.number for p in loaded.pages] == [1]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bad.docx", b"PK\x03\x04 not really a zip", "corrupt Word file"),
        ("bad.pptx", b"not a deck", "corrupt PowerPoint file"),
        ("bad.epub", b"not a book", "corrupt EPUB"),
        ("bad.xlsx", b"not a workbook", "corrupt Excel file"),
        ("empty.csv", b"", "empty file"),
        ("header.csv", b"\x00\x01\x02binary", "binary file"),
    ],
)
def test_unreadable_files_fail_with_their_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(LoadError, match=reason):
        load_bytes(Path(name), data)


@pytest.mark.slow
@pytest.mark.usefixtures("tesseract")
def test_a_scanned_page_is_read_by_ocr() -> None:
    loaded = load_bytes(Path("scan.pdf"), samples.scanned_pdf_bytes())
    assert loaded.text == samples.SCANNED_FACT  # one paragraph: its wrapped lines joined
    assert [p.number for p in loaded.pages] == [1] and loaded.warnings == ()


def mixed_pdf() -> bytes:
    """Page 1 has a text layer, page 2 is scanned."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in (make_pdf(["A page with a text layer."]), samples.scanned_pdf_bytes()):
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def without_tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH on which no tesseract program can be found, as on a machine without it."""
    monkeypatch.setenv("PATH", str(tmp_path))


def test_without_tesseract_a_scanned_pdf_fails_saying_how_to_get_ocr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_tesseract(monkeypatch, tmp_path)
    with pytest.raises(LoadError, match=r"no text layer.*apt install tesseract-ocr"):
        load_bytes(Path("scan.pdf"), samples.scanned_pdf_bytes())


def test_without_tesseract_scanned_pages_are_named_in_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_tesseract(monkeypatch, tmp_path)
    loaded = load_bytes(Path("mixed.pdf"), mixed_pdf())
    assert loaded.text == "A page with a text layer."
    assert len(loaded.warnings) == 1 and loaded.warnings[0].startswith("page 2 has no text layer")


@pytest.mark.slow
@pytest.mark.usefixtures("tesseract")
def test_with_tesseract_a_mixed_pdf_is_read_whole() -> None:
    loaded = load_bytes(Path("mixed.pdf"), mixed_pdf())
    assert page_of(loaded, "Harrowgate") == 2 and loaded.warnings == ()


def test_ocr_text_keeps_paragraphs_and_joins_wrapped_lines() -> None:
    from index.reading.formats.ocr import unwrap

    assert unwrap("on the ninth of\nMarch.\n\nA new  \nparagraph.\n") == (
        "on the ninth of March.\n\nA new paragraph.\n"
    )


def test_a_blank_pdf_is_not_called_scanned() -> None:
    with pytest.raises(LoadError, match="no extractable text") as refused:
        load_bytes(Path("blank.pdf"), make_pdf([""]))
    assert "tesseract" not in str(refused.value)
