"""`rag serve`: the web app (ui/), with its options and password."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from index import default_index_dir, rag_home
from index.embedding import one_thread_per_encode

from .environment import RAG_UI_PASSWORD, ui_password
from .options import add_index_dir

LOOPBACK = ("127.0.0.1", "localhost", "::1")
log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    serve = commands.add_parser("serve", help="the web app (chat, sources, documents)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=f"address to bind (default 127.0.0.1; set {RAG_UI_PASSWORD} elsewhere)",
    )
    serve.add_argument("--port", type=int, default=7860)
    add_index_dir(serve)
    serve.add_argument("--data-dir", type=Path, help="where uploads go (default: $RAG_HOME)")
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from ui.app import serve
    from ui.service import AssistantService

    logging.getLogger("ui").setLevel(logging.INFO)
    one_thread_per_encode()  # the app answers several requests at once (app.CONCURRENCY)
    service = AssistantService(
        Path(args.index_dir or default_index_dir()), Path(args.data_dir or rag_home())
    )
    password = ui_password()
    if args.host not in LOOPBACK and not password:
        log.warning(
            "serving on %s without a password: set %s to require one", args.host, RAG_UI_PASSWORD
        )
    service.warm_up()
    print(f"Serving on http://{args.host}:{args.port} (Ctrl-C to stop)")
    serve(service, args.host, args.port, password=password)
    return 0
