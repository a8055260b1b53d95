"""The assistant behind the web app: shared by all sessions, swapped when documents change."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import index
from index import BuildReport, Document, IndexStageError, current_snapshot
from modelhome import ModelError
from rag import Answer, Assistant, Response, Settings
from rag.settings import AskMode

from .render import DocumentRow
from .uploads import UploadError, discard, store, sweep

log = logging.getLogger(__name__)


class _Lease:
    """An Assistant and how many requests are using it. A replaced one is closed (its index's
    SQLite connection) when the last of them finishes, never under a running request."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.users = 0
        self.retired = False

    def close_if_idle(self) -> None:
        if self.retired and self.users == 0:
            self.assistant.index.close()


class AssistantService:
    """One Assistant for the app. Reads are lock-free (an Assistant reads one immutable index
    snapshot); document changes are serialised and swap in a fresh Assistant over the new
    snapshot, keeping the loaded LLM. A snapshot published by another process (`rag index
    build` while the app runs) is noticed between requests and swapped in the same way."""

    def __init__(self, index_dir: Path, data_dir: Path, settings: Settings | None = None) -> None:
        self.index_dir = index_dir
        self.uploads = data_dir / "uploads"  # what the app stores and indexes
        self.incoming = data_dir / "incoming"  # where Gradio receives uploads
        sweep(self.incoming, older_than=0)  # what a previous run left there
        self.settings = settings or Settings()
        self._current = _Lease(Assistant.open(index_dir, self.settings))
        self._changes = threading.Lock()  # one document change at a time
        self._leases = threading.Lock()  # guards _current and the users counts
        self._unreadable = ""  # a published snapshot that failed to open, not retried

    @property
    def assistant(self) -> Assistant:
        return self._current.assistant

    @property
    def llm_available(self) -> bool:
        return self.assistant.llm_available

    def warm_up(self) -> None:
        """Load the models now, not on the first question."""
        self.assistant.warm_up()

    @contextlib.contextmanager
    def using(self) -> Iterator[Assistant]:
        """The current Assistant, kept open until the block ends even if it is replaced."""
        self._follow_published()
        with self._leases:
            lease = self._current
            lease.users += 1
        try:
            yield lease.assistant
        finally:
            with self._leases:
                lease.users -= 1
                lease.close_if_idle()

    def ask(self, question: str) -> Answer:
        with self.using() as assistant:
            return assistant.ask(question)

    def ask_stream(
        self,
        question: str,
        history: Sequence[dict[str, str]],
        *,
        k: int,
        mode: AskMode,
        temperature: float,
        max_tokens: int | None = None,
    ) -> Response:
        """A streamed answer; the Assistant it comes from stays open until it has finished.
        `max_tokens`: the most a model's answer may take (None: the settings')."""

        def leased() -> Generator[str, None, Answer]:
            with self.using() as assistant:
                generation = assistant.settings.generation
                changes: dict[str, object] = {}
                if temperature != generation.temperature:
                    changes["temperature"] = temperature
                if max_tokens is not None and max_tokens != generation.max_answer_tokens:
                    changes["max_answer_tokens"] = max_tokens
                if changes:
                    assistant = assistant.with_generation(**changes)
                response = assistant.ask_stream(question, history, k=k, mode=mode)
                yield from response
                return response.answer

        return Response(leased())

    def document(self, document_id: str) -> Document | None:
        with self.using() as assistant:
            return assistant.index.document(document_id)

    def documents(self) -> list[DocumentRow]:
        """One row per indexed document, as the Documents table lists them."""
        with self.using() as assistant:
            idx = assistant.index
            counts = idx.chunk_counts()
            return [
                DocumentRow(
                    d.source, d.title or d.source, len(d.pages) or None, counts.get(d.id, 0)
                )
                for d in idx.documents()
            ]

    def add(
        self, files: Sequence[tuple[Path, str]], *, progress: bool = False
    ) -> tuple[BuildReport | None, list[str]]:
        """Store uploads (temp path, original name) and index them. Returns the build report
        and the files refused before indexing, with reasons. A temp file that is gone was
        ingested by an earlier batch (an uploader sends its whole list again) and is skipped
        without a word: it is already in the index, or was refused with its reason then."""
        refused, stored = [], []
        for path, name in dict.fromkeys(files):
            if not path.is_file():
                continue
            try:
                stored.append(store(path, name, self.uploads))
            except FileNotFoundError:
                continue  # removed by the batch that ingested it, just now
            except UploadError as exc:
                refused.append(str(exc))
        if not stored:
            return None, refused
        with self._changes:
            report = index.build(
                stored,
                self.index_dir,
                settings=self.settings.index,
                # The app's loaded encoder: loading another copy per upload took seconds
                # while the progress bar sat at 0 %.
                embedder=self.assistant.index.embedder,
                progress=progress,
            )
            self._reload()
        # A stored file the build could not read (corrupt, no text) is not in the index, so
        # nothing could list or remove it: it is deleted, as refused ones are.
        discard([failed.path for failed in report.failed], self.uploads)
        return report, refused

    def remove(self, source: str) -> BuildReport:
        with self._changes:
            doc = next((d for d in self.assistant.index.documents() if d.source == source), None)
            if doc is None:
                return index.remove([source], self.index_dir)
            report = index.remove([doc.path], self.index_dir)
            uploaded = Path(doc.path)
            if uploaded.parent == self.uploads.resolve() and uploaded.exists():
                uploaded.unlink()  # only files the app stored; never the user's own folders
            self._reload()
            return report

    def _follow_published(self) -> None:
        """Swap to a snapshot that another process published since the last request. The
        check is one small file read; the request that notices opens the new snapshot, the
        others go on with the current one meanwhile."""
        if not self._current.assistant.index.superseded():
            return
        if not self._changes.acquire(blocking=False):
            return  # the app's own change is publishing, and reloads when it is done
        try:
            live = current_snapshot(self.index_dir)
            if live is None or live.name == self._unreadable:
                return
            if not self._current.assistant.index.superseded():
                return  # another request swapped it while this one waited
            try:
                self._reload()
            except (IndexStageError, ModelError) as exc:
                # One this app cannot read (another embedding model, damage): keep serving
                # the current one, say why once, and do not retry it on every request.
                self._unreadable = live.name
                log.warning("keeping the current index; the newly published one fails: %s", exc)
                return
            log.info("now serving snapshot %s, published by another process", live.name)
        finally:
            self._changes.release()

    def _reload(self) -> None:
        old = self._current.assistant
        fresh = Assistant(
            index.open(self.index_dir, self.settings.index), old.settings, old.generator
        )
        fresh.warm_up()  # before it serves, while the current one still answers
        with self._leases:
            retired, self._current = self._current, _Lease(fresh)
            retired.retired = True
            retired.close_if_idle()
