"""`rag serve`: the web app (ui/) and the OpenAI-compatible API on one port, or the API alone."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import index
from index import default_index_dir, rag_home
from index.embedding import one_thread_per_encode

from .environment import RAG_API_KEY, RAG_UI_PASSWORD, api_key, ui_password
from .options import add_answer_options, add_index_dir, answer_settings

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="the web app (chat, sources, documents) and the OpenAI-compatible API"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=f"address to bind (default 127.0.0.1; elsewhere set {RAG_API_KEY} or "
        f"{RAG_UI_PASSWORD})",
    )
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument(
        "--api-only",
        action="store_true",
        help="serve only the OpenAI-compatible API (/v1/models, /v1/chat/completions)",
    )
    add_index_dir(serve)
    serve.add_argument("--data-dir", type=Path, help="where uploads go (default: $RAG_HOME)")
    # How it answers by default (each request may ask for another mode, temperature, k).
    add_answer_options(serve)
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from ui.ports import LOOPBACK, PortInUseError, check_port
    from ui.service import AssistantService

    key = api_key()
    if args.host not in LOOPBACK and not key:
        print(
            f"Serving on {args.host} reaches beyond this machine: set {RAG_API_KEY} (the API's "
            f"bearer key) or {RAG_UI_PASSWORD} (the web app's password, and the API's key "
            f"without {RAG_API_KEY}) first."
        )
        return 2
    try:
        check_port(args.host, args.port)
    except PortInUseError as exc:
        print(f"rag: error: {exc}", file=sys.stderr)
        return 2
    from ui.server import serve

    logging.getLogger("ui").setLevel(logging.INFO)
    one_thread_per_encode()  # the server answers several requests at once (app.CONCURRENCY)
    index_dir = Path(args.index_dir or default_index_dir())
    # A web-only start: the app opens an empty index, and its Documents tab fills it.
    if index.create(index_dir):
        print(
            f"No index at {index_dir} yet: starting with an empty one. Add documents in the "
            "web app's Documents tab, or with: rag index build PATH"
        )
    service = AssistantService(index_dir, Path(args.data_dir or rag_home()), answer_settings(args))
    service.warm_up()
    url = f"http://{args.host}:{args.port}"
    if args.api_only:
        print(f"Serving the API on {url}/v1 (Ctrl-C to stop)")
    else:
        print(f"Serving on {url} (API: {url}/v1; Ctrl-C to stop)")
    serve(
        service,
        args.host,
        args.port,
        password=ui_password(),
        api_key=key,
        api_only=args.api_only,
    )
    return 0
