"""The eval suite on the real assistant: it must see hallucination when there is some."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import index
from eval import EvalReport, run_eval, write_report
from eval.datasets import DEFAULT_QA, load_qa
from eval.report import gate_table, render_html
from eval.scoring import _correctness
from rag import Answer, Assistant, Settings
from rag.models.llama import Prompt
from rag.settings import GenerationSettings
from rag.verification import make_judge

from ..conftest import VNNI

RAG = [sys.executable, "-m", "cli.main"]


def _settings(mode: str, **generation: object) -> Settings:
    return Settings(generation=GenerationSettings(mode=mode, **generation))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def extractive_report(corpus_index: Path) -> EvalReport:
    return run_eval(assistant=Assistant.open(corpus_index, _settings("extractive")))


def test_extractive_mode_is_faithful(extractive_report: EvalReport) -> None:
    m = extractive_report.metrics
    assert extractive_report.mode == "extractive" and extractive_report.judge == "lexical"
    assert m["faithfulness"] is not None and m["faithfulness"] >= 0.95
    assert m["recall@5"] is not None and m["recall@5"] >= 0.9
    assert m["off_topic_abstention"] == 1.0 and m["false_abstention_rate"] == 0.0
    assert m["citation_precision"] is not None and m["citation_precision"] >= 0.95
    assert extractive_report.timings["per_question_ms"] > 0


def test_the_report_has_rows_for_near_misses_and_follow_ups(extractive_report: EvalReport) -> None:
    m = extractive_report.metrics
    groups = {q.group for q in extractive_report.questions}
    assert groups == {"answerable", "off_topic", "near_miss"}
    assert m["near_miss_abstention"] is not None and m["correctness"] is not None
    talks = extractive_report.conversations
    assert len(talks) == m["conversations"] and {c.followup for c in talks} == {True, False}
    # A follow-up that is rewritten is searched with the earlier question in it.
    rewritten = [c for c in talks if c.rewritten]
    assert all(c.history[-1] in c.searched for c in rewritten)
    assert m["rewrite_recall"] == sum(c.rewritten for c in talks if c.followup) / sum(
        c.followup for c in talks
    )


def test_the_extractive_answer_meets_issue_13s_bars(extractive_report: EvalReport) -> None:
    m = extractive_report.metrics
    assert m["qa_correctness"] is not None and m["qa_correctness"] >= 0.87  # the questions'
    # With the follow-ups'; with VNNI's int8 vectors one "Why?" differs (tests/conftest.py):
    # correctness 0.850 and one of the 18 graded follow-ups mislabelled "no more".
    assert m["correctness"] is not None and m["correctness"] >= (0.845 if VNNI else 0.86)
    # "no more than [n]" exactly where labelled
    assert m["followup_no_more_accuracy"] >= (17 / 18 if VNNI else 1.0)
    assert m["faithfulness"] == 1.0
    assert m["rewrite_precision"] is not None and m["rewrite_precision"] >= 0.95
    assert m["rewrite_recall"] is not None and m["rewrite_recall"] >= 0.9
    assert m["abstention_recall"] is not None and m["abstention_recall"] >= 0.95
    assert m["false_abstention_rate"] is not None and m["false_abstention_rate"] <= 0.05
    assert m["recall@5"] is not None and m["recall@5"] >= 0.97


def test_correctness_penalises_padding_and_a_missed_point(corpus_index: Path) -> None:
    assistant = Assistant.open(corpus_index, _settings("extractive"))
    row = next(r for r in load_qa(DEFAULT_QA) if r.id == "q01")
    gold = row.gold[0].quote
    padding = "Neural nets dominate unstructured data (images, audio, text)."
    elsewhere = "Classical benchmarks catalyzed progress but are now less informative."

    def score(text: str) -> float:
        value, _ = _correctness(Answer(text, "extractive"), row, assistant)
        assert value is not None
        return value

    assert score(f"{gold} [1]") >= 0.95
    assert score(f"{gold} [1] {padding} [2]") < score(f"{gold} [1]") - 0.2
    assert score(f"{elsewhere} [1]") < 0.3
    assert _correctness(Answer("I can't answer that.", "abstained"), row, assistant) == (None, None)


class HallucinatingGenerator:
    """A deliberately unfaithful 'model': it takes the faithful extractive answer and corrupts
    every sentence: changes its numbers, negates its verb, credits a made-up source. The
    [n] markers stay, so each false claim still cites a real passage."""

    name = "hallucinator"
    n_ctx = 100_000
    grammars = False

    def __init__(self, faithful: Assistant) -> None:
        self._faithful = faithful

    def load(self) -> None:
        pass

    def prompt_tokens(self, prompt: Prompt) -> int:
        return len(prompt.completion().split())

    @staticmethod
    def corrupt(sentence: str) -> str:
        sentence = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), sentence)
        sentence, n = re.subn(
            r"\b(is|are|was|were|can|will|do|does)\b", r"\1 not", sentence, count=1
        )
        if not n:
            sentence = "It is not true that " + sentence[:1].lower() + sentence[1:]
        return sentence.rstrip(". ") + ", as a 2031 Microsoft study proved."

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        question = prompt.request.rsplit("Question: ", 1)[-1]
        answer = self._faithful.ask(question)
        for citation in answer.citations:
            yield f"{self.corrupt(citation.quote)} [{citation.marker}] "


def test_a_hallucinating_generator_scores_clearly_lower(
    corpus_index: Path, extractive_report: EvalReport
) -> None:
    faithful = Assistant.open(corpus_index, _settings("extractive"))
    liar = Assistant(index.open(corpus_index), _settings("llm"), HallucinatingGenerator(faithful))
    report = run_eval(assistant=liar)
    assert report.mode == "llm"
    m = report.metrics
    # Before the gate: the eval sees the lies...
    assert m["model_answers"] == len(report.questions) - sum(q.abstained for q in report.questions)
    assert m["raw_unsupported_rate"] is not None and m["raw_unsupported_rate"] >= 0.5
    # ...after it, the user does not: those answers were replaced by quotes.
    assert m["fallback_rate"] is not None and m["fallback_rate"] >= 0.9
    assert m["shown_unsupported_rate"] is not None and m["shown_unsupported_rate"] <= 0.05
    assert m["unsupported_shown_as_verified"] == 0
    assert m["invalid_citation_rate"] == 0.0  # it cites real passages, wrongly
    fell_back = [q for q in report.questions if q.generated and not q.generated.passed]
    assert all(q.mode == "extractive" for q in fell_back)
    # The report puts both sides next to each other, and keeps what the model wrote.
    table = gate_table(report)
    assert "before and after the verification gate" in table
    assert "answers replaced by quotes" in table and f"{m['fallback_rate']:.3f}" in table
    page = render_html(report)
    assert "The model before and after the gate" in page
    assert "failed: replaced by quotes" in page and "2031 Microsoft study" in page
    # Retrieval and abstention do not depend on the generator.
    assert report.metrics["recall@5"] == extractive_report.metrics["recall@5"]


@pytest.mark.slow
def test_a_random_weight_model_through_llama_cpp_is_caught(
    tmp_path: Path, corpus_index: Path, tiny_gguf: Path
) -> None:
    rows = [line for line in DEFAULT_QA.read_text().splitlines() if line.strip()]
    subset = tmp_path / "subset.jsonl"
    subset.write_text("\n".join(rows[:8] + rows[-2:]) + "\n")
    # Room for a whole sentence: one is checked only once complete, and the grammar lets it run
    # 240 characters before its marker. In 48 tokens the random model's text ended mid-sentence
    # on an AVX-512 machine with llama-cpp-python 0.3.36 (its kernels give other random text).
    settings = _settings("llm", model_path=tiny_gguf, max_answer_tokens=256, n_ctx=4096)
    report = run_eval(subset, assistant=Assistant.open(corpus_index, settings))
    assert report.mode == "llm"
    m = report.metrics
    # Noise is not supported: caught by the gate every time, never shown.
    assert m["raw_unsupported_rate"] is not None and m["raw_unsupported_rate"] >= 0.9
    assert m["fallback_rate"] == 1.0 and m["unsupported_shown_as_verified"] == 0
    assert m["tokens_per_second"] is not None and m["tokens_per_second"] > 0


def test_reports_are_written_with_plots(tmp_path: Path, extractive_report: EvalReport) -> None:
    json_path, html_path = write_report(extractive_report, tmp_path / "run1")
    data = json.loads(json_path.read_text())
    assert data["metrics"]["faithfulness"] == extractive_report.metrics["faithfulness"]
    assert len(data["questions"]) == len(extractive_report.questions)
    page = html_path.read_text()
    assert page.count('src="data:image/png;base64,') == 3
    assert "lexical" in page and "q01" in page and "verified" in page
    assert "near_miss" in page and "Conversations: follow-up rewriting" in page


@pytest.mark.slow
def test_cli_eval_writes_reports_and_gates(tmp_path: Path, corpus_index: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    base = [*RAG, "eval", "--index-dir", str(corpus_index), "--mode", "extractive"]
    ok = subprocess.run(
        [*base, "--out", str(tmp_path / "r"), "--json", "--fail-under", "faithfulness=0.9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["metrics"]["faithfulness"] >= 0.9
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "report.json").exists()
    gate = subprocess.run(
        [*base, "--fail-under", "faithfulness=1.01", "recall@5=0.1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert gate.returncode == 1 and "below the bar: faithfulness" in gate.stderr
    assert "recall@5" not in gate.stderr.split("below the bar")[-1]
    unknown = subprocess.run(
        [*base, "--fail-under", "accuracy=0.5"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert unknown.returncode == 2 and "unknown metric" in unknown.stderr
    # The judge needs no index and no RAG_HOME of its own.
    judge = subprocess.run(
        [*RAG, "eval", "judge", "--json"],
        capture_output=True,
        text=True,
        env={**env, "RAG_HOME": str(tmp_path / "empty-home")},
        timeout=900,
    )
    (result,) = json.loads(judge.stdout)
    assert result["judge"]["judge"] == "lexical" and result["baseline"]["judge"] == "overlap"
    assert result["judge"]["auroc"] > result["baseline"]["auroc"] and len(result["scores"]) >= 60
    gate = result["judge"]["gate"]  # what the answer gate would show with this judge
    # The gate's share is the one fitted with the judge (rag eval train-judge).
    assert gate["min_supported"] == make_judge("lexical").min_supported
    assert gate["supported_shown"] > gate["unsupported_shown"]
    assert not (tmp_path / "empty-home").exists()
