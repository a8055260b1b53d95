"""The grounding data's reader: answers joined to their sources, models grouped by size. (The
real files are in ../shared/data/grounding; `rag eval grounding` measures on them.)"""

from __future__ import annotations

import json
from pathlib import Path

from eval.grounding import billions, by_group, is_small, load_grounding


def write(folder: Path) -> None:
    sources = [
        {"task": "ragtruth-qa", "source_id": "1", "question": "Who won?", "context": ["A won."]},
        {"task": "ragtruth-summary", "source_id": "1", "question": None, "context": ["Text."]},
    ]
    answers = [
        {"task": "ragtruth-qa", "source_id": "1", "model": "Qwen/Qwen2.5-1.5B-Instruct",
         "answer": "\nA won.\u2028Clearly.", "label": 0, "labeler": "faithjudge"},
        {"task": "ragtruth-qa", "source_id": "1", "model": "openai/gpt-4o-2024-11-20",
         "answer": "B won.", "label": 1, "labeler": "human"},
        {"task": "ragtruth-summary", "source_id": "1", "model": "x/y-70B",
         "answer": "Text.", "label": 0, "labeler": "human"},
    ]  # fmt: skip
    for name, rows in (("sources.jsonl", sources), ("answers.jsonl", answers)):
        (folder / name).write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def test_answers_are_joined_to_their_sources(tmp_path: Path) -> None:
    write(tmp_path)
    qa = load_grounding(tmp_path)
    assert [a.model for a in qa] == ["Qwen/Qwen2.5-1.5B-Instruct", "openai/gpt-4o-2024-11-20"]
    first = qa[0].row
    # A U+2028 inside an answer is part of it, not the end of a record.
    assert first.answer == "A won.\u2028Clearly." and first.context == ("A won.",)
    assert first.question == "Who won?" and first.group == "ragtruth-qa:1"
    assert [a.row.label for a in qa] == [0, 1] and qa[1].labeler == "human"
    assert len(load_grounding(tmp_path, task=None)) == 3


def test_models_are_grouped_by_the_size_their_name_states(tmp_path: Path) -> None:
    assert billions("Qwen/Qwen2.5-1.5B-Instruct") == 1.5
    assert billions("HuggingFaceTB/SmolLM2-135M-Instruct") == 0.135
    assert billions("openai/gpt-4o-2024-11-20") is None and not is_small("openai/gpt-4o")
    assert is_small("meta-llama/Llama-3.1-8B-Instruct") and not is_small("x/y-70B")
    write(tmp_path)
    groups = by_group(load_grounding(tmp_path))
    assert [len(rows) for rows in groups.values()] == [2, 1, 1]
