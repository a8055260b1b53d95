"""`rag ask` and `rag chat`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..assistant import Assistant
from ..errors import QuestionError
from ..records import Answer
from ..settings import GenerationSettings, RetrievalSettings, Settings
from .options import add_index_dir


def _common(parser: argparse.ArgumentParser) -> None:
    add_index_dir(parser)
    parser.add_argument(
        "--mode",
        choices=["auto", "llm", "extractive"],
        default="auto",
        help="auto: the LLM if installed, else extractive (default)",
    )
    parser.add_argument("--k", type=int, default=5, help="passages to retrieve (default 5)")
    parser.add_argument("--model", type=Path, help="a GGUF file to answer with")
    parser.add_argument("--temperature", type=float, default=0.0)


def register(commands: Any) -> None:
    ask = commands.add_parser("ask", help="ask one question of your documents")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _common(ask)
    ask.set_defaults(run=_ask)

    chat = commands.add_parser("chat", help="an interactive session with follow-up questions")
    _common(chat)
    chat.set_defaults(run=_chat)


def _open(args: argparse.Namespace) -> Assistant:
    settings = Settings(
        retrieval=RetrievalSettings(k=args.k),
        generation=GenerationSettings(
            mode=args.mode, model_path=args.model, temperature=args.temperature
        ),
    )
    return Assistant.open(args.index_dir, settings)


def print_answer(answer: Answer, *, streamed: bool) -> None:
    if not streamed:
        print(answer.text)
    elif answer.mode == "llm":
        print()  # the streamed text ended the line without a newline
        if answer.dropped_markers:
            print(f"(removed markers that point at no passage: {list(answer.dropped_markers)})")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            page = f", page {c.page}" if c.page is not None else ""
            badge = "verified" if c.verified else "NOT SUPPORTED"
            print(
                f"  [{c.marker}] {c.source}{page}, chars {c.start}-{c.end} ({badge}): “{c.quote}”"
            )
    if answer.unsupported:
        print("\nNot supported by the cited passages:")
        for sentence in answer.unsupported:
            print(f"  - {sentence}")
    print(f"\n[{answer.mode}] {answer.notice}".rstrip())


def _stream(assistant: Assistant, question: str, history: list[dict[str, str]]) -> Answer:
    answer = None
    for item in assistant.ask_stream(question, history):
        if isinstance(item, Answer):
            answer = item
        elif assistant.llm_available and assistant.settings.generation.mode != "extractive":
            print(item, end="", flush=True)
    assert answer is not None
    print_answer(answer, streamed=answer.mode == "llm")
    return answer


def _ask(args: argparse.Namespace) -> int:
    assistant = _open(args)
    if args.json:
        print(json.dumps(assistant.ask(args.question).to_dict(), indent=2, ensure_ascii=False))
        return 0
    _stream(assistant, args.question, [])
    return 0


def _chat(args: argparse.Namespace) -> int:
    assistant = _open(args)
    mode = "LLM" if assistant.llm_available and args.mode != "extractive" else "extractive"
    print(f"Ask about your documents ({mode} mode). Empty line or Ctrl-D to quit.")
    history: list[dict[str, str]] = []
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question or question in {"exit", "quit"}:
            return 0
        try:
            answer = _stream(assistant, question, history)
        except QuestionError as exc:
            print(f"rag: {exc}", file=sys.stderr)
            continue
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
