"""Documents, chunks and a BM25 lexical index (SQLite FTS5) in one SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import Chunk, Document, Page
from . import lexical

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    pages TEXT NOT NULL,          -- JSON [[number, start, end], ...]
    content_hash TEXT NOT NULL
);
-- AUTOINCREMENT: a chunk id is never reused, so a stale FAISS id can never alias a new chunk.
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    page INTEGER
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id, ordinal);
-- External-content FTS5 table kept in step by triggers (the pattern in SQLite's FTS5 docs).
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

_POSTINGS_KEPT = 100_000  # words whose posting counts a read-only store remembers


_CHUNK_COLUMNS = "id, document_id, text, start, end, page"  # Chunk's fields, in order


def _row_to_chunk(row: sqlite3.Row) -> Chunk:
    # By position: a retrieval reads ~100 candidate chunks, and Row's lookups by name cost
    # more than the query.
    return Chunk(*row)


def _row_to_document(row: sqlite3.Row) -> Document:
    pages = tuple(Page(*p) for p in json.loads(row["pages"]))
    return Document(
        id=row["id"],
        source=row["source"],
        path=row["path"],
        title=row["title"],
        text=row["text"],
        pages=pages,
        content_hash=row["content_hash"],
    )


class ChunkStore:
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        # check_same_thread=False: the UI serves requests from worker threads; reads only.
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        # A read-only snapshot never changes, so a word's posting count (which costs about
        # as much as reading its postings) is looked up once per snapshot. A writer's counts
        # change under it: never kept.
        self._postings: dict[tuple[str, int | None], int] | None = {} if read_only else None
        self._postings_lock = threading.Lock()
        if not read_only:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    # -- documents ---------------------------------------------------------------------------

    def documents(self) -> Iterator[Document]:
        for row in self._db.execute("SELECT * FROM documents ORDER BY source, path"):
            yield _row_to_document(row)

    def document(self, document_id: str) -> Document | None:
        row = self._db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return _row_to_document(row) if row else None

    def chunk_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT document_id, COUNT(*) FROM chunks GROUP BY document_id")
        return {doc_id: n for doc_id, n in rows}

    def add_document(
        self, doc: Document, chunks: Iterable[tuple[str, int, int, int | None]]
    ) -> list[int]:
        """Insert a document and its chunks (text, start, end, page); returns the chunk ids."""
        pages = json.dumps([[p.number, p.start, p.end] for p in doc.pages])
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.path, doc.source, doc.title, doc.text, pages, doc.content_hash),
        )
        ids = []
        for ordinal, (text, start, end, page) in enumerate(chunks):
            cur = self._db.execute(
                "INSERT INTO chunks (document_id, ordinal, text, start, end, page) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (doc.id, ordinal, text, start, end, page),
            )
            assert cur.lastrowid is not None
            ids.append(cur.lastrowid)
        return ids

    def remove_document(self, path: str) -> list[int]:
        """Delete the document at `path` with its chunks; returns the removed chunk ids."""
        row = self._db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
        if row is None:
            return []
        ids = [
            r[0] for r in self._db.execute("SELECT id FROM chunks WHERE document_id = ?", (row[0],))
        ]
        self._db.execute("DELETE FROM documents WHERE id = ?", (row[0],))
        return ids

    # -- chunks ------------------------------------------------------------------------------

    def chunks(self) -> Iterator[Chunk]:
        order = "ORDER BY document_id, ordinal"
        for row in self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks {order}"):
            yield _row_to_chunk(row)

    def chunks_by_id(self, ids: Iterable[int]) -> dict[int, Chunk]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", ids)
        return {row[0]: _row_to_chunk(row) for row in rows}

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def search_bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        """Chunk ids ranked by BM25 for the query's content words (the rarest, when all of
        them would make FTS5 rank too many rows: index/storage/lexical.py); higher is better."""
        words = lexical.fts5_terms(query)
        if not words:
            return []
        # Counting a word's rows costs about as much as reading them (fts5vocab took 2.9 ms
        # for a word in 90k chunks), so each is first counted only up to the budget: enough to
        # tell which words fit. When none does, they are counted further, to search the
        # rarest; when even that one is past lexical.RANKED_AT_MOST, BM25 sits it out.
        budget = lexical.POSTINGS_BUDGET
        counts = self.postings(words, up_to=budget + 1)
        if all(counts.get(w, 0) > budget for w in words):
            counts = self.postings(words, up_to=lexical.RANKED_AT_MOST + 1)
            if all(counts.get(w, 0) > lexical.RANKED_AT_MOST for w in words):
                return []
        match = lexical.match_expression(lexical.within_budget(words, counts))
        rows = self._db.execute(
            "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
            "ORDER BY bm25(chunks_fts) LIMIT ?",
            (match, k),
        )
        # FTS5's bm25() is negative, lower is better; flip it so higher is better everywhere.
        return [(rowid, -score) for rowid, score in rows]

    def postings(self, words: list[str], up_to: int | None = None) -> dict[str, int]:
        """How many chunks hold each word (as FTS5 tokenizes and stems it), counted no
        further than `up_to` when given; words it never saw are left out."""
        keys = [(word, up_to) for word in words]
        known = self._postings
        with self._postings_lock:
            found = {key: known[key] for key in keys if key in known} if known is not None else {}
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        for key in missing:
            # FTS5 matches the word as it indexed it and stops reading its rows at the limit
            # (a negative LIMIT is none).
            found[key] = self._db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
                (lexical.match_expression([key[0]]), -1 if up_to is None else up_to),
            ).fetchone()[0]
        if missing and known is not None:
            with self._postings_lock:
                if len(known) > _POSTINGS_KEPT:  # a long-lived server's many questions
                    known.clear()
                known.update((key, found[key]) for key in missing)
        return {word: found[key] for word, key in zip(words, keys, strict=True) if found[key]}

    def copy_to(self, path: Path) -> None:
        """A consistent copy through SQLite's backup API."""
        dest = sqlite3.connect(path)
        with dest:
            self._db.backup(dest)
        dest.close()
