"""Whether the server can bind its address, asked before anything slow starts: this module
imports nothing heavy (ui/server.py imports Gradio, seconds)."""

from __future__ import annotations

import socket

# Addresses only this machine reaches: serving elsewhere needs a key (cli/serve_commands.py).
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class PortInUseError(OSError):
    """The address to serve on cannot be bound: another server holds it, or it is not ours."""


def check_port(host: str, port: int) -> None:
    """`PortInUseError` when `host:port` cannot be bound, said before anything slow starts
    (uvicorn would log the failure after the models loaded, and exit the process with 3)."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            # As uvicorn binds: a port in TIME_WAIT after a stopped server is free to take.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise PortInUseError(
            f"cannot serve on {host}:{port} ({exc.strerror or exc}). Is another rag serve "
            "running? Choose another port with --port."
        ) from exc
