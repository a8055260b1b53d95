"""Extractive answers: the sentences of the top passages that best answer the question, quoted
verbatim in document order, each with its marker. Faithful by construction, and what every
user gets until a language model is installed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from index import Chunk
from index.embedding import Embedder

from . import lexicon
from .answerer import AnswerMode, Draft
from .citations import Claim, marker
from .memo import Memo
from .records import Hit
from .sentences import sentence_spans
from .settings import ExtractiveSettings

NOTICE_NO_LLM = (
    "Extractive answer: no language model is installed, so these are the sentences of your "
    "documents that best answer the question, quoted verbatim. For written answers run: "
    "rag models download llm"
)
NOTICE_EXTRACTIVE = "Extractive answer: sentences quoted verbatim from your documents."
PASSAGE_CACHE = 4096  # passages whose sentence offsets are kept
SENTENCE_CACHE = 32_768  # sentence vectors kept: 1.5 KB each, 48 MB at most
WARM_PASSAGES = 64  # chunks whose sentences warm_up() encodes: a few seconds at most


@dataclass(frozen=True, slots=True)
class Quote:
    hit: int  # index into hits
    start: int  # offsets into the document text
    end: int
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage's answer-like sentences: their offsets in it, the text each is matched by
    (the heading above included), and that text's content stems."""

    spans: tuple[tuple[int, int], ...]
    contexts: tuple[str, ...]
    stems: tuple[frozenset[str], ...]


class ExtractiveAnswerer:
    mode: AnswerMode = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        settings: ExtractiveSettings,
        *,
        llm_installed: bool,
        query_vector: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self._embedder = embedder
        # The retriever's (cached) question vector, so a question is encoded once.
        self._query_vector = query_vector or (lambda text: embedder.encode([text])[0])
        self._settings = settings
        self._notice = NOTICE_EXTRACTIVE if llm_installed else NOTICE_NO_LLM
        # Splitting and encoding a passage's sentences is most of an answer's cost, and the
        # same sentences come back for many questions, also inside passages merged from
        # overlapping chunks. Both are kept per answerer, so they die with the index snapshot.
        # A sentence is encoded alone, never in a batch with others (padding changes the last
        # digits), so its vector is the same whichever request computes it first: answers do
        # not depend on the load.
        self.passage = Memo(self._passage, PASSAGE_CACHE)
        self.vector = Memo(self._vector, SENTENCE_CACHE)

    def warm_up(self, chunks: Iterable[Chunk], limit: int = WARM_PASSAGES) -> None:
        """Encode the sentences of the first `limit` chunks now, so the first questions over
        a small collection cost what later ones do."""
        for chunk in itertools.islice(chunks, limit):
            for context in self.passage(chunk.text).contexts:
                self.vector(context)

    def draft(self, question: str, hits: Sequence[Hit]) -> Generator[str, None, Draft]:
        quotes = self.best_sentences(question, hits)
        text = render(quotes)
        yield text
        claims = tuple(Claim(q.text, (q.hit + 1,), (q.start, q.end)) for q in quotes)
        return Draft(text, claims, tuple(hits), notice=self._notice)

    def best_sentences(self, question: str, hits: Sequence[Hit]) -> list[Quote]:
        """Score every sentence of the first `settings.passages` hits by similarity to the
        question (MiniLM) plus the share of the question's content words it contains; keep
        the best."""
        settings = self._settings
        passages = [self.passage(hit.chunk.text) for hit in hits[: settings.passages]]
        if not any(p.spans for p in passages):
            return []
        query = self._query_vector(question)
        wanted = lexicon.content_stems(question)
        weight = settings.similarity_weight
        scored = []
        for i, (hit, passage) in enumerate(zip(hits, passages, strict=False)):
            if not passage.spans:
                continue
            similarity = np.stack([self.vector(c) for c in passage.contexts]) @ query
            for (s, e), stems, sim in zip(passage.spans, passage.stems, similarity, strict=True):
                overlap = lexicon.coverage(wanted, stems)
                score = float(weight * sim + (1 - weight) * overlap)
                start = hit.chunk.start + s
                scored.append(Quote(i, start, start + e - s, hit.chunk.text[s:e], score))
        scored.sort(key=lambda q: -q.score)
        floor = scored[0].score * settings.relative_floor
        chosen: list[Quote] = []
        for quote in scored:
            if len(chosen) == settings.sentences or quote.score < floor:
                break
            if all(quote.text != c.text for c in chosen):
                chosen.append(quote)
        # Read in order: by passage rank, then position in the document.
        return sorted(chosen, key=lambda q: (q.hit, q.start))

    def _passage(self, text: str) -> Passage:
        spans, contexts = [], []
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if _answer_like(text, s, sentence, self._settings.min_words):
                spans.append((s, e))
                # Matching uses the heading above a sentence ("3) Will deep learning be
                # interpretable?" over "Unlikely to be fully interpretable..."); the quote is
                # the sentence alone.
                contexts.append(f"{_heading_above(text, s)} {sentence}".strip())
        stems = tuple(frozenset(lexicon.content_stems(c)) for c in contexts)
        return Passage(tuple(spans), tuple(contexts), stems)

    def _vector(self, context: str) -> np.ndarray:
        vector: np.ndarray = self._embedder.encode([context])[0]
        vector.flags.writeable = False  # shared between requests
        return vector


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _answer_like(text: str, at: int, sentence: str, min_words: int) -> bool:
    """Not a heading, a lead-in ("Key topics include:"), a question, or a fragment."""
    if text[_line_start(text, at) : at].lstrip().startswith("#"):
        return False
    if sentence.endswith(("?", ":")):
        return False
    words = len(sentence.split())
    return words >= min_words and (words >= 8 or sentence[-1] in '.!"”’)')


def _heading_above(text: str, at: int) -> str:
    """The nearest line above `at` that is a heading or a question, if it is close by."""
    line_start = _line_start(text, at)
    lines = text[:line_start].rstrip("\n").split("\n")[-4:]
    for line in reversed(lines):
        line = line.strip().lstrip("#").strip()
        if line.endswith("?") or (
            line
            and not line.startswith(("-", "*", ">"))
            and len(line.split()) <= 12
            and line[-1] not in ".!"
        ):
            return line
    return ""


def render(quotes: Sequence[Quote]) -> str:
    return " ".join(f"{q.text} {marker(q.hit + 1)}" for q in quotes)
