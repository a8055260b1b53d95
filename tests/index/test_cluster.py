"""Builds on a real Ray cluster on this machine (a head with two CPUs: two worker processes at
a time), against local builds of the same files: the real MiniLM (int8, onnxruntime), real
FAISS and SQLite on both sides. Nothing is faked; processes are killed for real."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest
import ray

import index
from benchmarks.synthetic import write_corpus
from eval.datasets import DEFAULT_QA
from index.storage.snapshot import MANIFEST, STORE, VECTORS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A Ray head on this machine with two CPUs; yields its address for other drivers."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """corpus/ plus 300 generated documents (about 450 chunks) and a corrupt PDF."""
    folder = tmp_path_factory.mktemp("files")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    write_corpus(folder / "generated", 300, paragraphs=2)
    (folder / "generated" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    return folder


def _snapshot(index_dir: Path) -> tuple[dict[str, object], list[tuple[object, ...]], np.ndarray]:
    """What a build wrote: manifest (less its times), every chunk row, ids and vectors."""
    snapshot = index.current_snapshot(index_dir)
    assert snapshot is not None
    manifest = json.loads((snapshot / MANIFEST).read_text())
    for key in ("built_at", "created_at"):
        manifest.pop(key)
    with sqlite3.connect(snapshot / STORE) as db:
        rows = db.execute("SELECT * FROM chunks ORDER BY id").fetchall()
        rows += db.execute("SELECT * FROM documents ORDER BY id").fetchall()
    vectors = faiss.read_index(str(snapshot / VECTORS))
    ids = faiss.vector_to_array(vectors.id_map)
    return manifest, rows, np.column_stack([ids, vectors.index.reconstruct_n(0, vectors.ntotal)])


def _same(local: Path, clustered: Path) -> None:
    a, b = _snapshot(local), _snapshot(clustered)
    assert a[0] == b[0]
    assert a[1] == b[1]
    # Bit for bit: the int8 encoder runs one text at a time on one thread in both builds.
    assert np.array_equal(a[2], b[2])


def _answers(index_dir: Path) -> list[str]:
    from rag import Assistant, Settings
    from rag.settings import GenerationSettings

    questions = [json.loads(line)["question"] for line in DEFAULT_QA.read_text().splitlines()]
    settings = Settings(generation=GenerationSettings(mode="extractive"))
    assistant = Assistant.open(index_dir, settings)
    return [assistant.ask(q).text for q in questions]


def test_a_cluster_build_is_a_local_build_and_so_is_its_update(
    cluster: str, files: Path, tmp_path: Path
) -> None:
    source = Path(shutil.copytree(files, tmp_path / "files"))
    local, clustered = tmp_path / "local", tmp_path / "cluster"
    first = index.build([source], local)
    report = index.build([source], clustered, cluster=index.Cluster())
    assert report.added == first.added == 304 and report.chunks_embedded > 400
    assert [f.path for f in report.failed] == [str(source / "generated" / "broken.pdf")]
    assert report.failed == first.failed
    _same(local, clustered)
    assert _answers(local) == _answers(clustered)

    # One file changed and one new: only theirs are embedded, on the cluster as locally.
    changed = source / "generated" / "doc_00007.txt"
    changed.write_text(changed.read_text() + "\n\nA late paragraph about sparse autoencoders.")
    (source / "generated" / "new.md").write_text("# New\n\nIVF-PQ compresses vectors.")
    update = index.build([source], clustered, cluster=index.Cluster())
    assert (update.added, update.updated, update.unchanged) == (1, 1, 303)
    assert 2 <= update.chunks_embedded <= 4
    assert index.build([source], local).chunks_embedded == update.chunks_embedded
    _same(local, clustered)


def _encoder_pids() -> list[int]:
    """Ray sets an actor's process title to its class and, while it runs one, the method."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            title = (proc / "cmdline").read_bytes().split(b"\0")[0]
        except (OSError, ValueError):
            continue
        if title.startswith(b"ray::_Worker.encode"):
            pids.append(int(proc.name))
    return pids


def _kill_an_encoder_mid_call(timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = _encoder_pids()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            return pids[0]
        time.sleep(0.05)
    raise AssertionError("no embedding actor was seen at work")


def test_a_worker_killed_mid_build_is_retried_and_the_build_completes(
    cluster: str, files: Path, tmp_path: Path
) -> None:
    generated = files / "generated"
    killed: list[int] = []
    killer = threading.Thread(target=lambda: killed.append(_kill_an_encoder_mid_call()))
    killer.start()
    report = index.build([generated], tmp_path / "cluster", cluster=index.Cluster())
    killer.join()
    assert killed and not Path(f"/proc/{killed[0]}").exists()
    assert report.added == 300 and report.chunks_embedded > 350
    index.build([generated], tmp_path / "local")
    _same(tmp_path / "local", tmp_path / "cluster")


def test_the_driver_killed_mid_build_leaves_the_previous_index(
    cluster: str, files: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    index.build([files / "corpus"], index_dir)
    before = _snapshot(index_dir)
    driver = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.main",
            "index",
            "build",
            str(files),
            "--index-dir",
            str(index_dir),
            "--ray",
            cluster,
            "--quiet",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not _encoder_pids():  # the driver has every chunk and is embedding them
            assert driver.poll() is None, driver.stderr.read().decode() if driver.stderr else ""
            assert time.monotonic() < deadline, "the cluster build never started embedding"
            time.sleep(0.05)
        driver.kill()
    finally:
        driver.wait()
    assert driver.returncode == -signal.SIGKILL
    after = _snapshot(index_dir)  # the old index, whole
    assert after[:2] == before[:2] and np.array_equal(after[2], before[2])
    with index.open(index_dir) as idx:
        assert idx.manifest.chunks == len(idx) == len(before[2])
    # The lock died with the driver: the next build runs, and adds the new files.
    assert index.build([files], index_dir).added == 300
