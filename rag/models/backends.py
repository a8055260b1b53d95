"""Language-model backends by name: `GenerationSettings.backend` chooses one, and adding a
backend is one module (a class that is a `TextModel`) plus one line here, or a call to
`register_backend` from outside."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..settings import GenerationSettings
from .llama import LlamaModel
from .text_model import TextModel

# A backend opens the model file it is given with the generation settings.
Opener = Callable[[Path, GenerationSettings], TextModel]


def _llama(path: Path, settings: GenerationSettings) -> TextModel:
    return LlamaModel(
        path,
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        seed=settings.seed,
        keep_opening=settings.keep_opening,
        n_batch=settings.n_batch,
    )


_BACKENDS: dict[str, Opener] = {"llama.cpp": _llama}


def register_backend(name: str, opener: Opener) -> None:
    """Make `name` a choice of `GenerationSettings.backend`."""
    _BACKENDS[name] = opener


def backends() -> tuple[str, ...]:
    return tuple(_BACKENDS)


def open_text_model(path: Path, settings: GenerationSettings) -> TextModel:
    """The model at `path`, run by the backend the settings name."""
    try:
        opener = _BACKENDS[settings.backend]
    except KeyError:
        raise ValueError(
            f"unknown generation backend {settings.backend!r}; choose from {', '.join(_BACKENDS)}"
        ) from None
    return opener(Path(path), settings)
