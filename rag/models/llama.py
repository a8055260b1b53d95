"""Local generation with llama.cpp (llama-cpp-python) from a GGUF file.

A request is a `Prompt`; how it is put to the model is decided in one place,
`LlamaModel.stream`: a model whose GGUF carries a chat template gets chat messages, a base
model without one gets the same request as a completion text that ends in a cue ("Answer:")
and stops at the stop sequences. (Given messages, llama-cpp-python would fall back to a chat
format the base model never saw, and it then repeats the prompt's markup.)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from modelhome import loading

from .prefix_cache import PrefixStates, common_opening
from .text_model import Prompt


class LlamaModel:
    """A GGUF model run by llama.cpp, loaded by the model home (once per process for the same
    file and settings). It follows llama.cpp grammars (GBNF).

    One llama.cpp context is not safe to share between threads: calls are serialised, with the
    lock the model home hands out with the model, so two `LlamaModel`s of one file share it.
    """

    grammars = True

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        seed: int = 0,
        keep_opening: bool = True,
        n_batch: int = 512,
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._n_ctx = n_ctx
        # llama-cpp-python's default is half the CPUs, for hyper-threads; on 2 cores that
        # leaves one idle and generates 14.5 tokens a second, not 18.5 (benchmarks/llm_latency).
        self._n_threads = n_threads or usable_cpus()
        self._seed = seed
        self._keep_opening = keep_opening
        self._n_batch = n_batch

    @functools.cached_property
    def _loaded(self) -> loading.LoadedLlama:
        return loading.llama(
            self.path,
            n_ctx=self._n_ctx,
            n_threads=self._n_threads,
            seed=self._seed,
            n_batch=self._n_batch,
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

    def _tokens(self, prompt: Prompt) -> tuple[list[int], list[int], list[str]]:
        """The tokens the model reads for `prompt`, those of its fixed opening (everything
        before the request), and the stop strings: rendered as llama-cpp-python's chat handler
        renders a GGUF's template (BOS as the template writes it), or as completion text."""
        if self.chat_template is None:
            text, stop, bos = prompt.completion(), [], True
        else:
            rendered = self._formatter(messages=prompt.messages())
            text, bos = str(rendered.prompt), not rendered.added_special
            stop = [rendered.stop] if isinstance(rendered.stop, str) else list(rendered.stop or [])
        opening = text[: text.rfind(prompt.request)]

        def tokenize(part: str) -> list[int]:
            return list(self.llm.tokenize(part.encode("utf-8"), add_bos=bos, special=True))

        return tokenize(text), tokenize(opening), [*prompt.stop, *stop]

    def stream(self, prompt: Prompt, *, max_tokens: int, temperature: float) -> Iterator[str]:
        """The reply to `prompt`, as text deltas. Chat and base models get the same sampling:
        the prompt's stop sequences, repeat penalty and grammar."""
        sampling: dict[str, Any] = {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": self._seed,
            "repeat_penalty": prompt.repeat_penalty,
            "grammar": _grammar(prompt.grammar) if prompt.grammar else None,
        }
        with self._loaded.lock:
            tokens, stop = self._start(prompt)
            completion = self.llm.create_completion(
                tokens, stream=True, stop=stop or None, **sampling
            )
            for part in completion:
                text = part["choices"][0]["text"]
                if text:
                    yield text

    def keep_opening(self, prompt: Prompt) -> None:
        """Read `prompt`'s opening now and keep its cells, writing nothing (a warm-up)."""
        if not self._keep_opening:
            return
        with self._loaded.lock:
            self._start(prompt)

    def _start(self, prompt: Prompt) -> tuple[list[int], list[str]]:
        """Leave the context ready to read `prompt`, and give its tokens and stop strings.
        Every prompt is read the same way whatever came before it: its opening from saved
        cells (read alone, from position 0) or, without them, the whole prompt from its start
        (see prefix_cache.py for why the difference matters). Under the model's lock."""
        tokens, opening, stop = self._tokens(prompt)
        if self._keep_opening:
            self._openings.start(self.llm, common_opening(tokens, opening))
        else:
            self.llm.reset()
        return tokens, stop

    @property
    def _openings(self) -> PrefixStates:
        # Kept with the loaded model: every LlamaModel of one file shares its context.
        return self._loaded.kept.setdefault("openings", PrefixStates())  # type: ignore[no-any-return]


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.lru_cache(maxsize=64)
def _grammar(gbnf: str) -> Any:
    """A parsed grammar; the same passages count gives the same text, parsed once."""
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(gbnf, verbose=False)
