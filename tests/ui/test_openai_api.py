"""The OpenAI-compatible API, end to end: the official `openai` client against a real server on
127.0.0.1 (the web app's server, with a bearer key), over the bundled corpus."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from ui import AssistantService, serve
from ui.openai_api import SOURCES_HEADING

from .conftest import free_port

pytestmark = pytest.mark.slow

KEY = "test-key-3f9a"
TABULAR = "Why do tree-based methods still beat neural networks on tabular data?"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path) -> Iterator[str]:
    home = tmp_path_factory.mktemp("api-home")
    service = AssistantService(Path(shutil.copytree(corpus_index, home / "index")), home)
    running = serve(service, "127.0.0.1", free_port(), api_key=KEY, block=False)
    assert running is not None
    try:
        yield running.url + "v1"
    finally:
        running.close()


@pytest.fixture
def client(api: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=api, api_key=KEY, max_retries=0)


def post(url: str, body: bytes, key: str = KEY) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_models_lists_the_answer_modes(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert ids[:2] == ["rag", "rag-extractive"]
    assert "rag-llm" not in ids  # no language model is installed in the tests' home


def test_an_answer_cites_its_passages(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="rag", messages=[{"role": "user", "content": TABULAR}]
    )
    message = completion.choices[0].message
    text, sources = (message.content or "").split(SOURCES_HEADING)
    assert "[1]" in text and sources.startswith('[1] 001_a4dc316d66749b4e.txt: "')
    citations = message.model_extra["citations"]  # type: ignore[index]
    first = citations[0]
    assert first["source"] == "001_a4dc316d66749b4e.txt" and first["verified"]
    assert first["end"] - first["start"] == len(first["quote"])
    assert completion.model_extra["rag"]["mode"] == "extractive"  # type: ignore[index]


def test_a_follow_up_reads_the_conversation(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(
        model="rag", messages=[{"role": "user", "content": TABULAR}]
    )
    said = first.choices[0].message.content or ""
    follow_up = client.chat.completions.create(
        model="rag",
        messages=[
            {"role": "system", "content": "You are helpful."},  # tolerated, not a chat turn
            {"role": "user", "content": TABULAR},
            {"role": "assistant", "content": said},
            {"role": "user", "content": [{"type": "text", "text": "What about images?"}]},
        ],
        top_p=0.9,  # a field this server does not use is tolerated
    )
    extra = follow_up.model_extra["rag"]  # type: ignore[index]
    # Rewritten into a standalone question about the conversation's topic, then answered.
    assert extra["question"] != "What about images?" and "image" in extra["question"].lower()
    assert extra["mode"] == "extractive"
    assert follow_up.choices[0].message.model_extra["citations"]  # type: ignore[index]


def test_streaming_sends_the_same_answer_then_its_citations(client: openai.OpenAI) -> None:
    whole = client.chat.completions.create(
        model="rag-extractive", messages=[{"role": "user", "content": TABULAR}]
    )
    chunks = list(
        client.chat.completions.create(
            model="rag-extractive", messages=[{"role": "user", "content": TABULAR}], stream=True
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (
        last.choices[0].delta.model_extra["citations"]
        == (  # type: ignore[index]
            whole.choices[0].message.model_extra["citations"]  # type: ignore[index]
        )
    )
    assert len({c.id for c in chunks}) == 1


def test_an_off_topic_question_is_declined_without_sources(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="rag", messages=[{"role": "user", "content": "What is the capital of Australia?"}]
    )
    message = completion.choices[0].message
    assert completion.model_extra["rag"]["mode"] == "abstained"  # type: ignore[index]
    assert SOURCES_HEADING not in (message.content or "")
    assert message.model_extra["citations"] == []  # type: ignore[index]


def test_a_wrong_or_missing_key_is_refused(api: str) -> None:
    wrong = openai.OpenAI(base_url=api, api_key="not-the-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    with pytest.raises(openai.AuthenticationError):
        wrong.chat.completions.create(model="rag", messages=[{"role": "user", "content": "Hi?"}])
    request = urllib.request.Request(api + "/models")  # no Authorization header at all
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401


def test_bad_requests_get_400_with_a_message_and_the_server_stays_up(
    api: str, client: openai.OpenAI
) -> None:
    url = api + "/chat/completions"
    status, body = post(url, b"{not json")
    assert status == 400 and "not JSON" in body["error"]["message"]
    status, body = post(url, json.dumps({"model": "rag"}).encode())
    assert status == 400 and "messages" in body["error"]["message"]
    status, body = post(url, json.dumps({"messages": [{"role": "user"}]}).encode())
    assert status == 400 and "user's question" in body["error"]["message"]
    too_long = {"messages": [{"role": "user", "content": "why " * 5000}]}
    status, body = post(url, json.dumps(too_long).encode())
    assert status == 400 and "the limit is" in body["error"]["message"]
    with pytest.raises(openai.NotFoundError, match="rag-extractive"):
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": TABULAR}]
        )
    two = {"messages": [{"role": "user", "content": TABULAR}], "n": 2}
    status, body = post(url, json.dumps(two).encode())
    assert status == 400 and "n must be 1" in body["error"]["message"]
    # Still answering.
    assert (
        client.chat.completions.create(model="rag", messages=[{"role": "user", "content": TABULAR}])
        .choices[0]
        .message.content
    )


def test_serving_beyond_loopback_needs_a_key(tmp_path: Path, corpus_index: Path) -> None:
    from ui.server import KeyRequiredError

    service = AssistantService(Path(shutil.copytree(corpus_index, tmp_path / "index")), tmp_path)
    with pytest.raises(KeyRequiredError):
        serve(service, "0.0.0.0", free_port(), block=False)


def test_rag_serve_api_only_serves_the_api_and_no_page(tmp_path: Path, corpus_index: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    index_dir = shutil.copytree(corpus_index, tmp_path / "index")
    rag = Path(sys.executable).with_name("rag")
    env = {**os.environ, "RAG_HOME": str(tmp_path), "RAG_API_KEY": KEY}
    refused = subprocess.run(
        [rag, "serve", "--host", "0.0.0.0", "--index-dir", str(index_dir)],
        env={k: v for k, v in env.items() if k != "RAG_API_KEY"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "set RAG_API_KEY" in refused.stdout
    port = free_port()
    server = subprocess.Popen(
        [rag, "serve", "--api-only", "--port", str(port), "--index-dir", str(index_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY)
        deadline = time.monotonic() + 120
        while True:
            try:
                ids = [m.id for m in client.models.list()]
                break
            except openai.APIConnectionError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.5)
        assert "rag" in ids
        with pytest.raises(urllib.error.HTTPError) as page:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.value.code == 404  # no web app in --api-only
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_password_guards_the_page_and_keys_the_api(tmp_path: Path, corpus_index: Path) -> None:
    from gradio_client import Client

    service = AssistantService(Path(shutil.copytree(corpus_index, tmp_path / "index")), tmp_path)
    running = serve(
        service, "127.0.0.1", free_port(), password="s3cret", api_key="s3cret", block=False
    )
    assert running is not None
    try:
        with pytest.raises(Exception, match=r"(?i)login|auth|401|403"):
            Client(running.url, verbose=False)
        page = Client(running.url, auth=("rag", "s3cret"), verbose=False)
        assert page.predict(TABULAR, api_name="/ask")["mode"] == "extractive"
        api = openai.OpenAI(base_url=running.url + "v1", api_key="s3cret", max_retries=0)
        assert next(m.id for m in api.models.list()) == "rag"
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=running.url + "v1", api_key="guess", max_retries=0).models.list()
    finally:
        running.close()


def test_other_methods_and_paths_are_refused_in_openais_shape(api: str) -> None:
    """Not the web app's {"detail": "Not Found"}: the API's error, which clients parse."""
    for method, path, status, said in (
        ("GET", "/chat/completions", 405, "POST a chat completion"),
        ("POST", "/completions", 404, "no endpoint /v1/completions"),
        ("GET", "/embeddings", 404, "/v1/chat/completions"),
    ):
        request = urllib.request.Request(
            api + path, method=method, headers={"Authorization": f"Bearer {KEY}"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == status
        error = json.loads(refused.value.read())["error"]
        assert said in error["message"] and error["type"] == "invalid_request_error"


def test_a_real_chat_model_answers_through_the_api_verified(
    tmp_path: Path, corpus_index: Path, smol: Path
) -> None:
    """SmolLM2-135M-Instruct (models.txt's "smol") behind the API: rag-llm is listed, and a
    streamed reply reads as the whole one does (temperature 0, a fixed seed), with no
    sentence the verifier held back."""
    from rag import Settings
    from rag.settings import GenerationSettings

    index_dir = Path(shutil.copytree(corpus_index, tmp_path / "index"))
    settings = Settings(generation=GenerationSettings(model_path=smol))
    service = AssistantService(index_dir, tmp_path, settings)
    running = serve(service, "127.0.0.1", free_port(), block=False)
    assert running is not None
    try:
        client = openai.OpenAI(base_url=running.url + "v1", api_key="x", max_retries=0)
        assert [m.id for m in client.models.list()] == ["rag", "rag-extractive", "rag-llm"]
        messages = [{"role": "user", "content": TABULAR}]
        whole = client.chat.completions.create(model="rag-llm", messages=messages)  # type: ignore[arg-type]
        chunks = list(
            client.chat.completions.create(model="rag-llm", messages=messages, stream=True)  # type: ignore[arg-type]
        )
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert streamed == whole.choices[0].message.content
        answer = service.assistant.ask(TABULAR, mode="llm")
        assert answer.generated is not None
        held = [s.text for s in answer.generated.sentences if not s.shown]
        assert all(sentence not in streamed for sentence in held)
        citations = chunks[-1].choices[0].delta.model_extra["citations"]  # type: ignore[index]
        assert citations == [c.to_dict() for c in answer.citations]
        # max_tokens reaches the model: a 3-token budget leaves it no whole sentence.
        short = client.chat.completions.create(model="rag-llm", messages=messages, max_tokens=3)  # type: ignore[arg-type]
        rag = short.model_extra["rag"]  # type: ignore[index]
        assert rag["mode"] == "extractive" and "stopped mid-sentence" in rag["notice"]
    finally:
        running.close()
