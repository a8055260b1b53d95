"""A build's slow work on a Ray cluster: files read, chunked and embedded by a pool of actors,
each holding the model's tokenizer and one loaded int8 encoder.

The driver (the process that called `index.build`) does what a local build does around that
work: it lists the files, skips the unchanged ones by content hash, and writes and publishes
the snapshot itself, so a cluster build's index is a local build's, chunk ids, offsets and
vectors alike (the builder hands both the same files and the same groups of texts, in the same
order), and it is as crash safe: nothing is published until the driver has every vector.

The actors read and chunk the files too (as actor tasks, 16 files or 4 MB a call), rather than
separate Ray tasks: a task's worker process loads the tokenizer for itself (transformers
imports torch: about 2.5 s), then the actors load it again, one after the other. Started when
the first files are sent, the actors load once, chunk while the driver is still hashing, and
embed with a warm tokenizer; on 2 cores that took a build of 1,092 chunks from +6.5 s over a
local one to +2.7 s (benchmarks/cluster.py).

Embedding runs on plain actors behind `ray.util.ActorPool`, not `ray.data`'s `map_batches`:
the builder already cuts the texts into groups (longest first, so little padding) and needs
each group's vectors back in order, which `ActorPool.map` gives without Ray Data's Arrow
conversions and streaming executor, on the actors that chunked. An actor that dies mid-call is
restarted and the call retried (`max_restarts`, `max_task_retries`).

Every machine of the cluster needs this project installed (`pip install 'rag-assistant[cluster]'`),
as the workers import it; the files travel to them through Ray's object store, so no shared
file system is needed.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from modelhome.environment import ray_address

from ..chunking import Chunker
from ..embedding import Embedder, load_embedder, one_thread_per_encode
from ..errors import IndexStageError
from ..records import FailedFile
from ..settings import IndexSettings
from .preparing import Change, Prepared, make_chunker, prepare

log = logging.getLogger(__name__)

# A killed worker's work is done again: up to this many times per task or actor.
RETRIES = 3
IN_FLIGHT_PER_ACTOR = 2  # batches of files sent ahead of the one awaited
BATCH_FILES = 16
BATCH_BYTES = 4 << 20


@dataclass(frozen=True)
class Cluster:
    """Where a build's slow work runs.

    `address`: a running Ray cluster ("auto", "HOST:6379", "ray://HOST:10001"); None: the
    one `RAY_ADDRESS` names, else a new Ray instance on this machine's cores, for this build.
    `embedders`: build actors (they chunk and embed), one core each; None: one per CPU of
    the cluster.
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


def _batches(changes: Iterator[Change]) -> Iterator[list[Change]]:
    """Files a call at a time: a call costs a few milliseconds of Ray's own, about what a
    small file takes to chunk, so small files go together (up to `BATCH_FILES` or
    `BATCH_BYTES`)."""
    batch: list[Change] = []
    size = 0
    for change in changes:
        batch.append(change)
        size += len(change.data)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
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


class _Worker:
    """A build actor: one core, the model's tokenizer and one loaded encoder."""

    def __init__(self, model: str, encoder: str) -> None:
        one_thread_per_encode()  # the actor's one CPU: actors share a machine's cores
        self.embedder = load_embedder(model, encoder)
        self.chunkers: dict[tuple[int, int], Chunker] = {}

    def identity(self) -> tuple[str, str, int, str]:
        e = self.embedder
        return e.weights_hash, e.encoder, e.dimension, os.uname().nodename

    def prepare(
        self, changes: list[Change], chunk_tokens: int, chunk_overlap: int
    ) -> list[Prepared | FailedFile]:
        key = (chunk_tokens, chunk_overlap)
        if key not in self.chunkers:
            self.chunkers[key] = make_chunker(self.embedder, chunk_tokens, chunk_overlap)
        chunker = self.chunkers[key]
        return [prepare(change, chunker) for change in changes]

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)


class RayWorkers:
    """The builder's Workers on a Ray cluster, connected on first use (a build with nothing
    to do never starts one). Actors start as work arrives, up to one per CPU of the cluster
    (or `Cluster.embedders`). `close()` releases them and disconnects."""

    def __init__(self, cluster: Cluster, embedder: Embedder, settings: IndexSettings) -> None:
        self.cluster = cluster
        self.embedder = embedder
        self.settings = settings
        self._ray: Any = None
        self._connected_here = False
        self._actors: list[Any] = []
        self._unchecked: list[Any] = []  # identity() calls of actors not yet compared

    def _connect(self) -> Any:
        if self._ray is None:
            ray = _ray()
            if not ray.is_initialized():
                address = self.cluster.address or ray_address()
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

    def _wanted_actors(self) -> int:
        ray = self._connect()
        return self.cluster.embedders or max(1, int(ray.cluster_resources().get("CPU", 1)))

    def _actor(self, at: int) -> Any:
        """The `at`-th actor, started if it is not yet: a small build starts few."""
        while len(self._actors) <= at:
            ray = self._connect()
            remote = ray.remote(num_cpus=1, max_restarts=RETRIES, max_task_retries=RETRIES)
            actor = remote(_Worker).remote(self.embedder.name, self.embedder.encoder)
            self._actors.append(actor)
            self._unchecked.append(actor.identity.remote())
        return self._actors[at]

    def _check(self) -> None:
        """Every actor's model is this machine's: another version chunks and embeds otherwise."""
        if not self._unchecked:
            return
        mine = (self.embedder.weights_hash, self.embedder.encoder, self.embedder.dimension)
        for weights, there, dimension, node in self._ray.get(self._unchecked):
            if (weights, there, dimension) != mine:
                raise IndexStageError(
                    f"The embedding model on {node} is not this machine's ({there} encoder, "
                    f"weights {weights[:12]}, dimension {dimension}; here {mine[1]}, "
                    f"{mine[0][:12]}, {mine[2]}): install the same version on every node."
                )
        self._unchecked = []

    def prepare(
        self, changes: Iterator[Change], first: Callable[[], None]
    ) -> Iterator[Prepared | FailedFile]:
        """Batches of files sent to the actors in turn, a few ahead per actor (the bytes in
        transit stay bounded), their results taken back in order."""
        pending: deque[Any] = deque()
        wanted = 0
        s = self.settings
        for sent, batch in enumerate(_batches(changes)):
            if sent == 0:
                first()
                wanted = self._wanted_actors()
            actor = self._actor(sent % wanted)
            pending.append(actor.prepare.remote(batch, s.chunk_tokens, s.chunk_overlap))
            if len(pending) >= IN_FLIGHT_PER_ACTOR * wanted:
                self._check()
                yield from self._ray.get(pending.popleft())
        while pending:
            self._check()
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
        actors = [self._actor(at) for at in range(min(len(pieces), self._wanted_actors()))]
        self._check()
        log.info("embedding on %d Ray actors", len(actors))
        pool: Any = ActorPool(actors)
        encoded: Iterator[np.ndarray] = pool.map(
            lambda actor, piece: actor.encode.remote(piece), pieces
        )
        return _regrouped(orders, size, self.embedder.dimension, encoded)

    def close(self) -> None:
        if self._ray is None:
            return
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors, self._unchecked = [], []
        if self._connected_here:
            self._ray.shutdown()
        self._ray = None
