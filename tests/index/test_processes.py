"""The index under real processes: kill -9 mid-build, concurrent builders, the CLI as users run it.

These start `rag` subprocesses (each loads torch and MiniLM), so they are marked slow.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import index
from benchmarks.synthetic import write_corpus
from index.embedding import SentenceTransformerEmbedder
from index.storage.snapshot import SNAPSHOTS, build_lock

from ..conftest import CORPUS

pytestmark = pytest.mark.slow
RAG = [sys.executable, "-m", "cli.main"]


def rag(*args: str | Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*RAG, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def state(index_dir: Path) -> tuple[frozenset[str], int]:
    """What a reader sees: the documents, and chunks (checked consistent with vectors on open)."""
    with index.open(index_dir) as idx:
        docs = frozenset(d.source for d in idx.documents())
        assert len(list(idx.chunks())) == len(idx)
        return docs, len(idx)


def wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float = 120) -> None:
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        if needle in line:
            return
        if time.monotonic() > deadline:
            break
    pytest.fail(f"{needle!r} never appeared; exit code {proc.poll()}")


def test_kill_9_mid_embedding_leaves_the_old_index(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    out = tmp_path / "idx"
    index.build([CORPUS], out, embedder=minilm)
    before = state(out)
    big = write_corpus(tmp_path / "big", documents=150)

    proc = rag("-v", "index", "build", CORPUS, big, "--index-dir", out)
    wait_for_line(proc, "embedding")  # logged just before the first batch is encoded
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    assert state(out) == before
    # The lock died with the process and the half-made snapshot is swept by the next build.
    report = index.build([CORPUS, big], out, embedder=minilm, wait=0)
    assert report.added == 150 and report.unchanged == 4
    assert len(list((out / SNAPSHOTS).iterdir())) <= 2


def test_kill_9_at_any_moment_leaves_a_whole_index(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    out = tmp_path / "idx"
    index.build([CORPUS], out, embedder=minilm)
    old = state(out)
    extra = write_corpus(tmp_path / "extra", documents=12)
    # One uninterrupted run tells how long a build lasts; then kill at moments across it.
    started = time.monotonic()
    subprocess.run(
        [*RAG, "index", "build", CORPUS, extra, "--index-dir", tmp_path / "ref"],
        check=True,
        capture_output=True,
    )
    duration = time.monotonic() - started
    new = state(tmp_path / "ref")
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.95, 1.0):
        proc = rag("index", "build", CORPUS, extra, "--index-dir", out)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = state(out)
        assert now in (old, new), f"torn index after kill at {fraction:.0%}"
        if now != old:  # published: start again from the old index for the next kill
            index.remove([p.name for p in extra.iterdir()], out)
            assert state(out)[0] == old[0]


def test_second_builder_fails_clearly_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    with build_lock(out, wait=0):
        proc = rag("index", "build", CORPUS, "--index-dir", out, "--wait", "0")
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert f"Another process (pid {os.getpid()}) is building" in err
    assert "Traceback" not in err


def test_concurrent_builders_never_interleave(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    procs = [rag("index", "build", CORPUS, "--index-dir", out, "--json") for _ in range(2)]
    reports = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        reports.append(json.loads(stdout))
    # Serialised: one build added the corpus, the other then found it all unchanged.
    outcomes = sorted((r["added"], r["unchanged"]) for r in reports)
    assert outcomes == [(0, 4), (4, 0)]
    docs, chunks = state(out)
    assert len(docs) == 4
    with index.open(out) as idx:
        assert len({c.id for c in idx.chunks()}) == chunks


def test_cli_build_info_and_remove(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    env = {**os.environ, "RAG_HOME": str(tmp_path / "home")}
    build = subprocess.run(
        [*RAG, "index", "build", CORPUS, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(build.stdout)
    assert set(report) >= {
        "added",
        "updated",
        "removed",
        "unchanged",
        "chunks_embedded",
        "failed",
        "seconds",
    }
    assert report["added"] == 4 and report["failed"] == []
    assert (tmp_path / "home" / "index" / "CURRENT").exists()  # RAG_HOME sets the default

    info = json.loads(
        subprocess.run(
            [*RAG, "index", "info", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert info["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert info["dimension"] == 384 and len(info["documents"]) == 4
    assert {"source", "pages", "chunks", "content_hash"} <= set(info["documents"][0])
    assert info["chunks"] == sum(d["chunks"] for d in info["documents"]) and info["built_at"]

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.pdf").write_bytes(b"%PDF-1.4 junk")
    partial = subprocess.run(
        [*RAG, "index", "build", bad, "--index-dir", out], capture_output=True, text=True
    )
    assert partial.returncode == 1 and "corrupt PDF" in partial.stderr

    missing = subprocess.run(
        [*RAG, "index", "info", "--index-dir", tmp_path / "none"], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "rag index build" in missing.stderr
    assert "Traceback" not in missing.stderr

    removed = subprocess.run(
        [*RAG, "index", "remove", "000_91071b340f5492b7.txt", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(removed.stdout)["removed"] == 1
