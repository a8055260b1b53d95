"""Failures of finding, downloading or loading a model, with messages a user can act on.
Every stage raises and catches these: the command line and the web app turn them into one
line, as they do the stages' own errors."""

from __future__ import annotations


class ModelError(Exception):
    """Base class for model failures."""


class ModelNotFoundError(ModelError):
    """An embedding model could not be found locally and could not be downloaded."""


class ModelMissingError(ModelError):
    """A model that was asked for is not on this machine."""


class DownloadError(ModelError):
    """A model download failed (offline, unreachable, or its checksum did not match)."""
