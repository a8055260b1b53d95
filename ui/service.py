"""The assistant behind the web app: shared by all sessions, swapped when documents change."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import index
from index import BuildReport, Document
from rag import Answer, Assistant, Settings
from rag.assistant import AskMode

from .uploads import UploadError, store


class AssistantService:
    """One Assistant for the app. Reads are lock-free (an Assistant reads one immutable index
    snapshot); document changes are serialised and swap in a fresh Assistant over the new
    snapshot, keeping the loaded LLM."""

    def __init__(self, index_dir: Path, data_dir: Path, settings: Settings | None = None) -> None:
        self.index_dir = index_dir
        self.uploads = data_dir / "uploads"
        self.settings = settings or Settings()
        self._assistant = Assistant.open(index_dir, self.settings)
        self._changes = threading.Lock()

    @property
    def assistant(self) -> Assistant:
        return self._assistant

    @property
    def llm_available(self) -> bool:
        return self._assistant.llm_available

    def warm_up(self) -> None:
        """Load the embedding model now, not on the first question."""
        self._assistant.retrieve("warm up", 1)

    def ask_stream(
        self,
        question: str,
        history: Sequence[dict[str, str]],
        *,
        k: int,
        mode: AskMode,
        temperature: float,
    ) -> Iterator[str | Answer]:
        assistant = self._assistant
        if temperature != assistant.settings.generation.temperature:
            assistant = assistant.with_generation(temperature=temperature)
        return assistant.ask_stream(question, history, k=k, mode=mode)

    def document(self, document_id: str) -> Document | None:
        return self._assistant.index.document(document_id)

    def documents(self) -> list[tuple[str, int | None, int]]:
        idx = self._assistant.index
        counts = idx.chunk_counts()
        return [(d.source, len(d.pages) or None, counts.get(d.id, 0)) for d in idx.documents()]

    def add(
        self, files: Sequence[tuple[Path, str]], *, progress: bool = False
    ) -> tuple[BuildReport | None, list[str]]:
        """Store uploads (temp path, original name) and index them. Returns the build report
        and the files refused before indexing, with reasons."""
        refused, stored = [], []
        for path, name in files:
            try:
                stored.append(store(path, name, self.uploads))
            except UploadError as exc:
                refused.append(str(exc))
        if not stored:
            return None, refused
        with self._changes:
            report = index.build(
                stored, self.index_dir, settings=self.settings.index, progress=progress
            )
            self._reload()
        return report, refused

    def remove(self, source: str) -> BuildReport:
        with self._changes:
            doc = next((d for d in self._assistant.index.documents() if d.source == source), None)
            if doc is None:
                return index.remove([source], self.index_dir)
            report = index.remove([doc.path], self.index_dir)
            uploaded = Path(doc.path)
            if uploaded.parent == self.uploads.resolve() and uploaded.exists():
                uploaded.unlink()  # only files the app stored; never the user's own folders
            self._reload()
            return report

    def _reload(self) -> None:
        old = self._assistant
        self._assistant = Assistant(
            index.open(self.index_dir, self.settings.index), old.settings, old.generator
        )
