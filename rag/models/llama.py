"""Local generation with llama.cpp (llama-cpp-python) from a GGUF file.

A request is a `Prompt`; how it is put to the model is decided in one place,
`LlamaModel.stream`: a model whose GGUF carries a chat template gets chat messages, a base
model without one gets the same request as a completion text that ends in a cue ("Answer:")
and stops at the stop sequences. (Given messages, llama-cpp-python would fall back to a chat
format the base model never saw, and it then repeats the prompt's markup.)
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from modelhome import loading

from .text_model import Prompt


class LlamaModel:
    """A GGUF model run by llama.cpp, loaded by the model home (once per process for the same
    file and settings). It follows llama.cpp grammars (GBNF).

    One llama.cpp context is not safe to share between threads: calls are serialised, with the
    lock the model home hands out with the model, so two `LlamaModel`s of one file share it.
    """

    grammars = True

    def __init__(
        self, path: Path, *, n_ctx: int = 4096, n_threads: int | None = None, seed: int = 0
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._seed = seed

    @functools.cached_property
    def _loaded(self) -> loading.LoadedLlama:
        return loading.llama(
            self.path, n_ctx=self._n_ctx, n_threads=self._n_threads, seed=self._seed
        )

    @property
    def llm(self) -> Any:
        return self._loaded.llm

    def load(self) -> None:
        """Load the weights now rather than on the first question."""
        self.llm  # noqa: B018 - the property loads them

    @property
    def n_ctx(self) -> int:
        return int(self.llm.n_ctx())

    @property
    def chat_template(self) -> str | None:
        """The GGUF's own chat template; None for a base model."""
        template = self.llm.metadata.get("tokenizer.chat_template")
        return str(template) if template else None

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True))

    def prompt_tokens(self, prompt: Prompt) -> int:
        """Tokens the model reads for `prompt`, in the form `stream` puts it: the chat
        template's rendering of its messages, or the completion text. A template's markup is
        a few tokens for a real vocabulary, but a byte-level one spends a token a character:
        counted as completion text, a prompt that left room for the answer overflowed the
        context mid-answer ("failed to find a memory slot")."""
        if self.chat_template is None:
            return self.count_tokens(prompt.completion())
        return self.count_tokens(self._chat_text(prompt))

    @functools.cached_property
    def _formatter(self) -> Any:
        """The formatter llama-cpp-python builds from a GGUF's template (Llama.__init__):
        made once, as the context budget renders a prompt for every passage it tries."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llm = self.llm
        eos, bos = llm.token_eos(), llm.token_bos()
        return Jinja2ChatFormatter(
            template=str(self.chat_template),
            eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
        )

    def _chat_text(self, prompt: Prompt) -> str:
        return str(self._formatter(messages=prompt.messages()).prompt)

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        """The reply to `prompt`, as text deltas. Chat and base models get the same sampling:
        the prompt's stop sequences, repeat penalty and grammar."""
        sampling: dict[str, Any] = {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": self._seed,
            "stop": list(prompt.stop) or None,
            "repeat_penalty": prompt.repeat_penalty,
            "grammar": _grammar(prompt.grammar) if prompt.grammar else None,
        }
        with self._loaded.lock:
            # Evaluate every prompt from its start: llama-cpp-python would reuse the cached
            # prefix of the last one, and a prompt evaluated in other batches gets slightly
            # other logits, enough for a small model to write another answer to the same
            # question. (RAG prompts share little more than the instructions anyway.)
            self.llm.reset()
            if self.chat_template is not None:
                chat = self.llm.create_chat_completion(
                    messages=prompt.messages(), stream=True, **sampling
                )
                for part in chat:
                    delta = part["choices"][0]["delta"].get("content")
                    if delta:
                        yield delta
                return
            completion = self.llm.create_completion(prompt.completion(), stream=True, **sampling)
            for part in completion:
                text = part["choices"][0]["text"]
                if text:
                    yield text


@functools.lru_cache(maxsize=64)
def _grammar(gbnf: str) -> Any:
    """A parsed grammar; the same passages count gives the same text, parsed once."""
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(gbnf, verbose=False)
