"""`Response`: iterate for deltas, then read `.answer`; reading it first runs the stream."""

from collections.abc import Generator

from rag import Answer, Response


def _stream(parts: list[str], log: list[str]) -> Generator[str, None, Answer]:
    for part in parts:
        log.append(part)
        yield part
    return Answer("".join(parts).upper(), "extractive")


def test_iterate_then_read_the_answer() -> None:
    log: list[str] = []
    response = Response(_stream(["a", "b"], log))
    assert list(response) == ["a", "b"]
    assert response.answer.text == "AB" and response.text() == "AB"
    assert list(response) == []  # a finished stream yields nothing more


def test_reading_the_answer_first_runs_the_stream_to_its_end() -> None:
    log: list[str] = []
    response = Response(_stream(["a", "b", "c"], log))
    assert log == []  # nothing runs until asked
    assert response.answer.text == "ABC" and log == ["a", "b", "c"]


def test_a_half_read_stream_finishes_when_the_answer_is_read() -> None:
    log: list[str] = []
    response = Response(_stream(["a", "b", "c"], log))
    first = next(iter(response))
    assert first == "a" and response.answer.text == "ABC" and log == ["a", "b", "c"]
