"""Extractive answers: the sentences of the top passages that best answer the question, quoted
verbatim in document order, each with its marker. Faithful by construction, and what every
user gets until a language model is installed."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass

from index.embedding import Embedder

from . import lexicon
from .answerer import AnswerMode, Draft
from .citations import Claim, marker
from .records import Hit
from .sentences import sentence_spans
from .settings import ExtractiveSettings

NOTICE_NO_LLM = (
    "Extractive answer: no language model is installed, so these are the sentences of your "
    "documents that best answer the question, quoted verbatim. For written answers run: "
    "rag models download llm"
)
NOTICE_EXTRACTIVE = "Extractive answer: sentences quoted verbatim from your documents."


@dataclass(frozen=True, slots=True)
class Quote:
    hit: int  # index into hits
    start: int  # offsets into the document text
    end: int
    text: str
    score: float


class ExtractiveAnswerer:
    mode: AnswerMode = "extractive"

    def __init__(
        self, embedder: Embedder, settings: ExtractiveSettings, *, llm_installed: bool
    ) -> None:
        self._embedder = embedder
        self._settings = settings
        self._notice = NOTICE_EXTRACTIVE if llm_installed else NOTICE_NO_LLM

    def draft(self, question: str, hits: Sequence[Hit]) -> Generator[str, None, Draft]:
        quotes = best_sentences(question, hits, self._embedder, self._settings)
        text = render(quotes)
        yield text
        claims = tuple(Claim(q.text, (q.hit + 1,), (q.start, q.end)) for q in quotes)
        return Draft(text, claims, tuple(hits), notice=self._notice)


def best_sentences(
    question: str, hits: Sequence[Hit], embedder: Embedder, settings: ExtractiveSettings
) -> list[Quote]:
    """Score every sentence of the first `settings.passages` hits by similarity to the question
    (MiniLM) plus the share of the question's content words it contains; keep the best."""
    candidates: list[Quote] = []
    contexts: list[str] = []
    for i, hit in enumerate(hits[: settings.passages]):
        text = hit.chunk.text
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if _answer_like(text, s, sentence, settings.min_words):
                start = hit.chunk.start + s
                candidates.append(Quote(i, start, start + len(sentence), sentence, 0.0))
                contexts.append(f"{_heading_above(text, s)} {sentence}".strip())
    if not candidates:
        return []
    # Matching uses the heading above a sentence ("3) Will deep learning be interpretable?"
    # over "Unlikely to be fully interpretable..."); the quote is the sentence alone.
    vectors = embedder.encode([question, *contexts])
    similarity = vectors[1:] @ vectors[0]
    wanted = lexicon.content_stems(question)
    weight = settings.similarity_weight
    scored = []
    for quote, context, sim in zip(candidates, contexts, similarity, strict=True):
        overlap = lexicon.coverage(wanted, lexicon.content_stems(context))
        score = float(weight * sim + (1 - weight) * overlap)
        scored.append(Quote(quote.hit, quote.start, quote.end, quote.text, score))
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
