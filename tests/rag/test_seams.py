"""The seams for models: a judge or a language-model backend is chosen by name in Settings,
and adding one is a class plus its registration, with no edit anywhere else. The judges and
backends registered here are test doubles of the protocols (one that finds nothing supported,
one that echoes a passage); what they plug into is the real assistant on the real index."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from cli.main import build_parser
from cli.options import answer_settings
from modelhome import loading
from rag import Assistant, Settings
from rag.models import Prompt, TextModel, register_backend
from rag.settings import GenerationSettings, VerificationSettings
from rag.verification import (
    ClaimVerdict,
    Judge,
    Judgment,
    context_text,
    judge_names,
    make_judge,
    register_judge,
    split_claims,
)

QUESTION = "Why do tree-based methods remain superior on tabular data?"


class DoubtingJudge:
    """Finds no claim supported by any passage."""

    name = "doubting"
    threshold = 0.5
    min_supported = 0.5

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        text = context_text(context)
        claims = tuple(self.claim(text, c) for c in split_claims(answer))
        return Judgment(1.0, claims, self.threshold)

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        return ClaimVerdict(claim, 1.0, (0, len(passage)), ())


def _doubting(settings: VerificationSettings, generator: TextModel | None) -> Judge:
    return DoubtingJudge()


register_judge("doubting", _doubting)


def _extractive(corpus_index: Path, judge: str) -> Assistant:
    settings = Settings(
        generation=GenerationSettings(mode="extractive"),
        verification=VerificationSettings(judge=judge),
    )
    return Assistant.open(corpus_index, settings)


def test_verification_runs_with_the_judge_the_settings_name(corpus_index: Path) -> None:
    learned = _extractive(corpus_index, "learned").ask(QUESTION)
    doubted = _extractive(corpus_index, "doubting").ask(QUESTION)
    assert learned.citations and all(c.verified for c in learned.citations)
    # The same quotes, retrieved and chosen alike; only the judge's verdicts differ.
    assert [c.quote for c in doubted.citations] == [c.quote for c in learned.citations]
    assert not any(c.verified for c in doubted.citations)


def test_the_overlap_baseline_verifies_too(corpus_index: Path) -> None:
    assistant = _extractive(corpus_index, "overlap")
    assert assistant.judge.name == "overlap"
    answer = assistant.ask(QUESTION)
    # Quotes copy their passage word for word: no word is missing from it.
    assert answer.citations and all(c.verified for c in answer.citations)


def test_a_judge_is_chosen_on_the_command_line() -> None:
    args = build_parser().parse_args(["ask", QUESTION, "--judge", "overlap"])
    assert answer_settings(args).verification.judge == "overlap"
    assert "doubting" in judge_names()  # registered judges are choices too


def test_an_unknown_judge_names_the_choices() -> None:
    with pytest.raises(ValueError, match="meaning, lexical, overlap, nli, llm"):
        make_judge("oracle")


class EchoModel:
    """A backend that answers with the sentence of passage [1] that shares most words with
    the question, cited."""

    name = "echo"
    n_ctx = 100_000
    grammars = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prompts: list[Prompt] = []
        self.loaded = False

    def load(self) -> None:
        self.loaded = True

    def prompt_tokens(self, prompt: Prompt) -> int:
        return len(prompt.completion().split())

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        self.prompts.append(prompt)
        passage = prompt.request.split('<passage id="1"', 1)[1].split(">\n", 1)[1]
        passage = passage.split("\n</passage>", 1)[0]
        asked = set(re.findall(r"\w+", prompt.request.rsplit("Question:", 1)[1].lower()))
        sentences = re.split(r"(?<=[.!?])\s+", passage)
        best = max(sentences, key=lambda s: len(asked & set(re.findall(r"\w+", s.lower()))))
        yield f"{best} [1]"


def _echo(path: Path, settings: GenerationSettings) -> TextModel:
    return EchoModel(path)


register_backend("echo", _echo)


def test_a_registered_backend_answers_without_a_grammar_it_cannot_follow(
    corpus_index: Path, tmp_path: Path
) -> None:
    weights = tmp_path / "echo.bin"
    weights.write_bytes(b"not a GGUF: the echo backend reads nothing")
    settings = Settings(
        generation=GenerationSettings(backend="echo", model_path=weights, mode="llm")
    )
    assistant = Assistant.open(corpus_index, settings)
    model = assistant.generator
    assert isinstance(model, EchoModel) and model.path == weights
    assistant.warm_up()
    assert model.loaded
    answer = assistant.ask(QUESTION)
    assert answer.mode == "llm" and answer.citations[0].verified
    assert model.prompts and model.prompts[0].grammar is None  # it declares no grammars


def test_an_unknown_backend_names_the_choices(corpus_index: Path, tmp_path: Path) -> None:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"GGUF")
    settings = Settings(generation=GenerationSettings(backend="vllm", model_path=weights))
    with pytest.raises(ValueError, match=r"llama\.cpp"):
        Assistant.open(corpus_index, settings)


def test_the_model_home_loads_a_model_once_for_threads_that_ask_together() -> None:
    calls = []

    def slow_load() -> object:
        calls.append(1)
        time.sleep(0.05)
        return object()

    got: list[object] = []
    threads = [
        threading.Thread(target=lambda: got.append(loading.once(("test", id(calls)), slow_load)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(got) == 8 and all(g is got[0] for g in got)


def test_two_llama_models_of_one_file_share_the_weights_and_the_lock(tiny_gguf: Path) -> None:
    from rag.models import LlamaModel

    first, second = LlamaModel(tiny_gguf, n_ctx=512), LlamaModel(tiny_gguf, n_ctx=512)
    assert first.llm is second.llm
    assert first._loaded.lock is second._loaded.lock  # llama.cpp's context is not thread-safe
