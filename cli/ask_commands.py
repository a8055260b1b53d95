"""`rag ask` and `rag chat`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.options import add_answer_options, add_index_dir, answer_settings
from rag import Answer, Assistant, QuestionError


def register(commands: Any) -> None:
    ask = commands.add_parser("ask", help="ask one question of your documents")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_index_dir(ask)
    add_answer_options(ask)
    ask.set_defaults(run=_ask)

    chat = commands.add_parser("chat", help="an interactive session with follow-up questions")
    add_index_dir(chat)
    add_answer_options(chat)
    chat.set_defaults(run=_chat)


def _open(args: argparse.Namespace) -> Assistant:
    return Assistant.open(args.index_dir, answer_settings(args))


def print_answer(answer: Answer, *, shown: str = "", said: set[str] | None = None) -> None:
    """`shown`: the text already printed as it streamed. `said`: notices a session printed
    before, not repeated (added to as they are printed)."""
    # Printed unless it streamed: a model's answer (its invalid markers are reported below)
    # or the quotes that replaced one that failed verification.
    if not (shown and (answer.mode == "llm" or shown.rstrip().endswith(answer.text))):
        print(answer.text)  # not streamed, or the model declined: the abstention
    if answer.dropped_markers:
        print(f"(removed markers that point at no passage: {list(answer.dropped_markers)})")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            page = f", {c.page_label}" if c.page_label else ""
            badge = "verified" if c.verified else "NOT SUPPORTED"
            badge += ", attributed by the verifier" if c.attributed else ""
            quote = " ".join(c.quote.split())  # one line, though it spans a paragraph break
            print(f"  [{c.marker}] {c.source}{page}, chars {c.start}-{c.end} ({badge}): “{quote}”")
    if answer.unsupported:
        held = answer.mode == "llm" and not any(s in answer.text for s in answer.unsupported)
        if held:  # never shown, as the settings ask: counted here, kept in --json
            n = len(answer.unsupported)
            print(f"\n(held back: {n} sentence{'s' * (n != 1)} that no passage supports)")
        else:
            print("\nNot supported by the cited passages:")
            for sentence in answer.unsupported:
                print(f"  - {sentence}")
    said = said if said is not None else set()
    # Said once: not again when the stream or an earlier answer of the session said it.
    notice = "" if answer.notice in shown or answer.notice in said else answer.notice
    said.add(answer.notice)
    print(f"\n[{answer.mode}] {notice}".rstrip())


def _stream(
    assistant: Assistant,
    question: str,
    history: list[dict[str, str]],
    said: set[str] | None = None,
) -> Answer:
    response = assistant.ask_stream(question, history)
    shown = ""
    # A model's answer streams as it is written; an extractive one is printed whole.
    if assistant.mode == "llm":
        for delta in response:
            print(delta, end="", flush=True)
            shown += delta
        if shown:
            print()  # the streamed text ended without a newline
    answer = response.answer
    print_answer(answer, shown=shown, said=said)
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
    mode = "LLM" if assistant.mode == "llm" else "extractive"
    print(f"Ask about your documents ({mode} mode). Empty line or Ctrl-D to quit.")
    history: list[dict[str, str]] = []
    said: set[str] = set()  # the notices printed so far: each is said once a session
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question or question in {"exit", "quit"}:
            return 0
        try:
            answer = _stream(assistant, question, history, said)
        except QuestionError as exc:
            print(f"rag: {exc}", file=sys.stderr)
            continue
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
