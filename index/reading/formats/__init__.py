"""Loaders of office and e-book formats, each through a well-kept library, plus OCR for scanned
PDF pages. Each returns the text a citation's offsets index, with pages where the format has
them (a slide, a chapter, a sheet)."""
