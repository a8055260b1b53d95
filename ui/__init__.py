"""The web app: `rag serve` starts it; `build_app` makes it for tests and embedding."""

from .app import build_app, serve
from .service import AssistantService

__all__ = ["AssistantService", "build_app", "serve"]
