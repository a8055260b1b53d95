"""Fixtures of the eval tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import train_judge


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 lines of each dev file, and the grounding answers to 6 QA sources."""
    folder = tmp_path_factory.mktemp("data")
    for file in train_judge.FILES.values():
        lines = (train_judge.SHARED_DATA / file).read_text().splitlines()[:40]
        (folder / file).write_text("\n".join(lines) + "\n")
    grounding = train_judge.SHARED_DATA / "grounding"
    sources = [json.loads(x) for x in (grounding / "sources.jsonl").read_text().split("\n") if x]
    kept = [s for s in sources if s["task"] == "ragtruth-qa"][:6]
    ids = {s["source_id"] for s in kept}
    answers = [
        line
        for line in (grounding / "answers.jsonl").read_text().split("\n")
        if line and (row := json.loads(line))["task"] == "ragtruth-qa" and row["source_id"] in ids
    ]
    (folder / "grounding").mkdir()
    (folder / "grounding" / "sources.jsonl").write_text("\n".join(map(json.dumps, kept)) + "\n")
    (folder / "grounding" / "answers.jsonl").write_text("\n".join(answers) + "\n")
    return folder
