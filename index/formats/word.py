"""Word (.docx) through python-docx: paragraphs and tables in document order, headings kept as
markdown headings (the source card renders them), tables as rows of cells."""

from __future__ import annotations

import io

from ..errors import LoadError
from ..loaded import LoadedText, one_page


def _heading_level(style: str) -> int:
    """1 for "Title" and "Heading 1", 2 for "Heading 2", ...; 0 for a body paragraph."""
    if style == "Title":
        return 1
    name, _, level = style.partition(" ")
    return int(level) if name == "Heading" and level.isdigit() else 0


def _row(cells: list[str]) -> str:
    # A merged cell is returned once per grid column it spans: shown once.
    kept = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
    return " | ".join(" ".join(c.split()) for c in kept)


def load_docx(data: bytes) -> LoadedText:
    import docx  # python-docx: lazy, as every format's library
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = [_row([cell.text for cell in row.cells]) for row in block.rows]
                blocks.append("\n".join(r for r in rows if r.strip(" |")))
                continue
            text = block.text.strip()
            level = _heading_level(block.style.name if block.style is not None else "")
            blocks.append(f"{'#' * level} {text}" if level and text else text)
        title = document.core_properties.title or ""
    except Exception as exc:  # zipfile, lxml and python-docx raise many types for bad files
        raise LoadError(f"corrupt Word file: {exc}") from exc
    return one_page("\n\n".join(b for b in blocks if b), title.strip())
