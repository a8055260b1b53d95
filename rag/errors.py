"""Failures of the answer stage, with messages a user can act on."""

from __future__ import annotations

# The model home's failures, named here too: `from rag import ModelMissingError` as before.
from modelhome.errors import DownloadError as DownloadError
from modelhome.errors import ModelError as ModelError
from modelhome.errors import ModelMissingError as ModelMissingError


class RagError(Exception):
    """Base class for answer-stage failures."""


class QuestionError(RagError, ValueError):
    """The question is empty or too long."""
