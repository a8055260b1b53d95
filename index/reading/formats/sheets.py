"""Spreadsheets: .xlsx through openpyxl (a sheet is a page), .csv through the standard csv
module (one sheet). The first non-empty row is the header; each later row becomes one line
that names its values by their column ("Region: North; Revenue: 1200."), so a passage about a
row reads on its own, wherever the chunker cuts. Word and PowerPoint tables read the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ...errors import LoadError
from ..decoding import decode
from ..loaded import LoadedText, join_pages

MAX_ROWS = 100_000  # per sheet: a log-sized sheet is not a document to ask questions of


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1200.0 as 1200, as the sheet shows it
    return " ".join(str(value).split())


def row_lines(rows: Iterable[Sequence[Any]]) -> list[str]:
    """A table as lines: the first non-empty row is the header, and each later row one line
    naming its values by their column, ending in a full stop, so that each row is a sentence
    an answer can quote ("Farm: Marrowfield; Crop: rye; Tonnes: 845.")."""
    lines: list[str] = []
    header: list[str] | None = None
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            lines.append(f"(The table has more rows; the first {MAX_ROWS:,} are indexed.)")
            break
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        named = [
            f"{header[i] if i < len(header) and header[i] else f'Column {i + 1}'}: {value}"
            for i, value in enumerate(cells)
            if value
        ]
        line = "; ".join(named)
        lines.append(line if line.endswith((".", "!", "?")) else line + ".")
    if header is not None and not lines:  # a header-only table still says what it holds
        lines.append(" | ".join(h for h in header if h))
    return lines


def rows_text(name: str, rows: Iterable[Sequence[Any]]) -> str:
    """A sheet as text: its name as a heading (if it has one), then its rows' lines."""
    lines = row_lines(rows)
    if not lines:
        return ""
    return (f"# {name}\n\n" if name else "") + "\n".join(lines)


def load_xlsx(data: bytes) -> LoadedText:
    from openpyxl import load_workbook

    try:
        # data_only: a formula's last computed value, as the sheet shows it, not its source
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = [rows_text(sheet.title, sheet.iter_rows(values_only=True)) for sheet in book]
        title = book.properties.title or ""
        book.close()
    except Exception as exc:  # zipfile, lxml and openpyxl raise many types for bad files
        raise LoadError(f"corrupt Excel file: {exc}") from exc
    loaded = join_pages(sheets, "no values in any sheet")
    return LoadedText(loaded.text, loaded.pages, title.strip())


def load_csv(data: bytes) -> LoadedText:
    text = decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to tell: plain commas
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise LoadError(f"unreadable CSV: {exc}") from exc
    return join_pages([rows_text("", rows)], "no values in the CSV")
