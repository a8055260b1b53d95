"""A document's title, for people: what the sources panel and the Documents table show in place
of a file name like 002_cffbe19ce27a66a7.txt.

In order: the title the format declares (HTML <title>, PDF metadata), a first line that is a
heading or reads like a title (short, no sentence ending), the first markdown heading near the
top, and otherwise nothing, so that callers fall back to the file name."""

from __future__ import annotations

import html
import re

from .normalize import normalize_text

MAX_CHARS = 120
HEAD_LINES = 12  # a heading further down belongs to a section, not the document
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text
_EMPHASIS = re.compile(r"[*_`]+")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def clean(line: str) -> str:
    """A line without markdown's link, emphasis and heading syntax, on one line."""
    line = _LINK.sub(r"\1", line)
    line = _EMPHASIS.sub("", line).strip().lstrip("#>-* ").strip()
    return " ".join(line.split())


def _usable(title: str) -> str:
    return title if 0 < len(title) <= MAX_CHARS else ""


def from_text(text: str) -> str:
    """The first line when it is a heading or reads like a title (short, no sentence
    ending), else the first heading of the first lines; "" when there is none."""
    lines = [line for line in text.splitlines() if line.strip()][:HEAD_LINES]
    if not lines:
        return ""
    first = clean(lines[0])
    titled = _HEADING.match(lines[0]) or not first.endswith((".", "?", "!", ":", ";", ","))
    if titled and _usable(first):
        return first
    for line in lines[1:]:
        match = _HEADING.match(line)
        if match:
            return _usable(clean(match.group(1)))
    return ""


def from_html(markup: str) -> str:
    match = _HTML_TITLE.search(markup)
    return _usable(" ".join(html.unescape(match.group(1)).split())) if match else ""


def from_pdf_metadata(reader: object) -> str:
    """The PDF's /Title, when it has a real one (not a file name or a tool's placeholder)."""
    try:
        title = getattr(getattr(reader, "metadata", None), "title", None)
    except Exception:  # damaged metadata is no reason to refuse the text
        return ""
    if not isinstance(title, str):
        return ""
    title = normalize_text(title).strip()
    if re.search(r"\.(pdf|docx?|txt)$|^untitled$|^microsoft word", title, re.IGNORECASE):
        return ""
    return _usable(title)
