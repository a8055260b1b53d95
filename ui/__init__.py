"""The web app and the OpenAI-compatible API: `rag serve` starts them (`serve`); `build_app`
makes the Gradio app alone, for tests and embedding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import build_app
    from .server import serve
    from .service import AssistantService

__all__ = ["AssistantService", "build_app", "serve"]


def __getattr__(name: str) -> Any:
    # Gradio takes seconds to import: only what serves the app pays for it, not every `rag`
    # command that registers `rag serve`.
    if name == "build_app":
        from .app import build_app

        return build_app
    if name == "serve":
        from .server import serve

        return serve
    if name == "AssistantService":
        from .service import AssistantService

        return AssistantService
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
