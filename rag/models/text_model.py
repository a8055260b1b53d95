"""What a language model is to the rest of the assistant: a `Prompt` in, text deltas out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Prompt:
    """One request to a language model, in a form either kind of model can take."""

    instructions: str  # the system message; the opening paragraph of a completion prompt
    request: str  # the user's turn: passages, question...
    example: tuple[str, str] | None = None  # one worked (request, reply) shown first
    cue: str = "Answer:"  # what a completion prompt ends with; the reply follows it
    stop: tuple[str, ...] = ()  # where a reply ends besides the model's own end token
    # A GBNF grammar the reply must follow (llama.cpp's notation); None: free text. Only a
    # model that declares `grammars` is given one.
    grammar: str | None = None
    repeat_penalty: float = 1.0  # > 1 discourages repeating earlier tokens

    def messages(self) -> list[dict[str, str]]:
        out = [{"role": "system", "content": self.instructions}]
        if self.example is not None:
            out += [
                {"role": "user", "content": self.example[0]},
                {"role": "assistant", "content": self.example[1]},
            ]
        return [*out, {"role": "user", "content": self.request}]

    def completion(self) -> str:
        shown = f"{self.example[0]}\n{self.cue} {self.example[1]}\n\n" if self.example else ""
        return f"{self.instructions}\n\n{shown}{self.request}\n{self.cue}"


class TextModel(Protocol):
    """What the answer stage needs from a language model: a backend (llama.cpp's
    `LlamaModel`), registered by name in backends.py; a test may bring its own. A backend
    that keeps a prompt's fixed opening between calls may also offer
    `keep_opening(prompt)`, which reads it ahead of the first question (a warm-up)."""

    name: str
    grammars: bool  # follows `Prompt.grammar`; a backend that cannot is given none

    def load(self) -> None:
        """Load the weights now rather than on the first question."""
        ...

    @property
    def n_ctx(self) -> int: ...

    def prompt_tokens(self, prompt: Prompt) -> int:
        """Tokens the model reads for `prompt`, in the form it takes it."""
        ...

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        """Text deltas of the model's reply to `prompt`."""
        ...
