"""One HTTP server (uvicorn) for the web app and the OpenAI-compatible API, on one port.

The API's routes come first on a FastAPI app and the Gradio app is mounted under them at "/"
(Gradio's documented way to share a server: `gr.mount_gradio_app`)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import gradio as gr
import uvicorn
from fastapi import FastAPI

from . import openai_api
from .app import CONCURRENCY, CSS, JS, build_app
from .ports import LOOPBACK, check_port
from .service import AssistantService
from .uploads import MAX_BYTES


class KeyRequiredError(ValueError):
    """Serving beyond loopback without a key would hand the documents to the network."""


def make_app(
    service: AssistantService,
    *,
    password: str | None = None,
    api_key: str | None = None,
    api_only: bool = False,
) -> FastAPI:
    """The server's app: /v1 (with `api_key`, a bearer key) and, unless `api_only`, the web
    app at / (with `password`, a login as user "rag")."""
    app = FastAPI(title="rag-assistant", docs_url=None, redoc_url=None, openapi_url=None)
    openai_api.install(app, service, key=api_key, concurrency=CONCURRENCY)
    if not api_only:
        gr.mount_gradio_app(
            app,
            build_app(service),
            path="/",
            auth=("rag", password) if password else None,
            max_file_size=MAX_BYTES,
            css=CSS,
            js=JS,
            show_error=True,
            footer_links=["api"],
        )
    return app


@dataclass
class Running:
    """A server started with `block=False`: its address, and `close()` to stop it."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def serve(
    service: AssistantService,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    password: str | None = None,
    api_key: str | None = None,
    api_only: bool = False,
    block: bool = True,
) -> Running | None:
    """Serve until stopped (`block`), or start in a thread and return the `Running` server.
    Beyond loopback the API needs a key: `KeyRequiredError` without one."""
    if host not in LOOPBACK and not api_key:
        raise KeyRequiredError(f"serving on {host} needs an API key")
    check_port(host, port)
    app = make_app(service, password=password, api_key=api_key, api_only=api_only)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    if block:
        server.run()
        return None
    thread = threading.Thread(target=server.run, name="rag-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.05)
    return Running(f"http://{host}:{port}/", server, thread)
