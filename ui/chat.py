"""The chat's handlers: a question streamed into an answer with its source cards, and the
`/ask` API. A session's turns live in its own gr.State, never in shared objects."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, cast

import gradio as gr

from index import IndexStageError
from modelhome import ModelError
from rag import QuestionError, RagError
from rag.settings import AskMode

from . import render
from .service import AssistantService

log = logging.getLogger(__name__)

# question, answer (plain text with [n]), display (markdown), and for the sources panel: mode,
# notice, cards (HTML)
Turn = dict[str, str]


def as_messages(turns: list[Turn], answer: str) -> list[dict[str, str]]:
    """Chat messages of the turns, with the answer field `answer` ("display" for the chatbot,
    "answer" for the assistant's history)."""
    out = []
    for turn in turns:
        question = (
            render.plain_markdown(turn["question"]) if answer == "display" else turn["question"]
        )
        out += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": turn[answer]},
        ]
    return out


def all_sources(turns: list[Turn]) -> str:
    """Every turn's sources under its question, newest first: a [n] in an earlier answer still
    has its card. A notice is shown once, on the newest of the turns in a row that share it."""
    sections = []
    newer = ""
    for number in range(len(turns), 0, -1):
        turn = turns[number - 1]
        if not turn.get("mode"):
            continue  # a turn that failed has no sources
        sections.append(
            render.source_section(
                turn["question"],
                turn["mode"],
                turn["notice"],
                turn["cards"],
                number,
                show_notice=turn["notice"] != newer,
            )
        )
        newer = turn["notice"]
    return "".join(sections)


def shortened(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class Chat:
    """Handlers of the chat panel, over the app's shared service."""

    def __init__(self, service: AssistantService) -> None:
        self.service = service

    def respond(
        self, question: str, turns: list[Turn] | None, k: float, mode: str, temperature: float
    ) -> Iterator[tuple[Any, ...]]:
        """Yields (chat messages, source cards, question box, turns) as the answer streams."""
        turns = list(turns or [])
        try:
            question = self.service.assistant.check_question(question or "")
        except QuestionError as exc:
            yield self._refused(question, turns, exc)
            return
        number = len(turns) + 1
        turn: Turn = {"question": question, "answer": "", "display": ""}
        try:
            stream = self.service.ask_stream(
                question,
                as_messages(turns, "answer"),
                k=int(k),
                mode=cast(AskMode, mode),  # the radio offers only valid modes
                temperature=temperature,
            )
            for delta in stream:
                turn["display"] += render.plain_markdown(delta)
                yield as_messages([*turns, turn], "display"), gr.skip(), "", turns
            answer = stream.answer
            turn.update(
                answer=answer.text,
                display=render.answer_markdown(answer, number),
                mode=answer.mode,
                notice=answer.notice,
                cards=render.source_cards(answer, number, self.service.document),
            )
        except (RagError, IndexStageError, ModelError) as exc:
            turn.update(answer=str(exc), display=f"⚠️ {exc}")
        turns = [*turns, turn]
        yield as_messages(turns, "display"), all_sources(turns), "", turns

    @staticmethod
    def _refused(question: str | None, turns: list[Turn], exc: QuestionError) -> tuple[Any, ...]:
        """Refused before anything is answered: shown once, never part of the history, and
        the text stays in the box to be shortened."""
        shown = as_messages(turns, "display")
        if (question or "").strip():
            shown += [
                {"role": "user", "content": render.plain_markdown(shortened(question or ""))},
                {"role": "assistant", "content": f"⚠️ {exc}"},
            ]
        else:
            gr.Warning("Type a question first.")
        return shown, gr.skip(), gr.skip(), turns

    def ask_api(self, question: str | None) -> dict[str, Any]:
        """Answer a question; returns the answer as JSON (Answer.to_dict())."""
        try:
            return self.service.ask(question or "").to_dict()
        except (RagError, IndexStageError, ModelError) as exc:
            # An expected refusal with its own message: one log line, not a traceback.
            log.info("/ask refused: %s", exc)
            raise gr.Error(str(exc), print_exception=False) from exc
