"""Cross-encoder reranking (sentence-transformers `CrossEncoder`), used when one is installed."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class CrossEncoderReranker:
    def __init__(self, path: Path) -> None:
        self.path = path

    @functools.cached_property
    def model(self) -> Any:
        from sentence_transformers import CrossEncoder

        return CrossEncoder(str(self.path))

    def warm_up(self) -> None:
        self.model  # noqa: B018 - the cached property loads it

    def scores(self, question: str, passages: Sequence[str]) -> list[float]:
        return [float(s) for s in self.model.predict([(question, p) for p in passages])]
