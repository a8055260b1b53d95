from dataclasses import replace

from index import Chunk
from rag.answer.prompt import answer_prompt, fit
from rag.models.text_model import Prompt
from rag.records import Hit

TEXT = "First sentence here. Second one follows. Third is last."


def _hit(text: str, start: int = 100) -> Hit:
    return Hit(Chunk(1, "doc", text, start, start + len(text)), "a.txt", 1.0)


def _characters(prompt: Prompt) -> int:
    """A tokenizer of one token a character, of the completion text."""
    return len(prompt.completion())


def test_fit_keeps_leading_passages_within_the_budget() -> None:
    hits = [_hit(TEXT), replace(_hit(TEXT * 5), chunk=Chunk(2, "doc", TEXT * 5, 0, 275))]
    fixed = len(answer_prompt("q?", []).completion())
    assert fit("q?", hits, _characters, fixed + 200) == hits[:1]
    assert fit("q?", hits, _characters, fixed + 10_000) == hits


def test_a_first_passage_too_long_is_cut_at_a_sentence_with_exact_offsets() -> None:
    fixed = len(answer_prompt("q?", [_hit("")]).completion())
    [trimmed] = fit(
        "q?", [_hit(TEXT)], _characters, fixed + len("First sentence here. Second one follows.")
    )
    assert trimmed.chunk.text == "First sentence here. Second one follows."
    assert (trimmed.chunk.start, trimmed.chunk.end) == (100, 100 + len(trimmed.chunk.text))
    assert fit("q?", [_hit(TEXT)], _characters, fixed // 2) == []


def test_one_request_reads_as_chat_turns_or_as_a_completion_text() -> None:
    prompt = answer_prompt("Why?", [_hit(TEXT)])
    roles = [m["role"] for m in prompt.messages()]
    assert roles == ["system", "user", "assistant", "user"]  # rules, worked example, request
    assert prompt.messages()[-1]["content"].endswith("Question: Why?")
    # A base model sees the same parts as one text that ends where its answer should begin.
    text = prompt.completion()
    assert text.startswith(prompt.instructions)
    assert text.index(prompt.example[1]) < text.index(TEXT)  # type: ignore[index]
    assert text.endswith("Question: Why?\nAnswer:")
    assert "\nQuestion:" in prompt.stop and "\n\n" in prompt.stop
