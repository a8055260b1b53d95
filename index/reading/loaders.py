"""Turn a file's bytes into normalized text (and pages), or fail with a short reason.

Loaders never raise anything but `LoadError`: the builder lists the reason and moves on.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import LoadError
from . import titles
from .decoding import decode, refuse_binary_looking
from .formats import ocr
from .formats.ebook import load_epub
from .formats.sheets import load_csv, load_xlsx
from .formats.slides import load_pptx
from .formats.word import load_docx
from .loaded import PAGE_SEPARATOR, LoadedText, join_pages, one_page
from .normalize import normalize_text

log = logging.getLogger(__name__)

__all__ = ["PAGE_SEPARATOR", "SUPPORTED", "LoadedText", "join_pages", "load_bytes"]


def load_plain(data: bytes) -> LoadedText:
    return one_page(refuse_binary_looking(decode(data)))


def load_html(data: bytes) -> LoadedText:
    from inscriptis import get_text  # lazy: lxml import is not free

    markup = decode(data)
    try:
        visible = get_text(markup)
    except Exception as exc:  # inscriptis/lxml raise a variety of parser errors
        raise LoadError(f"unparseable HTML: {exc}") from exc
    return one_page(visible, titles.from_html(markup))


def load_pdf(data: bytes) -> LoadedText:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypts_with_empty_password(reader):
            raise LoadError("encrypted PDF (needs a password)")
        raw_pages = [page.extract_text() or "" for page in reader.pages]
        # Pages without a text layer but with an image: scanned pages, for OCR.
        scanned = [
            i
            for i, text in enumerate(raw_pages)
            if not normalize_text(text) and _has_image(reader.pages[i])
        ]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise LoadError(f"corrupt PDF: {exc}") from exc
    warnings: tuple[str, ...] = ()
    empty = "no extractable text"
    if scanned:
        numbers = ocr.page_list([i + 1 for i in scanned])
        if ocr.available():
            try:
                for i, text in ocr.read_pages(data, scanned).items():
                    raw_pages[i] = text
            except Exception as exc:  # a page PDFium cannot render, tesseract failing
                raise LoadError(f"OCR failed on pages {numbers}: {exc}") from exc
            log.info("read pages %s by OCR", numbers)
            empty = f"no text found on the scanned pages {numbers} by OCR"
        else:
            pages = f"page {numbers} has" if len(scanned) == 1 else f"pages {numbers} have"
            warnings = (f"{pages} no text layer (scanned?) and went unread: {ocr.INSTALL_HINT}",)
            empty = f"no text layer (a scanned PDF?): {ocr.INSTALL_HINT}"
    loaded = join_pages(raw_pages, empty)
    return replace(loaded, title=titles.from_pdf_metadata(reader), warnings=warnings)


def _has_image(page: object) -> bool:
    try:
        return bool(page.images)  # type: ignore[attr-defined]
    except Exception:  # an image pypdf cannot decode is still an image
        return True


def _decrypts_with_empty_password(reader: object) -> bool:
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


LOADERS: dict[str, Callable[[bytes], LoadedText]] = {
    ".txt": load_plain,
    ".text": load_plain,
    ".md": load_plain,
    ".markdown": load_plain,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".pptx": load_pptx,
    ".epub": load_epub,
    ".xlsx": load_xlsx,
    ".csv": load_csv,
}
SUPPORTED = tuple(sorted(LOADERS))  # the file types a build reads, e.g. for an upload form


def require_supported(path: Path) -> Callable[[bytes], LoadedText]:
    """The loader for `path`'s extension, or a LoadError saying which types are supported."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        kinds = " ".join(sorted(LOADERS))
        raise LoadError(f"unsupported file type '{path.suffix or path.name}' (supported: {kinds})")
    return loader


# A sheet's first line is a row, not a title: the file name says more.
_NO_TITLE_FROM_TEXT = (".csv", ".xlsx")


def load_bytes(path: Path, data: bytes) -> LoadedText:
    """Load already-read bytes with the loader for `path`'s extension."""
    loaded = require_supported(path)(data)
    if loaded.title or path.suffix.lower() in _NO_TITLE_FROM_TEXT:
        return loaded
    return replace(loaded, title=titles.from_text(loaded.text))


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise LoadError("no such file") from exc
    except IsADirectoryError as exc:
        raise LoadError("is a directory") from exc
    except PermissionError as exc:
        raise LoadError("permission denied") from exc
    except OSError as exc:
        raise LoadError(f"unreadable: {exc.strerror or exc}") from exc
