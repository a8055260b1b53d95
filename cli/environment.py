"""The environment variables of the command line's own: the web app's password and the API's
key. (The library's, RAG_HOME and the like, are read in modelhome/environment.py.)"""

from __future__ import annotations

import os

RAG_UI_PASSWORD = "RAG_UI_PASSWORD"  # the web app's password (user "rag")
RAG_API_KEY = "RAG_API_KEY"  # the OpenAI-compatible API's bearer key


def ui_password() -> str | None:
    return os.environ.get(RAG_UI_PASSWORD) or None


def api_key() -> str | None:
    """The API's key: RAG_API_KEY, else the web app's password (one secret to set)."""
    return os.environ.get(RAG_API_KEY) or ui_password()
