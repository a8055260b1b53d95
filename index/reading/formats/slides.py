"""PowerPoint (.pptx) through python-pptx: a slide is a page; its title first, then the text of
its shapes (text boxes, tables, groups) in the slide's order."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from ...errors import LoadError
from ..loaded import LoadedText, join_pages
from .sheets import row_lines


def _texts(shapes: Iterable[Any]) -> Iterator[str]:
    for shape in shapes:
        if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP: its own shapes
            yield from _texts(shape.shapes)
        elif getattr(shape, "has_table", False):
            rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
            yield "\n".join(row_lines(rows))
        elif getattr(shape, "has_text_frame", False):
            text = "\n".join(p.text.strip() for p in shape.text_frame.paragraphs)
            if text.strip():
                yield text.strip()


def _slide_text(slide: Any) -> str:
    title = slide.shapes.title
    parts = [f"# {title.text.strip()}"] if title is not None and title.text.strip() else []
    # Shapes are fresh proxies on every access: the title is told apart by its id.
    title_id = title.shape_id if title is not None else None
    parts += _texts(s for s in slide.shapes if s.shape_id != title_id)
    return "\n\n".join(parts)


def load_pptx(data: bytes) -> LoadedText:
    from pptx import Presentation

    try:
        deck = Presentation(io.BytesIO(data))
        slides = [_slide_text(slide) for slide in deck.slides]
        title = deck.core_properties.title or ""
    except Exception as exc:  # zipfile, lxml and python-pptx raise many types for bad files
        raise LoadError(f"corrupt PowerPoint file: {exc}") from exc
    loaded = join_pages(slides, "no text on any slide")
    return LoadedText(loaded.text, loaded.pages, title.strip())
