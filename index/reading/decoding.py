"""Text bytes to str: BOMs and UTF-8 first, then by detection; binary data is refused."""

from __future__ import annotations

import codecs
import logging

import charset_normalizer

from ..errors import LoadError

log = logging.getLogger(__name__)

_PREFERRED_ON_TIE = ("cp1252", "latin_1", "iso8859_15")


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


def refuse_binary_looking(text: str) -> str:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 20):
        raise LoadError("binary file (mostly control characters)")
    return text
