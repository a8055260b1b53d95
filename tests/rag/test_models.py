"""models.txt and downloads, for real, against a stand-in hub on 127.0.0.1 (HF_ENDPOINT)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from modelhome.catalogue import PACKAGED_LIST, read_models

from ..hub_server import hub

RAG = [sys.executable, "-m", "cli.main"]


def test_the_shipped_models_file_names_every_role() -> None:
    specs = {s.role: s for s in read_models(PACKAGED_LIST)}
    assert set(specs) == {"embedder", "llm", "coder", "tiny", "smol", "reranker", "judge"}
    llm = specs["llm"]
    assert llm.file and llm.file.endswith(".gguf") and "q4_k_m" in llm.file.lower()
    assert llm.sha256 and len(llm.sha256) == 64 and len(llm.revision) == 40
    assert all(s.license for s in specs.values())


def _env(tmp_path: Path, models: str, endpoint: str = "http://127.0.0.1:9") -> dict[str, str]:
    (tmp_path / "models.txt").write_text(models)
    env = {
        **os.environ,
        "HF_ENDPOINT": endpoint,
        "RAG_MODELS_FILE": str(tmp_path / "models.txt"),
        "RAG_HOME": str(tmp_path / "home"),
    }
    env.pop("HF_HUB_OFFLINE", None)
    return env


def _rag(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RAG, *map(str, args)], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_download_verifies_and_the_assistant_then_uses_the_llm(
    tmp_path: Path, tiny_gguf: Path, corpus_index: Path
) -> None:
    data = tiny_gguf.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with hub({"acme/tiny-GGUF/tiny.gguf": data}) as (endpoint, requests):
        env = _env(tmp_path, f"llm acme/tiny-GGUF tiny.gguf main {digest} mit\n", endpoint)
        before = json.loads(_rag(env, "models", "list", "--json").stdout)
        assert before["models"][0]["status"] == "missing"
        done = _rag(env, "models", "download", "llm")
    assert done.returncode == 0, done.stderr
    target = tmp_path / "home" / "models" / "tiny.gguf"
    assert target.read_bytes() == data
    assert any(r.startswith("GET /acme/tiny-GGUF/resolve/main/tiny.gguf") for r in requests)
    after = json.loads(_rag(env, "models", "list", "--json").stdout)["models"][0]
    assert (after["status"], after["path"]) == ("installed", str(target))
    # With the GGUF installed, auto mode answers with the LLM (the tiny one: its noise fails
    # verification, so the user is shown quotes instead, and the model's text is kept).
    answer = _rag(env, "ask", "What is program synthesis?", "--index-dir", corpus_index, "--json")
    assert answer.returncode == 0, answer.stderr
    shown = json.loads(answer.stdout)
    assert shown["generated"]["raw"] and not shown["generated"]["passed"]
    assert shown["mode"] == "extractive" and "failed verification" in shown["notice"]


@pytest.mark.slow
def test_a_checksum_mismatch_installs_nothing(tmp_path: Path) -> None:
    with hub({"acme/tiny-GGUF/tiny.gguf": b"tampered bytes"}) as (endpoint, _):
        env = _env(tmp_path, f"llm acme/tiny-GGUF tiny.gguf main {'0' * 64} mit\n", endpoint)
        result = _rag(env, "models", "download", "llm")
    assert result.returncode == 2
    assert "Checksum mismatch" in result.stderr and "nothing was installed" in result.stderr
    assert not (tmp_path / "home" / "models" / "tiny.gguf").exists()
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_offline_and_unreachable_give_clear_messages(tmp_path: Path) -> None:
    env = _env(tmp_path, f"llm acme/tiny-GGUF tiny.gguf main {'0' * 64} mit\n")
    offline = _rag({**env, "HF_HUB_OFFLINE": "1"}, "models", "download")
    assert offline.returncode == 2 and "HF_HUB_OFFLINE is set" in offline.stderr
    assert "extractive mode" in offline.stderr
    unreachable = _rag(env, "models", "download", "llm")  # port 9: nothing listens
    assert unreachable.returncode == 2 and "Could not download" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
