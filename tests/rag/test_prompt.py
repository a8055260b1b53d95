from dataclasses import replace

from index import Chunk
from rag.prompt import SYSTEM, fit, user_message
from rag.records import Hit

TEXT = "First sentence here. Second one follows. Third is last."


def _hit(text: str, start: int = 100) -> Hit:
    return Hit(Chunk(1, "doc", text, start, start + len(text)), "a.txt", 1.0)


def test_fit_keeps_leading_passages_within_the_budget() -> None:
    hits = [_hit(TEXT), replace(_hit(TEXT * 5), chunk=Chunk(2, "doc", TEXT * 5, 0, 275))]
    fixed = len(SYSTEM + "\n" + user_message("q?", []))
    assert fit("q?", hits, len, fixed + 200) == hits[:1]
    assert fit("q?", hits, len, fixed + 10_000) == hits


def test_a_first_passage_too_long_is_cut_at_a_sentence_with_exact_offsets() -> None:
    fixed = len(SYSTEM + "\n" + user_message("q?", [_hit("")]))
    [trimmed] = fit(
        "q?", [_hit(TEXT)], len, fixed + len("First sentence here. Second one follows.")
    )
    assert trimmed.chunk.text == "First sentence here. Second one follows."
    assert (trimmed.chunk.start, trimmed.chunk.end) == (100, 100 + len(trimmed.chunk.text))
    assert fit("q?", [_hit(TEXT)], len, fixed // 2) == []
