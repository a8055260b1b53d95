"""Failures of the answer stage, with messages a user can act on."""

from __future__ import annotations


class RagError(Exception):
    """Base class for answer-stage failures."""


class QuestionError(RagError, ValueError):
    """The question is empty or too long."""


class ModelMissingError(RagError):
    """A model that was asked for is not on this machine."""


class DownloadError(RagError):
    """A model download failed (offline, unreachable, or its checksum did not match)."""
