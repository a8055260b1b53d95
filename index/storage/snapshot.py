"""The on-disk layout of an index, its atomic publication, and the one-builder lock.

    INDEX_DIR/CURRENT                  name of the live snapshot (replaced atomically)
    INDEX_DIR/snapshots/NAME/          store.sqlite, vectors.faiss, manifest.json
    INDEX_DIR/build.lock               held by the one process changing the index

A build writes a whole new snapshot aside, fsyncs it, then renames CURRENT over: a crash at
any moment leaves CURRENT naming a complete snapshot. Readers load whatever CURRENT names.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import IndexLockedError

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
SNAPSHOTS = "snapshots"
STORE = "store.sqlite"
VECTORS = "vectors.faiss"
MANIFEST = "manifest.json"


def current_snapshot(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return index_dir / SNAPSHOTS / name


def new_snapshot(index_dir: Path) -> Path:
    # Names sort by creation time, which is what garbage collection relies on.
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = index_dir / SNAPSHOTS / f"{stamp}-{secrets.token_hex(3)}"
    path.mkdir(parents=True)
    return path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, snapshot: Path) -> None:
    """Make `snapshot` the live one. Until the final rename, readers see the previous one."""
    for file in snapshot.iterdir():
        _fsync(file)
    _fsync(snapshot)
    _fsync(snapshot.parent)
    tmp = index_dir / f"{CURRENT}.tmp"
    with tmp.open("w") as f:
        f.write(snapshot.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync(index_dir)


def collect_garbage(index_dir: Path) -> None:
    """Delete snapshots but the live one and the one before it (a reader may be opening it),
    including half-written ones a killed build left behind. Call with the build lock held."""
    live = current_snapshot(index_dir)
    snapshots = sorted((index_dir / SNAPSHOTS).glob("*"))
    older = [s for s in snapshots if s != live and (live is None or s.name < live.name)]
    keep = {live, *older[-1:]}
    for snap in snapshots:
        if snap not in keep:
            shutil.rmtree(snap, ignore_errors=True)


@contextmanager
def build_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """Hold the index's build lock; wait up to `wait` seconds for another holder to finish.

    The lock is an OS file lock, so a killed builder releases it: it never goes stale.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    owner = index_dir / "build.lock.owner"
    lock = FileLock(index_dir / "build.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _read(owner)
        log.warning("waiting for another build of %s (pid %s)", index_dir, holder)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise IndexLockedError(
                f"Another process (pid {holder}) is building or changing the index at "
                f"{index_dir}. Wait for it to finish, or pass --wait SECONDS to queue behind it."
            ) from None
    try:
        owner.write_text(str(os.getpid()))
        yield
    finally:
        lock.release()


def _read(path: Path) -> str:
    try:
        return path.read_text().strip() or "unknown"
    except OSError:
        return "unknown"
