"""The real llama-cpp-python path on a tiny random-weight GGUF (tests/tiny_gguf.py).

Its output is noise, so these tests check the machinery (load, chat template, stream, stop,
context budget, marker checks, the verification gate), not answer quality. Behaviour that
needs a model that follows instructions (declining, citing) is tested with `ScriptedGenerator`,
a stand-in named as such: no real instruction-following model can be downloaded here. The real
Gemma 3 270M base model is tested in test_real_model.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import Answer, Assistant, Settings
from rag.answer.prompt import DECLINE
from rag.assistant import ABSTAIN_DECLINED
from rag.models.llama import LlamaModel, Prompt
from rag.settings import GenerationSettings, RetrievalSettings, VerificationSettings

from ..tiny_gguf import CHATML

QUESTION = "Why do tree-based methods still beat neural networks on tabular data?"


@pytest.fixture(scope="module")
def generator(tiny_gguf: Path) -> LlamaModel:
    return LlamaModel(tiny_gguf, n_ctx=2048)


def test_loads_with_the_chat_template_from_its_metadata(generator: LlamaModel) -> None:
    assert generator.chat_template == CHATML
    assert generator.llm.chat_format == "chat_template.default"
    assert generator.n_ctx == 2048
    assert generator.count_tokens("hello") >= 5  # byte-level: one token per byte, plus BOS


def test_streams_deltas_and_stops_at_max_tokens(generator: LlamaModel) -> None:
    prompt = Prompt("Be brief.", "Say something.")
    deltas = list(generator.stream(prompt, max_tokens=12, temperature=0.0))
    assert len(deltas) >= 2 and all(isinstance(d, str) for d in deltas)
    text = "".join(deltas)
    assert 0 < generator.count_tokens(text) - 1 <= 12  # byte tokens: a char may be several
    again = "".join(generator.stream(prompt, max_tokens=12, temperature=0.0))
    assert again == text  # temperature 0 with a fixed seed: repeatable


def test_the_kept_opening_gives_the_same_reply_whatever_was_asked_before(
    tiny_gguf: Path,
) -> None:
    """The prompt's opening is read once and its cache cells restored for each prompt that
    opens the same way; a reply must not depend on the prompts before it (random weights
    amplify any difference in what was read). Its own context (another n_ctx), so the
    first prompt here is the first it reads."""
    model = LlamaModel(tiny_gguf, n_ctx=1536)
    first = Prompt("Be brief.", "Say something.")
    same_opening = Prompt("Be brief.", "Say something else, at length.")
    other_opening = Prompt("Answer in French.", "Say something.")

    def reply(prompt: Prompt) -> str:
        return "".join(model.stream(prompt, max_tokens=16, temperature=0.0))

    alone = reply(first)
    openings = model._loaded.kept["openings"]
    assert len(openings) == 1
    reply(same_opening)  # leaves its own passage in the cache: must not be reused
    assert len(openings) == 1  # the same opening, restored
    reply(other_opening)  # another opening: read, saved, and the first one's cells replaced
    assert len(openings) == 2
    assert reply(first) == alone  # from the saved cells, after others
    assert reply(first) == alone  # the same prompt twice in a row
    # A user of the same context that reads whole prompts leaves other cells behind.
    whole = LlamaModel(tiny_gguf, n_ctx=1536, keep_opening=False)
    list(whole.stream(same_opening, max_tokens=16, temperature=0.0))
    assert reply(first) == alone


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
    assert isinstance(final, Answer)
    # Noise fails verification: the model's text is kept for the record, never shown (not
    # even streamed: each sentence is checked before it is released); the user gets quotes
    # and is told why.
    generated = final.generated
    assert generated is not None and not generated.passed and generated.raw
    assert generated.raw not in "".join(deltas) and not generated.shown
    assert generated.tokens > 0 and generated.seconds > 0
    assert final.mode == "extractive" and "failed verification" in final.notice
    assert final.notice in "".join(deltas)  # the stream says so before the quotes follow
    assert final.citations and all(c.verified for c in final.citations)
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", final.text)
    assert {"retrieve_ms", "generate_ms", "fallback_ms", "total_ms"} <= set(final.timings)
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
    # Byte-level tokens: 2,048 hold the instructions, the example and a few hundred characters.
    from rag.answer.llm import LLMAnswerer

    assistant = _budgeted(corpus_index, tiny_gguf, 2048)
    assert assistant.generator is not None
    answerer = LLMAnswerer(assistant.generator, assistant.settings.generation)
    hits = assistant.retrieve(QUESTION)
    assert len(hits) == 5
    kept = answerer.passages(QUESTION, hits)
    assert 1 <= len(kept) < 5
    assert list(answerer.write(QUESTION, kept))  # llama.cpp raises on overflow
    docs = {d.id: d for d in assistant.index.documents()}
    for hit in kept:  # a trimmed passage keeps exact offsets
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
    grammars = True  # records the grammar it is given; replies the same either way

    def __init__(self, reply: str, by_character: bool = False) -> None:
        self.reply = reply
        self.by_character = by_character  # as a tokenizer might split it: "[", "1", "]"
        self.sent = 0  # pieces streamed so far
        self.prompts: list[Prompt] = []

    def load(self) -> None:
        pass

    def prompt_tokens(self, prompt: Prompt) -> int:
        return len(prompt.completion().split())

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        self.prompts.append(prompt)
        self.sent = 0
        pieces = list(self.reply) if self.by_character else re.split(r"(?<= )", self.reply)
        for piece in pieces:
            self.sent += 1
            yield piece


def _scripted(
    corpus_index: Path, reply: str, min_supported: float = 0.75, mark: bool = False
) -> Assistant:
    import index

    settings = Settings(
        generation=GenerationSettings(mode="llm"),
        verification=VerificationSettings(
            min_supported=min_supported, unsupported="mark" if mark else "hold"
        ),
    )
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
        min_supported=0.0,  # let everything through the gate, to see each verdict
    )
    answer = assistant.ask(QUESTION)
    assert answer.mode == "llm" and answer.dropped_markers == (len(hits) + 3,)
    [good] = answer.citations  # only what is shown cites: the made-up sentence is held back
    assert good.verified and "tabular data" in good.quote and not good.attributed
    assert "Tabular data is best handled by quantum computers." in answer.unsupported
    assert "quantum" not in answer.text
    assert answer.generated is not None
    assert [s.supported for s in answer.generated.sentences][:2] == [True, False]
    docs = {d.id: d for d in assistant.index.documents()}
    for c in answer.citations:
        assert docs[c.document_id].text[c.start : c.end] == c.quote


def _tabular_and_other(corpus_index: Path) -> tuple[int, int]:
    hits = _scripted(corpus_index, "").retrieve(QUESTION)
    tabular = next(i for i, h in enumerate(hits, 1) if "tabular" in h.chunk.text)
    other = next(i for i, h in enumerate(hits, 1) if "tabular" not in h.chunk.text)
    return tabular, other


SUPPORTED = "Tree-based methods remain superior on tabular data due to suitable inductive biases"
INVENTED = "Tabular data is best handled by quantum computers"


def test_a_supported_answer_passes_the_gate_with_its_verdicts(corpus_index: Path) -> None:
    tabular, _ = _tabular_and_other(corpus_index)
    answer = _scripted(corpus_index, f"{SUPPORTED} [{tabular}].").ask(QUESTION)
    assert answer.mode == "llm" and answer.text == f"{SUPPORTED}. [{tabular}]"
    assert answer.generated is not None and answer.generated.passed
    [check] = answer.generated.sentences
    assert check.supported and check.markers == (tabular,) and check.support > 0.5
    assert answer.citations and all(c.verified for c in answer.citations)
    assert not answer.notice.startswith("The model's answer failed")


def test_an_answer_too_little_supported_is_replaced_by_quotes(corpus_index: Path) -> None:
    tabular, other = _tabular_and_other(corpus_index)
    reply = f"{SUPPORTED} [{tabular}]. {INVENTED} [{other}]."
    response = _scripted(corpus_index, reply).ask_stream(QUESTION)  # 1 of 2 < 0.75
    streamed = "".join(response)
    answer = response.answer
    assert answer.mode == "extractive"
    assert answer.notice.startswith(
        "The model's answer failed verification (only 1 of its 2 sentences are supported"
    )
    # The stream showed the verified sentence, then said the answer failed, then the quotes:
    # the made-up one was never shown.
    assert INVENTED not in streamed
    assert streamed.index(SUPPORTED) < streamed.index(answer.notice) < streamed.index(answer.text)
    assert all(c.verified for c in answer.citations) and not answer.unsupported
    generated = answer.generated
    assert generated is not None and generated.raw == reply and not generated.passed
    assert [s.supported for s in generated.sentences] == [True, False]
    assert [s.grounded for s in generated.sentences] == [True, False]  # made up, not miscited
    assert generated.markers == 2 and generated.invalid_markers == ()


@pytest.mark.parametrize("mark", [False, True], ids=["held", "marked"])
def test_a_lower_bar_shows_the_answer_and_holds_or_marks_its_unsupported_sentence(
    corpus_index: Path, mark: bool
) -> None:
    from rag.verification.streaming import UNSUPPORTED_MARK

    tabular, other = _tabular_and_other(corpus_index)
    reply = f"{SUPPORTED} [{tabular}]. {INVENTED} [{other}]."
    answer = _scripted(corpus_index, reply, min_supported=0.5, mark=mark).ask(QUESTION)
    assert answer.mode == "llm" and answer.generated is not None and answer.generated.passed
    assert answer.unsupported == (f"{INVENTED}.",)
    assert {c.claim: c.verified for c in answer.citations} == {f"{SUPPORTED}.": True}
    shown = f"{SUPPORTED}. [{tabular}]"
    assert answer.text == (f"{shown} {INVENTED}. {UNSUPPORTED_MARK}" if mark else shown)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("", "it wrote no sentence that could be checked"),
        ("[1][2].", "it wrote no sentence that could be checked"),
        ("The answer to the question is: [1].", "it wrote no sentence that could be checked"),
        (f"{INVENTED}.", "it cited no passage, and no passage supports what it wrote"),
        (f"{INVENTED} [1].", "none of its 1 sentences is supported by the passages"),
    ],
    ids=["empty", "markers-only", "says-nothing", "uncited-made-up", "cited-made-up"],
)
def test_an_answer_nothing_supports_is_never_shown_and_the_notice_says_why(
    corpus_index: Path, reply: str, why: str
) -> None:
    response = _scripted(corpus_index, reply, min_supported=0.0).ask_stream(QUESTION)
    streamed = "".join(response)
    answer = response.answer
    assert answer.mode == "extractive" and f"failed verification ({why})" in answer.notice
    assert streamed.startswith(f"⚠ {answer.notice}")  # nothing of the model's came first
    assert answer.generated is not None and not answer.generated.passed
    assert answer.citations and all(c.verified for c in answer.citations)


def test_a_true_sentence_cited_wrongly_or_not_at_all_is_attributed_by_the_verifier(
    corpus_index: Path,
) -> None:
    tabular, other = _tabular_and_other(corpus_index)
    for reply in (f"{SUPPORTED}.", f"{SUPPORTED} [{other}]."):
        answer = _scripted(corpus_index, reply).ask(QUESTION)
        assert answer.mode == "llm" and answer.text == f"{SUPPORTED}. [{tabular}]", reply
        # Its sources are what the reader sees: the model's wrong marker is in its check only.
        assert [(c.marker, c.verified, c.attributed) for c in answer.citations] == [
            (tabular, True, True)
        ]
        assert answer.generated is not None
        [check] = answer.generated.sentences
        assert not check.supported and check.attributed == tabular and check.shown
        assert check.markers == (() if reply.endswith(f"{SUPPORTED}.") else (other,))


def test_sentences_are_released_as_they_are_checked_not_at_the_end(corpus_index: Path) -> None:
    tabular, _ = _tabular_and_other(corpus_index)
    reply = " ".join([f"{SUPPORTED} [{tabular}]."] * 3)
    assistant = _scripted(corpus_index, reply)
    model = assistant.generator
    assert isinstance(model, ScriptedGenerator)
    response = assistant.ask_stream(QUESTION)
    first = next(response)
    assert first == f"{SUPPORTED}. [{tabular}]"
    # Released once the second sentence began, long before the model finished.
    assert model.sent < len(reply.split()) * 2 // 3
    assert "".join([first, *response]).count(SUPPORTED) == 3


def test_a_sentence_cut_by_the_token_budget_or_echoing_the_example_is_never_shown(
    corpus_index: Path,
) -> None:
    from rag.answer.prompt import EXAMPLE

    tabular, _ = _tabular_and_other(corpus_index)
    reply = f"{SUPPORTED} [{tabular}]. {EXAMPLE[1]} Tree-based methods remain superior on tab"
    answer = _scripted(corpus_index, reply, min_supported=0.0).ask(QUESTION)
    assert answer.mode == "llm" and answer.text == f"{SUPPORTED}. [{tabular}]"
    assert answer.generated is not None
    assert answer.generated.cut == "Tree-based methods remain superior on tab"
    assert answer.generated.echoed == 1 and "Eiffel" not in answer.text


def test_the_grammar_and_repeat_penalty_reach_the_model(corpus_index: Path) -> None:
    assistant = _scripted(corpus_index, DECLINE)
    assistant.ask(QUESTION)
    model = assistant.generator
    assert isinstance(model, ScriptedGenerator)
    [prompt] = model.prompts
    # The passages it reads: the first few retrieved (`generation.passages`), cut to windows.
    n = min(len(assistant.retrieve(QUESTION)), assistant.settings.generation.passages)
    assert n == 3
    assert prompt.grammar is not None and f'"{n}"' in prompt.grammar
    assert f'"{n + 1}"' not in prompt.grammar  # only the passages it was given
    assert prompt.repeat_penalty > 1 and prompt.stop


def test_a_reply_streamed_character_by_character_keeps_its_markers(corpus_index: Path) -> None:
    """A marker arrives as "[", "1", "]": its digit must not read as the next sentence
    beginning (the sentence before would be released without its marker)."""
    import index

    tabular, _ = _tabular_and_other(corpus_index)
    reply = f"{SUPPORTED}. [{tabular}] {SUPPORTED} [{tabular}]."
    answers = [
        Assistant(index.open(corpus_index), Settings(), ScriptedGenerator(reply, split)).ask(
            QUESTION, mode="llm"
        )
        for split in (False, True)
    ]
    assert (
        answers[0].text == answers[1].text == f"{SUPPORTED}. [{tabular}] {SUPPORTED}. [{tabular}]"
    )
    for answer in answers:  # the model's own markers, not the verifier's
        assert answer.generated is not None
        assert [s.markers for s in answer.generated.sentences] == [(tabular,), (tabular,)]
        assert not any(c.attributed for c in answer.citations)


def test_the_context_budget_counts_the_prompt_as_the_chat_template_renders_it(
    generator: LlamaModel, assistant: Assistant
) -> None:
    """A byte-level vocabulary spends a token a character of the template's markup: counted
    as completion text, a full prompt left no room for the answer and llama.cpp failed
    mid-answer ("failed to find a memory slot")."""
    from rag.answer import prompt as prompts
    from rag.answer.llm import LLMAnswerer

    settings = GenerationSettings(mode="llm", max_answer_tokens=48, n_ctx=2048)
    kept = LLMAnswerer(generator, settings).passages(QUESTION, assistant.retrieve(QUESTION))
    request = prompts.answer_prompt(QUESTION, kept)
    counted = generator.prompt_tokens(request)
    assert counted > generator.count_tokens(request.completion()) + settings.template_slack
    assert counted + settings.max_answer_tokens <= generator.n_ctx
    list(generator.stream(request, max_tokens=1, temperature=0.0))
    assert generator.llm.n_tokens - 1 <= counted  # what llama.cpp read: the count, or less


def test_warm_up_reads_the_answer_prompts_opening_that_questions_then_reuse(
    corpus_index: Path, tiny_gguf: Path
) -> None:
    """The opening read at start-up is the one each question's prompt starts from: asking
    adds no second one. (Its own context, another n_ctx, so nothing was kept before.)"""
    settings = Settings(generation=GenerationSettings(model_path=tiny_gguf, n_ctx=5120))
    assistant = Assistant.open(corpus_index, settings)
    model = assistant.generator
    assert isinstance(model, LlamaModel)
    assistant.warm_up()
    openings = model._loaded.kept["openings"]
    assert len(openings) == 1
    assistant.ask(QUESTION, mode="llm")
    assert len(openings) == 1
