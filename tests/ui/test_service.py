"""The app's shared service: a replaced Assistant is closed once its requests finish, never
under one; a snapshot another process publishes is served from the next request."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

import index
from index.storage.snapshot import new_snapshot, publish
from ui import AssistantService

QUESTION = "What is program synthesis?"


@pytest.fixture
def service(tmp_path: Path, corpus_index: Path) -> AssistantService:
    """An app service over a private copy of the corpus index."""
    return AssistantService(Path(shutil.copytree(corpus_index, tmp_path / "index")), tmp_path)


def test_a_replaced_index_closes_when_its_last_request_ends(
    tmp_path: Path, service: AssistantService
) -> None:
    response = service.ask_stream(QUESTION, [], k=5, mode="extractive", temperature=0.0)
    next(response)  # the request has started on the first Assistant
    old = service.assistant
    upload = tmp_path / "note.txt"
    upload.write_text("Program synthesis searches for programs that meet a specification.\n")
    report, refused = service.add([(upload, "note.txt")])
    assert report is not None and report.added == 1 and not refused
    assert service.assistant is not old
    assert sum(1 for _ in old.index.documents()) == 4  # still open for the running request
    assert response.answer.citations  # the request finishes on the snapshot it began with
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        list(old.index.documents())
    assert len(service.documents()) == 5


def test_a_build_from_another_process_is_served_from_the_next_request(
    tmp_path: Path, service: AssistantService
) -> None:
    response = service.ask_stream(QUESTION, [], k=5, mode="extractive", temperature=0.0)
    next(response)  # a request is running on the snapshot the app started with
    old = service.assistant
    note = tmp_path / "elsewhere" / "zorblax.txt"
    note.parent.mkdir()
    note.write_text("The zorblax protocol compresses gradients with a 7-bit quantizer.\n")
    index.build([note], service.index_dir)  # what `rag index build` does, outside the app

    assert "zorblax.txt" in [row.source for row in service.documents()]
    answer = service.ask("How does the zorblax protocol compress gradients?")
    assert answer.citations[0].source == "zorblax.txt"
    assert sum(1 for _ in old.index.documents()) == 4  # the running request's snapshot
    assert response.answer.citations
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        list(old.index.documents())  # closed once that request finished


def test_a_published_snapshot_that_cannot_be_read_leaves_the_app_serving(
    service: AssistantService, caplog: pytest.LogCaptureFixture
) -> None:
    broken = new_snapshot(service.index_dir)
    (broken / "manifest.json").write_text("{not json")
    publish(service.index_dir, broken)

    with caplog.at_level(logging.WARNING, logger="ui.service"):
        for _ in range(3):
            assert service.ask(QUESTION).citations  # still the snapshot it had
    warnings = [r for r in caplog.records if "newly published one fails" in r.getMessage()]
    assert len(warnings) == 1  # said once, not retried on every request


def test_an_upload_sent_again_after_its_temp_file_went_is_skipped_quietly(
    tmp_path: Path, service: AssistantService
) -> None:
    """Gradio's uploader sends its earlier files again with a new batch; their temp copies
    were removed after the first ingest. The new file must still be indexed."""
    first, second = tmp_path / "first.md", tmp_path / "second.txt"
    first.write_text("# Plimsoll\n\nThe plimsoll protocol compresses gradients to 8 bits.\n")
    second.write_text("The quarrowin protocol compresses gradients to 9 bits.\n")
    report, refused = service.add([(first, "first.md"), (first, "first.md")])
    assert report is not None and report.added == 1 and not refused
    first.unlink()  # what the app does with Gradio's copy once it is ingested
    report, refused = service.add([(first, "first.md"), (second, "second.txt")])
    assert report is not None and (report.added, report.failed, refused) == (1, (), [])
    assert {"first.md", "second.txt"} <= {row.source for row in service.documents()}


def test_a_web_only_start_opens_an_empty_index_and_answers_from_the_first_upload(
    tmp_path: Path, minilm
) -> None:  # type: ignore[no-untyped-def]
    """No `rag index build` first: the app starts on an empty index (what `rag serve` creates
    when there is none), says there is nothing to answer from, and indexes an upload."""
    from rag.assistant import NO_DOCUMENTS

    index_dir = tmp_path / "index"
    assert index.create(index_dir, embedder=minilm)
    assert not index.create(index_dir, embedder=minilm)  # there is one now: left as it is
    service = AssistantService(index_dir, tmp_path)
    assert service.documents() == []
    empty = service.ask("How does the zorblax protocol compress gradients?")
    assert (empty.mode, empty.text, empty.citations) == ("abstained", NO_DOCUMENTS, ())
    upload = tmp_path / "zorblax.txt"
    upload.write_text("The zorblax protocol compresses gradients with a 7-bit quantizer.\n")
    report, refused = service.add([(upload, "zorblax.txt")])
    assert report is not None and report.added == 1 and not refused
    answer = service.ask("How does the zorblax protocol compress gradients?")
    assert answer.mode == "extractive" and answer.citations[0].source == "zorblax.txt"


def test_rag_serve_with_no_index_starts_and_says_how_to_add_documents(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from .conftest import free_port

    index_dir, port = tmp_path / "no-index-yet", free_port()
    rag = Path(sys.executable).with_name("rag")
    server = subprocess.Popen(
        [rag, "serve", "--port", str(port), "--index-dir", str(index_dir)],
        env={**os.environ, "RAG_HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
                    assert page.status == 200
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline
                time.sleep(0.5)
        assert index.current_snapshot(index_dir) is not None
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    assert f"No index at {index_dir} yet" in output and "Documents tab" in output
