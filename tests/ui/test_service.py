"""The app's shared service: a replaced Assistant is closed once its requests finish, never
under one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ui import AssistantService

QUESTION = "What is program synthesis?"


def test_a_replaced_index_closes_when_its_last_request_ends(
    tmp_path: Path, corpus_index: Path
) -> None:
    index_dir = Path(shutil.copytree(corpus_index, tmp_path / "index"))
    service = AssistantService(index_dir, tmp_path)
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
