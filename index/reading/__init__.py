"""Reading: a file's bytes -> its text and pages. Formats by extension (loaders.py; Word,
slides, sheets, e-books and OCR in formats/), bytes to text (decoding.py), text repaired and
normalised (normalize.py), and a document's title (titles.py)."""

from .loaded import LoadedText
from .loaders import SUPPORTED, load_bytes, read_bytes, require_supported

__all__ = ["SUPPORTED", "LoadedText", "load_bytes", "read_bytes", "require_supported"]
