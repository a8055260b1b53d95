"""Extractive answers: the sentences of the top passages that best answer the question, quoted
verbatim in document order, each with its marker. Faithful by construction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.embedding import Embedder

from .citations import marker
from .records import Hit
from .sentences import sentence_spans
from .support import content_stems

MIN_WORDS = 4  # shorter lines are headings or fragments, not answers
RELATIVE_FLOOR = 0.8  # keep sentences scoring at least this share of the best one


@dataclass(frozen=True, slots=True)
class Quote:
    hit: int  # index into hits
    start: int  # offsets into the document text
    end: int
    text: str
    score: float


def best_sentences(
    question: str, hits: Sequence[Hit], embedder: Embedder, *, limit: int, passages: int = 4
) -> list[Quote]:
    """Score every sentence of the first `passages` hits by similarity to the question (MiniLM)
    plus the share of the question's content words it contains; keep the best `limit`."""
    candidates: list[Quote] = []
    contexts: list[str] = []
    for i, hit in enumerate(hits[:passages]):
        text = hit.chunk.text
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if _answer_like(text, s, sentence):
                start = hit.chunk.start + s
                candidates.append(Quote(i, start, start + len(sentence), sentence, 0.0))
                contexts.append(f"{_heading_above(text, s)} {sentence}".strip())
    if not candidates:
        return []
    # Matching uses the heading above a sentence ("3) Will deep learning be interpretable?"
    # over "Unlikely to be fully interpretable..."); the quote is the sentence alone.
    vectors = embedder.encode([question, *contexts])
    similarity = vectors[1:] @ vectors[0]
    wanted = content_stems(question)
    scored = []
    for quote, context, sim in zip(candidates, contexts, similarity, strict=True):
        overlap = len(wanted & content_stems(context)) / len(wanted) if wanted else 0.0
        scored.append(
            Quote(quote.hit, quote.start, quote.end, quote.text, float(0.7 * sim + 0.3 * overlap))
        )
    scored.sort(key=lambda q: -q.score)
    floor = scored[0].score * RELATIVE_FLOOR
    chosen: list[Quote] = []
    for quote in scored:
        if len(chosen) == limit or quote.score < floor:
            break
        if all(quote.text != c.text for c in chosen):
            chosen.append(quote)
    # Read in order: by passage rank, then position in the document.
    return sorted(chosen, key=lambda q: (q.hit, q.start))


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _answer_like(text: str, at: int, sentence: str) -> bool:
    """Not a heading, a lead-in ("Key topics include:"), a question, or a fragment."""
    if text[_line_start(text, at) : at].lstrip().startswith("#"):
        return False
    if sentence.endswith(("?", ":")):
        return False
    words = len(sentence.split())
    return words >= MIN_WORDS and (words >= 8 or sentence[-1] in '.!"”’)')


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
