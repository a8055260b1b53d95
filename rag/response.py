"""A streamed answer: iterate it for text deltas, then read `.answer` (the shape of simonw/llm's
`Response`). Reading `.answer` first runs the stream to its end."""

from __future__ import annotations

from collections.abc import Generator, Iterator

from .records import Answer


class Response(Iterator[str]):
    """One answer being produced: an iterator of text deltas. The final answer's text is the
    checked one (markers that point at no passage removed), which may differ from their sum.
    Not shared between threads: each request makes its own."""

    def __init__(self, stream: Generator[str, None, Answer]) -> None:
        self._stream = stream
        self._answer: Answer | None = None

    def __next__(self) -> str:
        if self._answer is not None:
            raise StopIteration
        try:
            return next(self._stream)
        except StopIteration as done:
            self._answer = done.value
            raise

    @property
    def answer(self) -> Answer:
        for _ in self:
            pass
        assert self._answer is not None  # a finished stream always returns its Answer
        return self._answer

    def text(self) -> str:
        return self.answer.text
