"""A build's slow work on a Ray cluster: files read and chunked as Ray tasks, texts embedded
by a pool of actors, each holding one loaded encoder.

The driver (the process that called `index.build`) does what a local build does around that
work: it lists the files, skips the unchanged ones by content hash, and writes and publishes
the snapshot itself, so a cluster build's index is a local build's, chunk ids, offsets and
vectors alike (the builder hands both the same files and the same groups of texts, in the same
order), and it is as crash safe: nothing is published until the driver has every vector.

Embedding runs on plain actors behind `ray.util.ActorPool`, not `ray.data`'s `map_batches`:
the builder already cuts the texts into groups (longest first, so little padding) and needs
each group's vectors back in order, which `ActorPool.map` gives without Ray Data's Arrow
conversions and streaming executor. An actor that dies mid-call is restarted and the call
retried (`max_restarts`, `max_task_retries`); a task whose worker dies is retried by Ray.

Every machine of the cluster needs this project installed (`pip install 'rag-assistant[cluster]'`),
as the workers import it; the files travel to them through Ray's object store, so no shared
file system is needed.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .chunking import Chunker
from .embedding import Embedder, load_embedder, one_thread_per_encode
from .errors import IndexStageError
from .preparing import Change, Prepared, make_chunker, prepare
from .records import FailedFile
from .settings import IndexSettings

log = logging.getLogger(__name__)

# A killed worker's work is done again: up to this many times per task or actor.
RETRIES = 3
IN_FLIGHT_PER_CPU = 2  # tasks sent ahead of the one awaited: bounds the bytes in transit
TASK_FILES = 16
TASK_BYTES = 4 << 20


@dataclass(frozen=True)
class Cluster:
    """Where a build's slow work runs.

    `address`: a running Ray cluster ("auto", "HOST:6379", "ray://HOST:10001"); None: the
    one `RAY_ADDRESS` names, else a new Ray instance on this machine's cores, for this build.
    `embedders`: embedding actors, one core each; None: one per CPU of the cluster.
    """

    address: str | None = None
    embedders: int | None = None


def _reachable(address: str | None) -> None:
    """A HOST:PORT that nothing answers fails here, in seconds: Ray itself retries for
    minutes before it gives up."""
    if not address or address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except (OSError, ValueError) as exc:
        raise IndexStageError(
            f"Could not connect to the Ray cluster at {address}: {exc}. Start one with "
            "`ray start --head` (it prints the address), or leave the address out to run "
            "on this machine alone."
        ) from None


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise IndexStageError(
            "A cluster build needs Ray, which is not installed: "
            "pip install 'rag-assistant[cluster]'"
        ) from None
    return ray


@functools.cache
def _chunker(model: str, encoder: str, chunk_tokens: int, chunk_overlap: int) -> Chunker:
    # Once per worker process: Ray reuses its workers, so the tokenizer loads once each.
    return make_chunker(load_embedder(model, encoder), chunk_tokens, chunk_overlap)


def _prepare_all(
    changes: list[Change], model: str, encoder: str, chunk_tokens: int, chunk_overlap: int
) -> list[Prepared | FailedFile]:
    chunker = _chunker(model, encoder, chunk_tokens, chunk_overlap)
    return [prepare(change, chunker) for change in changes]


def _batches(changes: Iterator[Change]) -> Iterator[list[Change]]:
    """Files a task at a time: a task costs a few milliseconds of Ray's own, about what a
    small file takes to chunk, so small files go together (up to `TASK_FILES` or `TASK_BYTES`)."""
    batch: list[Change] = []
    size = 0
    for change in changes:
        batch.append(change)
        size += len(change.data)
        if len(batch) >= TASK_FILES or size >= TASK_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _shortest_first(texts: list[str]) -> list[int]:
    return sorted(range(len(texts)), key=lambda i: len(texts[i]))


def _regrouped(
    orders: list[list[int]], size: int, dimension: int, pieces: Iterator[np.ndarray]
) -> Iterator[np.ndarray]:
    """The pieces' vectors put back in their groups' order."""
    for order in orders:
        vectors = np.empty((len(order), dimension), dtype=np.float32)
        for at in range(0, len(order), size):
            vectors[order[at : at + size]] = next(pieces)
        yield vectors


class _Encoder:
    """An embedding actor: one core, one loaded encoder."""

    def __init__(self, model: str, encoder: str) -> None:
        one_thread_per_encode()  # the actor's one CPU: actors share a machine's cores
        self.embedder = load_embedder(model, encoder)

    def identity(self) -> tuple[str, str, int, str]:
        e = self.embedder
        return e.weights_hash, e.encoder, e.dimension, os.uname().nodename

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)


class RayWorkers:
    """The builder's Workers on a Ray cluster, connected on first use (a build with nothing
    to do never starts one). `close()` releases the actors and disconnects."""

    def __init__(self, cluster: Cluster, embedder: Embedder, settings: IndexSettings) -> None:
        self.cluster = cluster
        self.embedder = embedder
        self.settings = settings
        self._ray: Any = None
        self._connected_here = False
        self._actors: list[Any] = []

    def _connect(self) -> Any:
        if self._ray is None:
            ray = _ray()
            if not ray.is_initialized():
                address = self.cluster.address or os.environ.get("RAY_ADDRESS")
                _reachable(address)
                try:
                    ray.init(
                        address=address,
                        include_dashboard=False,
                        logging_level=logging.WARNING,
                    )
                except (ConnectionError, RuntimeError, ValueError) as exc:
                    raise IndexStageError(
                        f"Could not connect to the Ray cluster at {address}: {exc}. Start one "
                        "with `ray start --head`, or leave the address out to run on this "
                        "machine alone."
                    ) from exc
                self._connected_here = True
            self._ray = ray
        return self._ray

    def _cpus(self) -> int:
        return max(1, int(self._connect().cluster_resources().get("CPU", 1)))

    def prepare(
        self, changes: Iterator[Change], first: Callable[[], None]
    ) -> Iterator[Prepared | FailedFile]:
        pending: deque[Any] = deque()
        task: Any = None
        window = 0
        s = self.settings
        args = (self.embedder.name, self.embedder.encoder, s.chunk_tokens, s.chunk_overlap)
        for batch in _batches(changes):
            if task is None:
                first()
                ray = self._connect()
                task = ray.remote(num_cpus=1, max_retries=RETRIES)(_prepare_all)
                window = IN_FLIGHT_PER_CPU * self._cpus()
            pending.append(task.remote(batch, *args))
            if len(pending) >= window:
                yield from self._ray.get(pending.popleft())
        while pending:
            yield from self._ray.get(pending.popleft())

    def encode(self, groups: Sequence[list[str]]) -> Iterator[np.ndarray]:
        """Each group cut into pieces of `batch_size` texts, shortest first: the batches the
        encoder itself would make of the group, so fp32 pads as a local build does, and small
        enough to keep every actor busy to the end."""
        if not groups:
            return iter(())
        from ray.util import ActorPool

        size = self.settings.batch_size
        orders = [_shortest_first(group) for group in groups]
        pieces = [
            [group[i] for i in order[at : at + size]]
            for group, order in zip(groups, orders, strict=True)
            for at in range(0, len(order), size)
        ]
        pool: Any = ActorPool(self._start_actors(min(len(pieces), self._wanted_actors())))
        encoded: Iterator[np.ndarray] = pool.map(
            lambda actor, piece: actor.encode.remote(piece), pieces
        )
        return _regrouped(orders, size, self.embedder.dimension, encoded)

    def _wanted_actors(self) -> int:
        return self.cluster.embedders or self._cpus()

    def _start_actors(self, count: int) -> list[Any]:
        ray = self._connect()
        actor = ray.remote(num_cpus=1, max_restarts=RETRIES, max_task_retries=RETRIES)(_Encoder)
        model, encoder = self.embedder.name, self.embedder.encoder
        self._actors = [actor.remote(model, encoder) for _ in range(count)]
        mine = (self.embedder.weights_hash, self.embedder.encoder, self.embedder.dimension)
        for weights, there, dimension, node in ray.get([a.identity.remote() for a in self._actors]):
            if (weights, there, dimension) != mine:
                raise IndexStageError(
                    f"The embedding model on {node} is not this machine's ({there} encoder, "
                    f"weights {weights[:12]}, dimension {dimension}; here {mine[1]}, "
                    f"{mine[0][:12]}, {mine[2]}): install the same version on every node."
                )
        log.info("embedding on %d Ray actors", count)
        return self._actors

    def close(self) -> None:
        if self._ray is None:
            return
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._connected_here:
            self._ray.shutdown()
        self._ray = None
