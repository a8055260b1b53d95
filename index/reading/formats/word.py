"""Word (.docx) through python-docx: paragraphs and tables in document order, headings kept as
markdown headings (the source card renders them), a table's rows as lines naming their values
by the header's columns (as spreadsheets read)."""

from __future__ import annotations

import io

from ...errors import LoadError
from ..loaded import LoadedText, one_page
from .sheets import row_lines


def _heading_level(style: str) -> int:
    """1 for "Title" and "Heading 1", 2 for "Heading 2", ...; 0 for a body paragraph."""
    if style == "Title":
        return 1
    name, _, level = style.partition(" ")
    return int(level) if name == "Heading" and level.isdigit() else 0


def _row(cells: list[str]) -> list[str]:
    # A merged cell is returned once per grid column it spans: kept once.
    return [c if i == 0 or c != cells[i - 1] else "" for i, c in enumerate(cells)]


def load_docx(data: bytes) -> LoadedText:
    import docx  # python-docx: lazy, as every format's library
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = [_row([cell.text for cell in row.cells]) for row in block.rows]
                blocks.append("\n".join(row_lines(rows)))
                continue
            text = block.text.strip()
            level = _heading_level(block.style.name if block.style is not None else "")
            blocks.append(f"{'#' * level} {text}" if level and text else text)
        title = document.core_properties.title or ""
    except Exception as exc:  # zipfile, lxml and python-docx raise many types for bad files
        raise LoadError(f"corrupt Word file: {exc}") from exc
    return one_page("\n\n".join(b for b in blocks if b), title.strip())
