import json
from pathlib import Path

import pytest

import index
from eval.datasets import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_JUDGE,
    DEFAULT_QA,
    DatasetError,
    load_conversations,
    load_judge,
    load_qa,
)

from ..conftest import CORPUS


def test_qa_dataset_shape() -> None:
    rows = load_qa(DEFAULT_QA)
    assert len(rows) >= 40 and len({r.id for r in rows}) == len(rows)
    unanswerable = [r for r in rows if not r.answerable]
    assert len(unanswerable) >= 8 and all(not r.gold for r in unanswerable)
    assert any("instruction" in r.question.lower() for r in unanswerable)  # injection attempts
    assert {g.source for r in rows for g in r.gold} == {p.name for p in CORPUS.iterdir()}


def test_qa_dataset_has_near_miss_questions_counted_as_unanswerable() -> None:
    groups = [r.group for r in load_qa(DEFAULT_QA)]
    assert groups.count("near_miss") >= 10 and groups.count("off_topic") >= 8


def test_conversation_set_has_both_kinds_of_second_question() -> None:
    rows = load_conversations(DEFAULT_CONVERSATIONS)
    assert len({r.id for r in rows}) == len(rows)
    followups = [r for r in rows if r.followup]
    assert len(followups) >= 12 and len(rows) - len(followups) >= 12
    assert all(r.gold for r in followups) and all(r.history for r in rows)


def test_every_gold_quote_is_verbatim_in_its_document(corpus_index: Path) -> None:
    texts = {d.source: d.text for d in index.open(corpus_index).documents()}
    conversations = load_conversations(DEFAULT_CONVERSATIONS)
    for row in [*load_qa(DEFAULT_QA), *conversations]:
        for gold in row.gold:
            assert gold.quote in texts[gold.source], (row.id, gold.quote)


def test_judge_dataset_shape() -> None:
    rows = load_judge(DEFAULT_JUDGE).rows
    assert len(rows) >= 60
    assert {r.label for r in rows} == {0, 1}
    assert {
        "negation",
        "number",
        "swapped entity",
        "wrong attribution",
        "unsupported addition",
        "paraphrase",
    } <= {r.kind for r in rows}


def test_bad_dataset_files_get_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q", "answerable": true, "gold": []}\nnot json\n')
    with pytest.raises(DatasetError, match=r"bad.jsonl:2: not JSON"):
        load_qa(bad)
    bad.write_text(json.dumps({"context": "c", "answer": "a", "label": 7}) + "\n")
    with pytest.raises(DatasetError, match=r"bad.jsonl:1: label must be 0"):
        load_judge(bad)
    with pytest.raises(DatasetError, match="cannot read"):
        load_qa(tmp_path / "missing.jsonl")
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(DatasetError, match="empty"):
        load_qa(tmp_path / "empty.jsonl")
    bad.write_text(json.dumps({"id": "c", "history": "q1", "question": "q2", "followup": 1}))
    with pytest.raises(DatasetError, match=r"bad.jsonl:1: expected id, history \(a non-empty"):
        load_conversations(bad)


def test_a_bad_judge_row_is_named_by_line_and_the_rest_kept(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    good = {"context": ["p1", "p2"], "answer": "a", "label": 0, "question": "q?"}
    halueval = {
        "knowledge": "K.",
        "question": "Q?",
        "right_answer": "R",
        "hallucinated_answer": "H",
    }
    lines = [json.dumps(good), "{broken", json.dumps({"answer": "a"}), "", json.dumps(halueval)]
    rows.write_text("\n".join(lines) + "\n")
    loaded = load_judge(rows)
    assert [(r.answer, r.label) for r in loaded.rows] == [("a", 0), ("R", 0), ("H", 1)]
    assert loaded.rows[0].context == ("p1", "p2") and loaded.rows[0].question == "q?"
    assert loaded.rows[1].question == "Q?" and loaded.rows[1].group == loaded.rows[2].group
    assert [p.split(": ")[0] for p in loaded.problems] == [f"{rows}:2", f"{rows}:3"]
    assert "not JSON" in loaded.problems[0] and "missing context, label" in loaded.problems[1]
