"""The Documents panel's handlers: uploads indexed batch by batch, the live listing, and
removal after a confirmation; plus the `/remove` API."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr

from . import render
from .service import AssistantService
from .uploads import discard, sweep

log = logging.getLogger(__name__)

STALE_UPLOAD_SECONDS = 3600  # what Gradio received but never handed over is deleted after this
CHOOSE = "Choose a document to remove."


def received(files: list[dict[str, Any]] | None, incoming: Path) -> list[tuple[Path, str]]:
    """(temp path, the user's file name) of each uploaded file record; only files Gradio
    received into `incoming` (it checks that too, before the handler runs)."""
    root = incoming.resolve()
    out = []
    for record in files or []:
        path = Path(str(record.get("path", ""))).resolve()
        if root in path.parents:
            out.append((path, str(record.get("orig_name") or path.name)))
    return out


class Library:
    """Handlers of the Documents panel, over the app's shared service."""

    def __init__(self, service: AssistantService) -> None:
        self.service = service

    def upload(
        self,
        files: list[dict[str, Any]] | None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 - how Gradio injects it
    ) -> tuple[Any, ...]:
        """Index what this batch brought; the uploader is emptied either way, so the next
        batch sends only its own files (Gradio's uploader sends its whole list each time).
        Returns (status, documents table, Remove choices, uploader)."""
        batch = received(files, self.service.incoming)
        try:
            message = self._ingest(batch, progress) if batch else ""
        except Exception as exc:  # the page gets one sentence; the log keeps the traceback
            log.exception("an upload failed")
            message = f"⚠️ The upload could not be indexed ({type(exc).__name__}: {exc})."
        finally:
            # Gradio's copies: what was accepted is now under uploads/, the rest is refused.
            discard([path for path, _ in batch], self.service.incoming)
            sweep(self.service.incoming, older_than=STALE_UPLOAD_SECONDS)
        return (message, *self.listing(), None)

    def _ingest(self, batch: list[tuple[Path, str]], progress: gr.Progress) -> str:
        progress(0, desc="Indexing…")
        report, refused = self.service.add(batch, progress=True)
        lines = [f"⚠️ Refused {reason}" for reason in refused]
        if report is not None:
            lines.insert(
                0,
                f"Indexed: {report.added} added, {report.updated} updated, "
                f"{report.unchanged} unchanged ({report.chunks_embedded} chunks).",
            )
            lines += [f"⚠️ Skipped {Path(f.path).name}: {f.reason}" for f in report.failed]
            lines += [f"⚠️ Partly read {Path(w.path).name}: {w.reason}" for w in report.warnings]
        return "\n\n".join(lines)

    def listing(self) -> tuple[Any, ...]:
        """The documents table and the Remove choices as the index has them now (also after a
        build from the command line), with nothing chosen: removing is always deliberate."""
        rows = self.service.documents()
        return (
            render.documents_table(rows),
            gr.update(choices=[row.source for row in rows], value=None),
        )

    def ask_to_confirm(self, source: str | None) -> tuple[Any, ...]:
        """(status, pending document, question, confirmation box)."""
        if not source:
            return CHOOSE, None, gr.skip(), gr.update(visible=False)
        question = f"Remove **{render.plain_markdown(source)}** from the index?"
        return "", source, question, gr.update(visible=True)

    def remove_confirmed(self, source: str | None) -> tuple[Any, ...]:
        """(status, documents table, Remove choices, pending document, confirmation box)."""
        message = self._removed(source) if source else CHOOSE
        return (message, *self.listing(), None, gr.update(visible=False))

    def _removed(self, source: str) -> str:
        report = self.service.remove(source)
        return f"Removed {source}." if report.removed else f"⚠️ {source} is not in the index."

    def view(self, target: str | None) -> tuple[Any, ...]:
        """(viewer HTML, tabs) for "document id:start:end", a quote a card cites: the whole
        document with that span highlighted, in the Document tab."""
        document_id, _, span = (target or "").partition(":")
        try:
            start, end = (int(n) for n in span.split(":"))
        except ValueError:
            return gr.skip(), gr.skip()
        doc = self.service.document(document_id)
        if doc is None or not 0 <= start <= end <= len(doc.text):
            shown = "<p>That document is no longer in the index.</p>"
        else:
            shown = render.document_view(doc, start, end)
        return shown, gr.Tabs(selected="viewer")

    def remove_api(self, source: str) -> dict[str, Any]:
        """Remove a document from the index (by its name in the Documents table); uploaded
        files are deleted too. Returns the message and the documents left."""
        message = self._removed(source) if source else CHOOSE
        return {"message": message, "documents": [row.source for row in self.service.documents()]}
