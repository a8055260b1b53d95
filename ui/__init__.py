"""The web app: `rag serve` starts it; `build_app` makes it for tests and embedding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import build_app, serve
    from .service import AssistantService

__all__ = ["AssistantService", "build_app", "serve"]


def __getattr__(name: str) -> Any:
    # Gradio takes seconds to import: only what serves the app pays for it, not every `rag`
    # command that registers `rag serve`.
    if name in ("build_app", "serve"):
        from . import app

        return getattr(app, name)
    if name == "AssistantService":
        from .service import AssistantService

        return AssistantService
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
