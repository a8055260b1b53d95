"""Every environment variable the library reads, read here and nowhere else (the command
line reads the web app's own, RAG_UI_PASSWORD, in cli/environment.py).

Read at each call, not at import: tests and long-lived processes may change them.
"""

from __future__ import annotations

import os
from pathlib import Path

RAG_HOME = "RAG_HOME"  # where the assistant keeps its data (like llm's LLM_USER_PATH)
RAG_MODELS_FILE = "RAG_MODELS_FILE"  # another models.txt
HF_HUB_OFFLINE = "HF_HUB_OFFLINE"  # huggingface_hub's own switch: never touch the network
XDG_CACHE_HOME = "XDG_CACHE_HOME"  # derived files that can be made again (default ~/.cache)
RAY_ADDRESS = "RAY_ADDRESS"  # Ray's own: the cluster a build joins when --ray names none


def rag_home() -> Path:
    """$RAG_HOME, else ~/.local/share/rag."""
    env = os.environ.get(RAG_HOME)
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "rag"


def cache_home() -> Path:
    """$XDG_CACHE_HOME/rag, else ~/.cache/rag: files made from others (an exported model),
    shared by every $RAG_HOME of the user."""
    env = os.environ.get(XDG_CACHE_HOME)
    return (Path(env).expanduser() if env else Path.home() / ".cache") / "rag"


def models_file_override() -> Path | None:
    env = os.environ.get(RAG_MODELS_FILE)
    return Path(env) if env else None


def hub_offline() -> bool:
    return os.environ.get(HF_HUB_OFFLINE, "").lower() in {"1", "true", "yes", "on"}


def ray_address() -> str | None:
    return os.environ.get(RAY_ADDRESS) or None
