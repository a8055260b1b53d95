"""Options shared by several `rag` commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_index_dir(parser: argparse.ArgumentParser, dest: str = "index_dir") -> None:
    parser.add_argument(
        "--index-dir",
        dest=dest,
        type=Path,
        help="index folder (default: $RAG_HOME/index, RAG_HOME defaulting to ~/.local/share/rag)",
    )
