"""What a model reads of a passage: whole sentences around its best one, offsets exact."""

from __future__ import annotations

from index import Chunk
from rag.answer.windows import windows
from rag.records import Hit

DOCUMENT = (
    "Preface line that opens the file. "
    "The first sentence is about weather. The second one talks about rivers. "
    "The answer is that owls hunt at night. Then comes a sentence on mice. "
    "A last one closes the passage on trees."
)
START = len("Preface line that opens the file. ")


def _hit(text_start: int = START) -> Hit:
    text = DOCUMENT[text_start:]
    return Hit(Chunk(1, "doc", text, text_start, len(DOCUMENT)), "doc.txt", 1.0)


def _span(sentence: str) -> tuple[int, int]:
    start = DOCUMENT.index(sentence)
    return start, start + len(sentence)


def test_a_window_holds_the_best_sentence_and_its_neighbours_with_exact_offsets() -> None:
    best = {0: _span("The answer is that owls hunt at night.")}
    (cut,) = windows([_hit()], best, count=3, chars=110)
    chunk = cut.chunk
    assert DOCUMENT[chunk.start : chunk.end] == chunk.text
    assert "owls hunt at night." in chunk.text and len(chunk.text) <= 110
    # Grown a sentence at a time, the one after first: whole sentences only.
    assert chunk.text == (
        "The second one talks about rivers. The answer is that owls hunt at night. "
        "Then comes a sentence on mice."
    )


def test_a_passage_without_a_best_sentence_gives_its_opening() -> None:
    (cut,) = windows([_hit()], {}, count=3, chars=80)
    assert cut.chunk.text == (
        "The first sentence is about weather. The second one talks about rivers."
    )
    assert cut.chunk.start == START


def test_a_short_passage_is_kept_whole_and_a_long_sentence_is_not_cut() -> None:
    hit = _hit()
    assert windows([hit], {}, count=3, chars=10_000) == [hit]
    best = {0: _span("The answer is that owls hunt at night.")}
    (cut,) = windows([hit], best, count=3, chars=5)
    assert cut.chunk.text == "The answer is that owls hunt at night."


def test_only_the_first_passages_are_read() -> None:
    hits = [_hit(), _hit(), _hit(), _hit()]
    assert len(windows(hits, {}, count=3, chars=80)) == 3
