"""`rag serve`: the web app, contributed to the `rag` command line by `register_commands`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from index import default_index_dir, rag_home
from index.embedding import one_thread_per_encode
from rag.options import add_index_dir


def register_commands(commands: Any) -> None:
    serve = commands.add_parser("serve", help="the web app (chat, sources, documents)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; set RAG_UI_PASSWORD elsewhere)",
    )
    serve.add_argument("--port", type=int, default=7860)
    add_index_dir(serve)
    serve.add_argument("--data-dir", type=Path, help="where uploads go (default: $RAG_HOME)")
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from .app import serve
    from .service import AssistantService

    logging.getLogger("ui").setLevel(logging.INFO)
    one_thread_per_encode()  # the app answers several requests at once (app.CONCURRENCY)
    service = AssistantService(
        Path(args.index_dir or default_index_dir()), Path(args.data_dir or rag_home())
    )
    service.warm_up()
    print(f"Serving on http://{args.host}:{args.port} (Ctrl-C to stop)")
    serve(service, args.host, args.port)
    return 0
