"""OCR of PDF pages that have no text layer (scanned pages), with Debian's tesseract-ocr through
pytesseract. Pages are rendered by pypdfium2 (PDFium, the renderer Chrome uses, as a wheel: no
poppler to install) at 300 dpi, tesseract's preferred resolution."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Sequence

DPI = 300
INSTALL_HINT = (
    "install tesseract-ocr to read them with OCR (Debian/Ubuntu: sudo apt install "
    "tesseract-ocr; macOS: brew install tesseract), then build again"
)
_PDFIUM = threading.Lock()  # PDFium is not thread-safe
_WRAP = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")  # a line break inside a paragraph


def available() -> bool:
    """Is the tesseract program installed (pytesseract runs it)?"""
    return shutil.which("tesseract") is not None


def read_pages(data: bytes, indexes: Sequence[int], language: str = "eng") -> dict[int, str]:
    """The OCR'd text of the PDF pages at `indexes` (0-based). Raises what pypdfium2 or
    pytesseract raise; the caller turns it into a load failure."""
    import pypdfium2
    import pytesseract

    images = {}
    with _PDFIUM:
        pdf = pypdfium2.PdfDocument(data)
        try:
            for i in indexes:
                images[i] = pdf[i].render(scale=DPI / 72).to_pil()
        finally:
            pdf.close()
    return {
        i: unwrap(pytesseract.image_to_string(image, lang=language)) for i, image in images.items()
    }


def unwrap(text: str) -> str:
    """tesseract's text with each paragraph on one line: its line breaks are where the scanned
    page wrapped, not where sentences end ("...on the ninth of\nMarch."), and a sentence cut
    there would be quoted cut. Paragraphs (blank lines) stay apart."""
    return _WRAP.sub(" ", text)


def page_list(numbers: Sequence[int]) -> str:
    """1-based page numbers as people write them: "1-3, 5"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
