"""The Gradio web app: chat with streaming answers and source cards, documents, settings."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import gradio as gr
from gradio.events import api

from index import IndexStageError
from rag import QuestionError, RagError
from rag.settings import ASK_MODES, AskMode

from . import render
from .service import AssistantService
from .uploads import ALLOWED, MAX_BYTES, discard, sweep

log = logging.getLogger(__name__)

CONCURRENCY = 4  # answers computed at once; more requests wait in the queue
STALE_UPLOAD_SECONDS = 3600  # what Gradio received but never handed over is deleted after this

CSS = """
.rag-mode{display:inline-block;font-size:.8em;font-weight:600;padding:.1em .5em;border-radius:4px;
  background:#e8eefc;color:#234}
.rag-mode-abstained{background:#f3e8d8;color:#633}.rag-mode-llm{background:#e3f4e6;color:#164}
.rag-notice{font-size:.85em;color:#555;margin:.4em 0}
.rag-card{border:1px solid #ddd;border-radius:6px;padding:.5em .7em;margin:.5em 0;background:#fff}
.rag-card:target,.rag-card.rag-flash{outline:2px solid #e0a100;background:#fffbea}
.rag-card-head{margin-bottom:.3em}
.rag-quote{font-size:.9em;color:#444;margin:.3em 0;white-space:pre-wrap}
.rag-quote mark{background:#ffe58a;color:#111;padding:0 .1em}
.rag-badge{font-size:.75em;font-weight:700;padding:.05em .4em;border-radius:3px;margin-right:.3em}
.rag-verified{background:#dff3e2;color:#176117}.rag-unsupported{background:#fbe3e3;color:#a11}
.rag-docs td,.rag-docs th{padding:.2em .5em;text-align:left}
"""

# Clicking a [n] in an answer scrolls to its card and flashes it (delegated: cards re-render).
JS = """
() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#src-"]');
    if (!link) return;
    const card = document.getElementById(link.getAttribute('href').slice(1));
    if (!card) return;
    event.preventDefault();
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    card.classList.add('rag-flash');
    setTimeout(() => card.classList.remove('rag-flash'), 1600);
  }, true);
}
"""

Turn = dict[str, str]  # question, answer (plain text with [n]), display (markdown), sources


def _as_messages(turns: list[Turn], answer: str) -> list[dict[str, str]]:
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


def _all_sources(turns: list[Turn]) -> str:
    """Every turn's source cards, newest first: a [n] in an earlier answer still has its card."""
    return "".join(turn["sources"] for turn in reversed(turns))


def _received(files: list[dict[str, Any]] | None, incoming: Path) -> list[tuple[Path, str]]:
    """(temp path, the user's file name) of each uploaded file record; only files Gradio
    received into `incoming` (it checks that too, before the handler runs)."""
    root = incoming.resolve()
    out = []
    for record in files or []:
        path = Path(str(record.get("path", ""))).resolve()
        if root in path.parents:
            out.append((path, str(record.get("orig_name") or path.name)))
    return out


def _shortened(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _receive_uploads_in(folder: Path) -> None:
    """Make Gradio receive uploads into `folder`: it reads GRADIO_TEMP_DIR when an app and
    its components are created, so this is set before building one."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder.resolve())


def build_app(service: AssistantService) -> gr.Blocks:
    # Uploads land under the app's data directory ($RAG_HOME), not in /tmp/gradio.
    _receive_uploads_in(service.incoming)
    llm = service.llm_available
    limit = service.settings.max_question_chars

    def respond(
        question: str, turns: list[Turn] | None, k: float, mode: str, temperature: float
    ) -> Iterator[tuple[Any, ...]]:
        turns = list(turns or [])
        try:
            question = service.assistant.check_question(question or "")
        except QuestionError as exc:
            # Refused before anything is answered: shown once, never part of the history,
            # and the text stays in the box to be shortened.
            shown = _as_messages(turns, "display")
            if (question or "").strip():
                shown += [
                    {"role": "user", "content": render.plain_markdown(_shortened(question))},
                    {"role": "assistant", "content": f"⚠️ {exc}"},
                ]
            else:
                gr.Warning("Type a question first.")
            yield shown, gr.skip(), gr.skip(), turns
            return
        number = len(turns) + 1
        turn: Turn = {"question": question, "answer": "", "display": "", "sources": ""}
        try:
            stream = service.ask_stream(
                question,
                _as_messages(turns, "answer"),
                k=int(k),
                mode=cast(AskMode, mode),  # the radio offers only valid modes
                temperature=temperature,
            )
            for delta in stream:
                turn["display"] += render.plain_markdown(delta)
                yield _as_messages([*turns, turn], "display"), gr.skip(), "", turns
            answer = stream.answer
            turn.update(
                answer=answer.text,
                display=render.answer_markdown(answer, number),
                sources=render.source_cards(answer, number, service.document),
            )
        except (RagError, IndexStageError) as exc:
            turn.update(answer=str(exc), display=f"⚠️ {exc}", sources="")
        turns = [*turns, turn]
        yield _as_messages(turns, "display"), _all_sources(turns), "", turns

    def ask_api(question: str | None) -> dict[str, Any]:
        """Answer a question; returns the answer as JSON (Answer.to_dict())."""
        try:
            return service.ask(question or "").to_dict()
        except (RagError, IndexStageError) as exc:
            # An expected refusal with its own message: one log line, not a traceback.
            log.info("/ask refused: %s", exc)
            raise gr.Error(str(exc), print_exception=False) from exc

    def upload(
        files: list[dict[str, Any]] | None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 - how Gradio injects it
    ) -> tuple[Any, ...]:
        """Index what this batch brought; the uploader is emptied either way, so the next
        batch sends only its own files (Gradio's uploader sends its whole list each time)."""
        received = _received(files, service.incoming)
        try:
            message = _ingest(received, progress) if received else ""
        except Exception as exc:  # the page gets one sentence; the log keeps the traceback
            log.exception("an upload failed")
            message = f"⚠️ The upload could not be indexed ({type(exc).__name__}: {exc})."
        finally:
            # Gradio's copies: what was accepted is now under uploads/, the rest is refused.
            discard([path for path, _ in received], service.incoming)
            sweep(service.incoming, older_than=STALE_UPLOAD_SECONDS)
        return (message, *listing(), None)

    def _ingest(received: list[tuple[Path, str]], progress: gr.Progress) -> str:
        progress(0, desc="Indexing…")
        report, refused = service.add(received, progress=True)
        lines = [f"⚠️ Refused {reason}" for reason in refused]
        if report is not None:
            lines.insert(
                0,
                f"Indexed: {report.added} added, {report.updated} updated, "
                f"{report.unchanged} unchanged ({report.chunks_embedded} chunks).",
            )
            lines += [f"⚠️ Skipped {Path(f.path).name}: {f.reason}" for f in report.failed]
        return "\n\n".join(lines)

    def listing() -> tuple[Any, ...]:
        """The documents table and the Remove choices as the index has them now (also after a
        build from the command line), with nothing chosen: removing is always deliberate."""
        rows = service.documents()
        return (
            render.documents_table(rows),
            gr.update(choices=[source for source, _, _ in rows], value=None),
        )

    def ask_to_confirm(source: str | None) -> tuple[Any, ...]:
        if not source:
            return "Choose a document to remove.", None, gr.skip(), gr.update(visible=False)
        question = f"Remove **{render.plain_markdown(source)}** from the index?"
        return "", source, question, gr.update(visible=True)

    def remove_confirmed(source: str | None) -> tuple[Any, ...]:
        message = _removed(source) if source else "Choose a document to remove."
        return (message, *listing(), None, gr.update(visible=False))

    def _removed(source: str) -> str:
        report = service.remove(source)
        return f"Removed {source}." if report.removed else f"⚠️ {source} is not in the index."

    def remove_api(source: str) -> dict[str, Any]:
        """Remove a document from the index (by its name in the Documents table); uploaded
        files are deleted too. Returns the message and the documents left."""
        message = _removed(source) if source else "Choose a document to remove."
        return {"message": message, "documents": [s for s, _, _ in service.documents()]}

    with gr.Blocks(title="Ask your documents") as app:
        gr.Markdown("## Ask your documents\nAnswers cite the exact passages they come from.")
        if not llm:
            gr.Markdown(
                "**No language model is installed**, so answers are *extractive*: the sentences "
                "of your documents that best answer the question, quoted verbatim. For written "
                "answers, run `rag models download llm` (about 1.1 GB) and restart `rag serve`.",
                elem_id="no-llm",
            )
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat", height=460, elem_id="chat", feedback_options=None
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False,
                        scale=5,
                        elem_id="question",
                        placeholder=f"Ask a question (up to {limit} characters)",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                new_chat = gr.Button("New chat", size="sm")
                sources = gr.HTML(elem_id="sources")
            with gr.Column(scale=2):
                with gr.Tab("Documents"):
                    documents = gr.HTML(elem_id="documents")
                    files = gr.File(
                        label=f"Add documents ({' '.join(ALLOWED)}, "
                        f"up to {MAX_BYTES // 1_000_000} MB each)",
                        file_count="multiple",
                        elem_id="files",
                        # No file_types: Gradio's own check refuses after the upload and
                        # before the app sees the file, which would leave it on disk. The
                        # app refuses other types itself, with a message, and deletes them.
                    )
                    status = gr.Markdown(elem_id="upload-status")
                    with gr.Row():
                        chosen = gr.Dropdown(
                            choices=[],
                            value=None,
                            label="Remove a document",
                            scale=3,
                            elem_id="chosen",
                        )
                        drop = gr.Button("Remove…", scale=1, elem_id="remove")
                    pending = gr.State(None)  # the document the confirmation is about
                    with gr.Group(visible=False, elem_id="confirm-remove") as confirm_box:
                        confirm_text = gr.Markdown(elem_id="confirm-text")
                        with gr.Row():
                            yes = gr.Button("Yes, remove it", variant="stop", elem_id="confirm")
                            no = gr.Button("Cancel", elem_id="cancel")
                with gr.Tab("Settings"):
                    k = gr.Slider(
                        1,
                        10,
                        value=service.settings.retrieval.k,
                        step=1,
                        label="Passages per answer (k)",
                    )
                    mode = gr.Radio(
                        list(ASK_MODES) if llm else ["extractive"],
                        value="auto" if llm else "extractive",
                        label="Mode",
                    )
                    temperature = gr.Slider(
                        0.0, 1.5, value=0.0, step=0.1, label="Temperature", visible=llm
                    )
        chat_inputs = [question, turns, k, mode, temperature]
        chat_outputs = [chatbot, sources, question, turns]
        ask.click(respond, chat_inputs, chat_outputs, api_name="chat")
        question.submit(respond, chat_inputs, chat_outputs, api_visibility="undocumented")
        # "New chat" and the chat's own trash icon both forget the history, not just the view.
        new_chat.click(
            lambda: ([], "", []), None, [chatbot, sources, turns], api_visibility="private"
        )
        chatbot.clear(lambda: ("", []), None, [sources, turns], api_visibility="private")
        # The progress shows on the status line only: the table and the Remove box stay usable.
        files.upload(
            upload,
            files,
            [status, documents, chosen, files],
            api_name="upload",
            show_progress_on=status,
            # The raw file records: Gradio's preprocessing would leave an empty temp file
            # behind per file (gr.File._process_single_file) and lose the original name.
            preprocess=False,
        )
        # Removing takes two clicks: Remove… asks about the chosen document, Yes removes that
        # one (choosing another meanwhile closes the question).
        drop.click(
            ask_to_confirm,
            chosen,
            [status, pending, confirm_text, confirm_box],
            api_visibility="private",
        )
        yes.click(
            remove_confirmed,
            pending,
            [status, documents, chosen, pending, confirm_box],
            api_visibility="private",
        )
        close = (lambda: (None, gr.update(visible=False)), None, [pending, confirm_box])
        no.click(*close, api_visibility="private")
        chosen.change(*close, api_visibility="private")
        app.load(listing, None, [documents, chosen], api_visibility="private")
        api(ask_api, api_name="ask")
        api(remove_api, api_name="remove")
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    return app  # type: ignore[no-any-return]


def serve(
    service: AssistantService,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    password: str | None = None,
    block: bool = True,
) -> gr.Blocks:
    """Serve the app; with a `password`, the page and its API ask for user "rag" and it."""
    app = build_app(service)
    app.launch(
        server_name=host,
        server_port=port,
        auth=("rag", password) if password else None,
        max_file_size=MAX_BYTES,
        prevent_thread_lock=not block,
        css=CSS,
        js=JS,
        show_error=True,
        quiet=not block,
        footer_links=["api"],
    )
    return app
