"""Turn a file's bytes into normalized text (and pages), or fail with a short reason.

Loaders never raise anything but `LoadError`: the builder lists the reason and moves on.
"""

from __future__ import annotations

import codecs
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import charset_normalizer

from . import titles
from .errors import LoadError
from .normalize import normalize_text
from .records import Page

log = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\n"
_PREFERRED_ON_TIE = ("cp1252", "latin_1", "iso8859_15")


@dataclass(frozen=True, slots=True)
class LoadedText:
    text: str
    pages: tuple[Page, ...] = ()
    title: str = ""


def decode(data: bytes) -> str:
    """Decode text bytes: BOMs and UTF-8 first, then by detection; binary data is refused."""
    if not data.strip():
        raise LoadError("empty file")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise LoadError("binary file or unknown text encoding")
    # Detection often ties several single-byte code pages exactly (French text is as coherent
    # in cp1250 as in cp1252); on a tie prefer the most common legacy one, as browsers do.
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    best = next((m for m in tied if m.encoding in _PREFERRED_ON_TIE), best)
    log.info("decoded as %s by detection", best.encoding)
    return str(best)


def _refuse_binary_looking(text: str) -> str:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 20):
        raise LoadError("binary file (mostly control characters)")
    return text


def _one_page(text: str, title: str = "") -> LoadedText:
    text = normalize_text(text)
    if not text:
        raise LoadError("no text content")
    return LoadedText(text=text, title=title)


def load_plain(data: bytes) -> LoadedText:
    return _one_page(_refuse_binary_looking(decode(data)))


def load_html(data: bytes) -> LoadedText:
    from inscriptis import get_text  # lazy: lxml import is not free

    markup = decode(data)
    try:
        visible = get_text(markup)
    except Exception as exc:  # inscriptis/lxml raise a variety of parser errors
        raise LoadError(f"unparseable HTML: {exc}") from exc
    return _one_page(visible, titles.from_html(markup))


def load_pdf(data: bytes) -> LoadedText:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypts_with_empty_password(reader):
            raise LoadError("encrypted PDF (needs a password)")
        raw_pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise LoadError(f"corrupt PDF: {exc}") from exc
    loaded = join_pages(raw_pages)
    return replace(loaded, title=titles.from_pdf_metadata(reader))


def _decrypts_with_empty_password(reader: object) -> bool:
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


def join_pages(raw_pages: list[str]) -> LoadedText:
    """Normalize each page and join them, remembering where each page lies in the text."""
    parts: list[str] = []
    pages: list[Page] = []
    cursor = 0
    for number, raw in enumerate(raw_pages, start=1):
        text = normalize_text(raw)
        if not text:
            continue  # blank pages hold nothing to cite
        if parts:
            cursor += len(PAGE_SEPARATOR)
        pages.append(Page(number=number, start=cursor, end=cursor + len(text)))
        parts.append(text)
        cursor += len(text)
    if not parts:
        raise LoadError("no extractable text (scanned PDF? OCR is not supported)")
    return LoadedText(text=PAGE_SEPARATOR.join(parts), pages=tuple(pages))


LOADERS: dict[str, Callable[[bytes], LoadedText]] = {
    ".txt": load_plain,
    ".text": load_plain,
    ".md": load_plain,
    ".markdown": load_plain,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}
SUPPORTED = tuple(sorted(LOADERS))  # the file types a build reads, e.g. for an upload form


def require_supported(path: Path) -> Callable[[bytes], LoadedText]:
    """The loader for `path`'s extension, or a LoadError saying which types are supported."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        kinds = " ".join(sorted(LOADERS))
        raise LoadError(f"unsupported file type '{path.suffix or path.name}' (supported: {kinds})")
    return loader


def load_bytes(path: Path, data: bytes) -> LoadedText:
    """Load already-read bytes with the loader for `path`'s extension."""
    loaded = require_supported(path)(data)
    return replace(loaded, title=loaded.title or titles.from_text(loaded.text))


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
