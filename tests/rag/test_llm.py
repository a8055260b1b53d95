"""The real llama-cpp-python path on a tiny random-weight GGUF (tests/tiny_gguf.py).

Its output is noise, so these tests check the machinery (load, chat template, stream, stop,
context budget, marker checks), not answer quality. Behaviour that needs a model that follows
instructions (declining, citing) is tested with `ScriptedGenerator`, a stand-in named as such:
no real instruction-following model can be downloaded here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from rag import Answer, Assistant, Settings
from rag.assistant import ABSTAIN_DECLINED
from rag.generation import LlamaGenerator
from rag.prompt import DECLINE
from rag.settings import GenerationSettings, RetrievalSettings

from ..tiny_gguf import CHATML

QUESTION = "Why do tree-based methods still beat neural networks on tabular data?"


@pytest.fixture(scope="module")
def generator(tiny_gguf: Path) -> LlamaGenerator:
    return LlamaGenerator(tiny_gguf, n_ctx=2048)


def test_loads_with_the_chat_template_from_its_metadata(generator: LlamaGenerator) -> None:
    assert generator.llm.metadata["tokenizer.chat_template"] == CHATML
    assert generator.llm.chat_format == "chat_template.default"
    assert generator.n_ctx == 2048
    assert generator.count_tokens("hello") >= 5  # byte-level: one token per byte, plus BOS


def test_streams_deltas_and_stops_at_max_tokens(generator: LlamaGenerator) -> None:
    messages = [{"role": "user", "content": "Say something."}]
    deltas = list(generator.stream_chat(messages, max_tokens=12, temperature=0.0))
    assert len(deltas) >= 2 and all(isinstance(d, str) for d in deltas)
    text = "".join(deltas)
    assert 0 < generator.count_tokens(text) - 1 <= 12  # byte tokens: a char may be several
    again = "".join(generator.stream_chat(messages, max_tokens=12, temperature=0.0))
    assert again == text  # temperature 0 with a fixed seed: repeatable


def test_assistant_streams_then_returns_a_checked_answer(
    corpus_index: Path, tiny_gguf: Path
) -> None:
    settings = Settings(
        generation=GenerationSettings(
            mode="llm", model_path=tiny_gguf, max_answer_tokens=48, n_ctx=2048
        )
    )
    assistant = Assistant.open(corpus_index, settings)
    response = assistant.ask_stream(QUESTION)
    deltas = list(response)
    final = response.answer
    assert len(deltas) >= 2 and all(isinstance(d, str) for d in deltas)
    assert isinstance(final, Answer) and final.mode == "llm"
    # Every marker left in the text points at a passage; noise is flagged, not hidden.
    assert all(1 <= int(n) <= len(final.hits) for n in re.findall(r"\[(\d+)\]", final.text))
    assert final.unsupported and not any(c.verified for c in final.citations)
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", final.text)
    assert {"retrieve_ms", "generate_ms", "total_ms"} <= set(final.timings)
    json.dumps(final.to_dict())


def _budgeted(corpus_index: Path, tiny_gguf: Path, n_ctx: int) -> Assistant:
    settings = Settings(
        retrieval=RetrievalSettings(k=5),
        generation=GenerationSettings(
            mode="llm", model_path=tiny_gguf, n_ctx=n_ctx, max_answer_tokens=32
        ),
    )
    return Assistant.open(corpus_index, settings)


def test_passages_are_trimmed_to_the_context_window(corpus_index: Path, tiny_gguf: Path) -> None:
    # Byte-level tokens: 1,536 tokens hold the instructions and a few hundred characters.
    assistant = _budgeted(corpus_index, tiny_gguf, 1536)
    answer = assistant.ask(QUESTION)  # llama.cpp raises if the prompt overflows n_ctx
    assert answer.mode in ("llm", "abstained")
    assert 1 <= len(answer.hits) < 5
    docs = {d.id: d for d in assistant.index.documents()}
    for hit in answer.hits:  # a trimmed passage keeps exact offsets
        assert docs[hit.chunk.document_id].text[hit.chunk.start : hit.chunk.end] == hit.chunk.text


def test_a_window_too_small_for_any_passage_is_a_clear_error(
    corpus_index: Path, tiny_gguf: Path
) -> None:
    from rag import RagError

    with pytest.raises(RagError, match=r"Raise generation\.n_ctx"):
        _budgeted(corpus_index, tiny_gguf, 512).ask(QUESTION)


class ScriptedGenerator:
    """A stand-in for an instruction-following model: replies with a fixed text."""

    name = "scripted"
    n_ctx = 8192

    def __init__(self, reply: str) -> None:
        self.reply = reply

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream_chat(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        yield from re.split(r"(?<= )", self.reply)


def _scripted(corpus_index: Path, reply: str) -> Assistant:
    import index

    settings = Settings(generation=GenerationSettings(mode="llm"))
    return Assistant(index.open(corpus_index), settings, ScriptedGenerator(reply))


def test_a_declining_model_makes_an_abstention(corpus_index: Path) -> None:
    answer = _scripted(corpus_index, DECLINE).ask(QUESTION)
    assert answer.mode == "abstained" and answer.text == ABSTAIN_DECLINED and not answer.citations


def test_llm_citations_are_verified_against_their_passages(corpus_index: Path) -> None:
    hits = _scripted(corpus_index, "").retrieve(QUESTION)
    tabular = next(i for i, h in enumerate(hits, 1) if "tabular" in h.chunk.text)
    other = next(i for i, h in enumerate(hits, 1) if "tabular" not in h.chunk.text)
    assistant = _scripted(
        corpus_index,
        f"Tree-based methods remain superior on tabular data because of their inductive biases "
        f"[{tabular}]. Tabular data is best handled by quantum computers [{other}]. "
        f"Also see [{len(hits) + 3}].",
    )
    answer = assistant.ask(QUESTION)
    assert answer.mode == "llm" and answer.dropped_markers == (len(hits) + 3,)
    good, bad = answer.citations[0], answer.citations[1]
    assert good.verified and "tabular data" in good.quote
    assert not bad.verified
    assert "Tabular data is best handled by quantum computers." in answer.unsupported
    docs = {d.id: d for d in assistant.index.documents()}
    for c in answer.citations:
        assert docs[c.document_id].text[c.start : c.end] == c.quote
