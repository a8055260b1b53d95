"""The environment variables of the command line's own: the web app's password. (The
library's, RAG_HOME and the like, are read in index/environment.py.)"""

from __future__ import annotations

import os

RAG_UI_PASSWORD = "RAG_UI_PASSWORD"  # the web app's password (user "rag")


def ui_password() -> str | None:
    return os.environ.get(RAG_UI_PASSWORD) or None
