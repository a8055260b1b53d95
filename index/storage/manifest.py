"""manifest.json: how an index was built, so it can be checked before it is trusted."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..errors import IndexCorruptError

FORMAT = 1


def tool_version() -> str:
    try:
        return version("rag-assistant")
    except PackageNotFoundError:
        return "unknown"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Manifest:
    embedding_model: str
    weights_hash: str
    dimension: int
    normalized: bool
    chunking: dict[str, Any]
    documents: dict[str, str]  # path -> sha256 of its bytes
    chunks: int
    created_at: str
    built_at: str
    tool_version: str = field(default_factory=tool_version)
    format: int = FORMAT
    # How the vectors are searched: {"index": "flat"}, or IVF with its nlist and nprobe.
    vectors: dict[str, Any] = field(default_factory=lambda: {"index": "flat"})
    # What encoded the vectors (index.embedding.ENCODERS); indexes before int8 were fp32.
    encoder: str = "fp32"

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(f"unreadable manifest {path}: {exc}") from exc
