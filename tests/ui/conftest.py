"""A live app on 127.0.0.1 over a private copy of the corpus index, per test module."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui import AssistantService, serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_app(
    tmp_path_factory: pytest.TempPathFactory, corpus_index: Path
) -> Iterator[tuple[str, AssistantService]]:
    home = tmp_path_factory.mktemp("ui-home")
    index_dir = Path(shutil.copytree(corpus_index, home / "index"))
    service = AssistantService(index_dir, home)
    port = free_port()
    running = serve(service, "127.0.0.1", port, block=False)
    assert running is not None
    try:
        yield running.url, service
    finally:
        running.close()
