"""`rag ask` and `rag chat` as a user runs them (subprocesses; marked slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import index

pytestmark = pytest.mark.slow
RAG = [sys.executable, "-m", "cli.main"]


def _rag(
    *args: str | Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_MODELS_FILE": os.devnull, **env}
    return subprocess.run(
        [*RAG, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def test_ask_json_extractive_with_exact_citation(corpus_index: Path) -> None:
    result = _rag(
        "ask",
        "Why do tree-based methods still beat neural networks on tabular data?",
        "--json",
        "--index-dir",
        corpus_index,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["mode"] == "extractive"
    docs = {d.source: d.text for d in index.open(corpus_index).documents()}
    cited = [c for c in answer["citations"] if c["source"] == "001_a4dc316d66749b4e.txt"]
    assert cited and all(docs[c["source"]][c["start"] : c["end"]] == c["quote"] for c in cited)


def test_ask_off_topic_abstains(corpus_index: Path) -> None:
    result = _rag("ask", "What is the capital of Australia?", "--json", "--index-dir", corpus_index)
    answer = json.loads(result.stdout)
    assert answer["mode"] == "abstained" and answer["citations"] == []


def test_ask_prints_sources_and_the_mode(corpus_index: Path) -> None:
    result = _rag(
        "ask", "What is the universal recipe for efficiency?", "--index-dir", corpus_index
    )
    assert result.returncode == 0
    assert "Sources:" in result.stdout and "(verified)" in result.stdout
    assert "[extractive] Extractive answer" in result.stdout
    assert "rag models download llm" in result.stdout


def test_chat_keeps_history_for_follow_ups(corpus_index: Path) -> None:
    result = _rag(
        "chat",
        "--index-dir",
        corpus_index,
        stdin="Will deep learning be interpretable?\nWhy not?\n",
    )
    assert result.returncode == 0, result.stderr
    # "Why not?" alone abstains; answered with sources, it was searched with the first question.
    assert result.stdout.count("Sources:") == 2
    assert "[abstained]" not in result.stdout
    # The long extractive notice is said once a session, not after every answer.
    assert result.stdout.count("Extractive answer") == 1
    assert result.stdout.count("[extractive]") == 2


def test_errors_a_user_can_act_on(
    tmp_path: Path, corpus_index: Path, models_without_the_default_llm: Path
) -> None:
    no_index = _rag("ask", "anything", "--index-dir", tmp_path / "none")
    assert no_index.returncode == 2 and "rag index build" in no_index.stderr
    no_model = _rag(
        "ask",
        "anything",
        "--mode",
        "llm",
        "--index-dir",
        corpus_index,
        # models.txt less the coder, whose packages the dev set-up installs: no model at all.
        RAG_MODELS_FILE=str(models_without_the_default_llm),
        RAG_HOME=str(tmp_path),
    )
    assert no_model.returncode == 2 and "rag models download llm" in no_model.stderr
    too_long = _rag("ask", "x" * 5000, "--index-dir", corpus_index)
    assert too_long.returncode == 2 and "limit is 2000" in too_long.stderr
    for result in (no_index, no_model, too_long):
        assert "Traceback" not in result.stderr
