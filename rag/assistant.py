"""The assistant: a question in, a cited answer out, or an honest abstention.

It only wires the components of the answer stage, each built once from `Settings`:
follow-up rewriting (question/) -> retrieval (retrieval/) -> the evidence gate and near misses
(question/) -> an answerer, extractive or LLM (answer/) -> verification of every claim against
the passages it cites (verification/) -> for a model's answer, the gate: one that too little
of the passages supports is replaced by the extractive answer.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import index
from index import Index
from modelhome import CrossEncoderModel, find, find_llm, llm_missing_message

from .answer.answerer import AnswerMode, Draft
from .answer.citations import clean
from .answer.extractive import ExtractiveAnswerer
from .answer.llm import LLMAnswerer, declines
from .answer.prompt import EXAMPLE
from .answer.windows import best_sentences
from .errors import ModelMissingError, QuestionError
from .models import TextModel, open_text_model
from .question.asks import KIND_NAMES, asks
from .question.followup import FollowupRewriter, Message
from .question.gate import EvidenceGate
from .question.language import Language, LanguageCheck
from .question.named import Pins
from .records import Answer, Generated, Hit, Mode
from .response import Response
from .retrieval.retriever import Reranker, Retriever
from .settings import AskMode, Settings
from .verification.judges import make_judge
from .verification.streaming import Released, SentenceGate
from .verification.verify import Verdict, passes, verify

ABSTAIN_NO_EVIDENCE = (
    "I can't answer that from your documents: nothing in them is relevant enough to the question."
)
ABSTAIN_DECLINED = "I can't answer that from your documents: the passages found don't answer it."
NO_DOCUMENTS = (
    "No documents are indexed yet, so there is nothing to answer from. Add some in the "
    "Documents tab, or run: rag index build PATH"
)


class Assistant:
    """Ask questions of an index. Create with `Assistant.open()`; `warm_up()` loads the models
    now instead of on the first question. Safe to share between threads."""

    def __init__(
        self,
        idx: Index,
        settings: Settings | None = None,
        generator: TextModel | None = None,
        retriever: Retriever | None = None,
    ) -> None:
        self.index = idx
        self.settings = settings = settings or Settings()
        self.generator = generator
        self._retriever = retriever or Retriever(idx, settings.retrieval, _reranker(settings))
        self.judge = make_judge(settings.verification.judge, settings.verification, generator)
        self._gate = EvidenceGate(settings.abstention)
        self._language = LanguageCheck(idx.manifest.embedding_model)
        self._rewriter = FollowupRewriter(settings.followup, self._answerable)
        self._extractive = ExtractiveAnswerer(
            idx.embedder,
            settings.extractive,
            llm_installed=generator is not None,
            query_vector=self._retriever.query_vector,
        )
        self._llm = LLMAnswerer(generator, settings.generation) if generator else None
        self._pins = Pins(idx)

    @classmethod
    def open(
        cls,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        *,
        generator: TextModel | None = None,
    ) -> Assistant:
        """Open the index (built with `rag index build`) and find the LLM, if there is one.

        Raises `index.IndexNotFoundError` when there is no index yet, and `ModelMissingError`
        when settings ask for the LLM and no GGUF is installed.
        """
        settings = settings or Settings()
        idx = index.open(index_dir, settings.index)
        gen = settings.generation
        if generator is None and gen.mode != "extractive":
            path = find_llm(gen.model_path)
            if path is not None:
                generator = open_text_model(path, gen)
            elif gen.mode == "llm":
                raise ModelMissingError(llm_missing_message())
        return cls(idx, settings, generator)

    def with_generation(self, **changes: object) -> Assistant:
        """The same assistant (index, retriever, judge and their caches, model) with other
        generation settings, e.g. `with_generation(temperature=0.7)` for one request."""
        generation = self.settings.generation.model_copy(update=changes)
        other = copy.copy(self)
        other.settings = self.settings.model_copy(update={"generation": generation})
        if self.generator is not None:
            other._llm = LLMAnswerer(self.generator, generation)
        return other

    def warm_up(self) -> None:
        """Load every model the assistant will use (the encoder is run once: its first call
        is slow), and encode the sentences of a small collection's passages, so the first
        questions are as fast as the rest."""
        self.index.embedder.encode(["warm up"])
        self._retriever.warm_up()
        self._extractive.warm_up(self.index.chunks())
        self._language.unserved("warm up")  # loads the language identifier, if it is used
        warm_judge = getattr(self.judge, "warm_up", None)  # a judge with a model to load
        if warm_judge is not None:
            warm_judge()
        if self._llm is not None:
            self._llm.generator.load()
            self._llm.warm_up()

    @property
    def llm_available(self) -> bool:
        return self.generator is not None

    @property
    def mode(self) -> AnswerMode:
        """How questions are answered with the settings' mode: the one place it is decided."""
        return self.resolve_mode(None)

    def resolve_mode(self, requested: AskMode | None) -> AnswerMode:
        """The answerer a request gets: `requested`, else the settings' mode; "auto" is the
        LLM when one is installed. Asking for the LLM without one is `ModelMissingError`."""
        wanted = requested or self.settings.generation.mode
        if wanted == "llm" and self.generator is None:
            raise ModelMissingError(llm_missing_message())
        return "llm" if wanted != "extractive" and self.generator is not None else "extractive"

    def _answerable(self, question: str) -> bool:
        """Do the passages `question` retrieves hold enough evidence to answer it?"""
        return self._gate.admits(question, self._retriever.retrieve(question))

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        return self._retriever.retrieve(self.check_question(question), k)

    def ask(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        *,
        mode: AskMode | None = None,
        k: int | None = None,
    ) -> Answer:
        """Answer `question`; `history` is the conversation so far as role/content messages."""
        return self.ask_stream(question, history, mode=mode, k=k).answer

    def ask_stream(
        self,
        question: str,
        history: Sequence[Message] | None = None,
        *,
        mode: AskMode | None = None,
        k: int | None = None,
    ) -> Response:
        """A `Response`: iterate it for text deltas as the answer is produced, then read its
        `.answer`. A bad question or mode raises here, before anything streams."""
        question = self.check_question(question)
        answerer = self.resolve_mode(mode)
        return Response(self._answer(question, _checked(history), answerer, k))

    def _answer(
        self, question: str, history: Sequence[Message], answerer: AnswerMode, k: int | None
    ) -> Generator[str, None, Answer]:
        laps = _Laps()
        llm = self.generator if answerer == "llm" else None
        standalone = self._rewriter.standalone(question, history, llm)
        hits = self._retriever.retrieve(standalone, k)
        laps.lap("retrieve_ms")
        said = _last_answer(history) if standalone != question else ""
        # The user's own words: a question in a language the index's model cannot read.
        language = self._language.unserved(question)
        answer = yield from self._answer_from(standalone, hits, said, answerer, laps, language)
        if language is not None and answer.text != self._language.declined(language):
            # Found anyway: the reader should know what the search could not read.
            notices = (self._language.notice(language), answer.notice)
            answer = replace(answer, notice=" ".join(filter(None, notices)))
        return replace(answer, question=standalone, timings=laps.finish())

    def _answer_from(
        self,
        question: str,
        hits: list[Hit],
        said: str,
        answerer: AnswerMode,
        laps: _Laps,
        language: Language | None = None,
    ) -> Generator[str, None, Answer]:
        """The answer to a standalone `question` from its `hits`: declined when they hold too
        little (saying so when the question's `language` is one the index cannot read),
        quoted when they miss what it asks for, else the answerer's, verified."""
        if not hits and not len(self.index):  # a web-only start, before the first upload
            yield NO_DOCUMENTS
            return Answer(NO_DOCUMENTS, "abstained")
        if not self._gate.admits(question, hits):
            text = ABSTAIN_NO_EVIDENCE if language is None else self._language.declined(language)
            yield text
            return Answer(text, "abstained", hits=tuple(hits))
        # Near misses: the passages are on the question's topic, but never mention a year,
        # code or name it gives, or hold no figure, date or name of the kind it asks for.
        # What they do say is quoted, as an abstention: a model given these passages would
        # have to make the missing thing up, and a quote alone would answer another question.
        notice = self._near_miss(question, hits)
        if notice:
            lead = f"{notice} What they do say: "
            yield lead
            near = yield from self._quotes_instead(question, hits, said, notice, laps, "abstained")
            return replace(near, text=lead + near.text)
        if answerer == "llm":
            assert self._llm is not None  # resolve_mode gives "llm" only with a model
            return (yield from self._written(self._llm, question, hits, said, laps))
        draft = yield from self._extractive.draft(question, hits, said)
        laps.lap("answer_ms")
        return _from_draft(draft, verify(draft.claims, draft.hits, self.judge), "extractive")

    def _near_miss(self, question: str, hits: Sequence[Hit]) -> str:
        """What the documents lack, said as the reply opens, when `question` is a near miss;
        "" otherwise."""
        asked = asks(question)
        if asked.kind is not None and not self._extractive.gives_asked(question, hits):
            return f"Your documents don't give the {KIND_NAMES[asked.kind]} you ask for."
        quotes = self._extractive.best_sentences(question, hits)
        return self._pins.notice(
            question, [(hits[q.hit].chunk.document_id, q.text) for q in quotes]
        )

    def _written(
        self, llm: LLMAnswerer, question: str, hits: list[Hit], said: str, laps: _Laps
    ) -> Generator[str, None, Answer]:
        """The model's answer, released sentence by sentence as each is verified; when too
        little of it is supported, a notice saying what happened and quotes follow."""
        best = best_sentences(self._extractive.scored(question, hits))
        kept = llm.passages(question, hits, best)
        gate = SentenceGate(
            kept,
            self.judge,
            mark_unsupported=self.settings.verification.unsupported == "mark",
            example=EXAMPLE[1],
        )
        released = yield from gate.stream(llm.write(question, kept))
        laps.lap("generate_ms")
        if declines(clean(released.raw)) and not released.shown_sentences:
            # An honest "not in the documents" passes the gate.
            generated = _generated(released, True, laps.timings["generate_ms"])
            return Answer(ABSTAIN_DECLINED, "abstained", hits=kept, generated=generated)
        passed = passes(released.verdict, self.judge.min_supported, question)
        generated = _generated(released, passed, laps.timings["generate_ms"])
        if passed:
            verdict = released.verdict
            return Answer(
                text=released.text,
                mode="llm",
                citations=verdict.citations,
                hits=kept,
                unsupported=verdict.unsupported,
                dropped_markers=released.dropped_markers,
                generated=generated,
            )
        # Too little of it is supported: what was released stays (each sentence was checked),
        # and the stream says so before the quotes follow.
        notice = failed_notice(released)
        yield ("\n\n" if released.text else "") + f"⚠ {notice}\n\n"
        quotes = yield from self._quotes_instead(question, hits, said, notice, laps, "extractive")
        return replace(quotes, generated=generated)

    def _quotes_instead(
        self,
        question: str,
        hits: list[Hit],
        said: str,
        notice: str,
        laps: _Laps,
        mode: Mode,
    ) -> Generator[str, None, Answer]:
        """Answer with quotes from the passages instead, verified, saying why (`notice`)."""
        quotes = yield from self._extractive.draft(question, hits, said)
        laps.lap("answer_ms" if mode == "abstained" else "fallback_ms")
        checked = verify(quotes.claims, quotes.hits, self.judge)
        return replace(_from_draft(quotes, checked, mode), notice=notice)

    def check_question(self, question: str) -> str:
        """The question stripped, or `QuestionError` when it is empty or too long."""
        question = question.strip()
        if not question:
            raise QuestionError("The question is empty.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"The question is {len(question)} characters long; the limit is {limit}. "
                "Ask something shorter."
            )
        return question


class _Laps:
    """Milliseconds per step of one answer, and the total."""

    def __init__(self) -> None:
        self.started = self.tick = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = (now - self.tick) * 1000
        self.tick = now

    def finish(self) -> dict[str, float]:
        self.timings["total_ms"] = (time.perf_counter() - self.started) * 1000
        return self.timings


def _checked(history: Sequence[Message] | None) -> Sequence[Message]:
    """The history as given, or `QuestionError` saying its format when it is not one."""
    for message in history or ():
        if not (
            isinstance(message, Mapping)
            and isinstance(message.get("role"), str)
            and isinstance(message.get("content"), str)
        ):
            raise QuestionError(
                "The history is a list of messages, oldest first, each like "
                "{'role': 'user', 'content': 'the question'} or {'role': 'assistant', "
                f"'content': 'the answer'}}; got {message!r:.80}."
            )
    return history or ()


def _last_answer(history: Sequence[Message]) -> str:
    return next((m["content"] for m in reversed(history) if m.get("role") == "assistant"), "")


def _from_draft(draft: Draft, verdict: Verdict, mode: Mode) -> Answer:
    return Answer(
        text=draft.text,
        mode=mode,
        citations=verdict.citations,
        hits=draft.hits,
        unsupported=verdict.unsupported,
        notice=draft.notice,
    )


def failed_notice(released: Released) -> str:
    """Why a model's answer is not shown as one, as it happened."""
    checks = released.verdict.checks
    shown = sum(c.shown for c in checks)
    if not checks:
        why = "it wrote no sentence that could be checked" + (
            " (it stopped mid-sentence)" if released.cut else ""
        )
    elif not any(c.markers for c in checks) and not shown:
        why = "it cited no passage, and no passage supports what it wrote"
    elif not shown:
        why = f"none of its {len(checks)} sentences is supported by the passages"
    else:
        why = f"only {shown} of its {len(checks)} sentences are supported by the passages"
    return f"The model's answer failed verification ({why}), so these are quotes from the passages."


def _generated(released: Released, passed: bool, milliseconds: float) -> Generated:
    return Generated(
        raw=released.raw,
        sentences=released.verdict.checks,
        markers=released.markers,
        invalid_markers=released.dropped_markers,
        passed=passed,
        tokens=released.pieces,
        seconds=milliseconds / 1000,
        shown=released.text,
        cut=released.cut,
        echoed=released.echoed,
    )


def _reranker(settings: Settings) -> Reranker | None:
    """A cross-encoder reranker when models.txt names one and it is installed."""
    if not settings.retrieval.rerank:
        return None
    path = find("reranker")
    if path is None:
        return None
    return CrossEncoderModel(path)
