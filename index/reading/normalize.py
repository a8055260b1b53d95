"""Text normalization applied once, on load: every offset in the index refers to its output."""

from __future__ import annotations

import re
import unicodedata

import ftfy

# ftfy repairs mojibake ("â‰ " -> "≠") and NFC-normalizes. Curly quotes are kept: they are
# what the author wrote, and quoting them back verbatim is the point of a citation.
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_HSPACE = re.compile(r"[^\S\n]+")  # any whitespace but newline
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Repair encoding damage, NFC-normalize, and tidy whitespace (one space, ≤ 1 blank line)."""
    text = ftfy.fix_text(text, _FTFY)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    lines = (_HSPACE.sub(" ", line).rstrip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
