"""The QA dev benchmark (eval/qa_bench.py, `rag eval qa`) on a dozen rows in HaluEval's shape,
written here: a real index, the real assistant, every figure checked against the rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval import qa_bench

ROWS = [  # knowledge, question, right answer
    (
        "The Velloran turbine spins at 4200 revolutions per minute.",
        "How fast does the Velloran turbine spin?",
        "4200 revolutions per minute",
    ),
    (
        "Ondrel Vasque kept the Harrowgate lighthouse for thirty years.",
        "Who kept the Harrowgate lighthouse?",
        "Ondrel Vasque",
    ),
    (
        "The Marrowfield farm harvested 845 tonnes of rye.",
        "How many tonnes of rye did the Marrowfield farm harvest?",
        "845 tonnes",
    ),
    (
        "Brindlecorp was founded in Quillon in 1873.",
        "In which town was Brindlecorp founded?",
        "Quillon",
    ),
    (
        "The Saffire Bay ferry sails twice a day to Dunmere.",
        "Where does the Saffire Bay ferry sail to?",
        "Dunmere",
    ),
    (
        "Calloway Hall was designed by the architect Mira Osei.",
        "Who designed Calloway Hall?",
        "Mira Osei",
    ),
    (
        "The Ellery orchard grows Bramley apples on twelve hectares.",
        "What apples does the Ellery orchard grow?",
        "Bramley apples",
    ),
    (
        "The Tessaly river floods every spring near the town of Orlen.",
        "Which town does the Tessaly river flood near?",
        "Orlen",
    ),
    (
        "The Kestrel telescope observes in the infrared.",
        "In which light does the Kestrel telescope observe?",
        "infrared",
    ),
    (
        "Pollard Academy teaches navigation and astronomy to cadets.",
        "What does Pollard Academy teach?",
        "navigation and astronomy",
    ),
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    lines = [
        json.dumps({"knowledge": k, "question": q, "right_answer": a, "hallucinated_answer": "x"})
        for k, q, a in ROWS
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_tenth_of_the_passages_is_withheld_the_same_every_run(dataset: Path) -> None:
    rows = qa_bench.load_rows(dataset)
    assert len(rows) == 10 and sum(not r.answerable for r in rows) == 1
    assert rows == qa_bench.load_rows(dataset)
    corpus = qa_bench.write_corpus(rows, dataset.parent / "corpus")
    assert sorted(p.name for p in corpus.iterdir()) == sorted(
        r.source for r in rows if r.answerable
    )


def test_contains_wants_most_of_the_right_answers_words() -> None:
    assert qa_bench.contains("It was President Richard Nixon [1].", "President Richard Nixon")
    assert not qa_bench.contains("It was Richard [1].", "President Richard Nixon")
    assert qa_bench.contains("Yes, it was [1].", "yes")  # stopwords only: as it is


@pytest.mark.slow
def test_rag_eval_qa_scores_every_question(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "eval", "qa", str(dataset), "--work",
         str(tmp_path / "work"), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "10 questions: 9 answerable, 1 whose passage is withheld" in done.stdout
    for name in qa_bench.TABLE_METRICS:
        assert name in done.stdout
    [report] = json.loads((out / "qa.json").read_text())
    results = report["results"]
    assert len(results) == 10 and report["answerer"] == "extractive"
    withheld = next(r for r in results if not r["answerable"])
    assert withheld["gold"] == "" and withheld["mode"] == "abstained"
    answered = [r for r in results if r["answerable"]]
    # Distinct invented facts, one a file: each question finds and cites its own file.
    assert all(r["gold"] in r["retrieved"][:5] and r["gold"] in r["cited"] for r in answered)
    metrics = report["metrics"]
    assert metrics["recall@5"] == metrics["gold_cited"] == 1.0
    assert metrics["contains_answer"] == sum(r["contains"] for r in answered) / 9
    assert metrics["abstention"] == 1.0 and metrics["false_abstention"] == 0.0
    assert (out / "qa.html").read_text().startswith("<!doctype html>")


@pytest.mark.slow
def test_a_models_answers_are_scored_beside_the_quotes(
    dataset: Path, tmp_path: Path, coder_home: Path
) -> None:
    """`rag eval qa --model coder` on the real Qwen2.5-Coder: what became of each answer it
    wrote (shown whole, in part, replaced, declined), whether it cited, and what the judge
    says of what was shown, summed from the per-question results."""
    from modelhome.catalogue import PACKAGED_LIST

    out = tmp_path / "out"
    env = {**os.environ, "RAG_HOME": str(coder_home), "RAG_MODELS_FILE": str(PACKAGED_LIST)}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "eval", "qa", str(dataset), "--work",
         str(tmp_path / "work"), "--out", str(out), "--model", "coder"],
        capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    extractive, model = json.loads((out / "qa.json").read_text())
    assert extractive["answerer"] == "extractive" and "model_answers" not in extractive["metrics"]
    assert model["answerer"] == "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    results, m = model["results"], model["metrics"]
    written = [r for r in results if r["written"]]
    # The gate declines the withheld question before the model is asked.
    assert len(written) == m["model_answers"] == 9
    outcomes = ("shown_whole", "shown_in_part", "replaced", "declined")
    assert sum(m[name] for name in outcomes) == 9
    assert m["raw_cited_answers"] == sum(r["raw_cited"] for r in written) / 9 >= 0.9
    assert m["shown_unsupported"] == sum(r["shown_unsupported"] for r in written) == 0
    whole = [r for r in written if r["written"] == "whole"]
    assert len(whole) >= 6 and all(r["mode"] == "llm" and r["contains"] for r in whole)
    assert m["model_s_p50"] > 0 and "shown_whole" in done.stdout
