"""EPUB through EbookLib: a chapter is a page. Chapters are the spine's documents in reading
order, their XHTML laid out as text by inscriptis (as .html files are); the navigation
document and chapters without text (a cover image) are not counted."""

from __future__ import annotations

import io
import warnings

from ...errors import LoadError
from ..loaded import LoadedText, join_pages
from ..normalize import normalize_text


def load_epub(data: bytes) -> LoadedText:
    import ebooklib
    from ebooklib import epub
    from inscriptis import get_text

    try:
        with warnings.catch_warnings():  # EbookLib warns about options' future defaults
            warnings.simplefilter("ignore")
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
        chapters = []
        for idref, _linear in book.spine:
            item = book.get_item_with_id(idref)
            if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
                continue
            if isinstance(item, epub.EpubNav):
                continue
            text = get_text(item.get_content().decode("utf-8", errors="replace"))
            if normalize_text(text):
                chapters.append(text)
        titles = book.get_metadata("DC", "title")
    except Exception as exc:  # zipfile, lxml and EbookLib raise many types for bad files
        raise LoadError(f"corrupt EPUB: {exc}") from exc
    loaded = join_pages(chapters, "no text in any chapter")
    title = " ".join(str(titles[0][0]).split()) if titles else ""
    return LoadedText(loaded.text, loaded.pages, title)
