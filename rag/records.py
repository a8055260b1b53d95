"""What a question produces: hits, citations and the answer, as typed frozen records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from index import Chunk, page_label, page_unit

Mode = Literal["llm", "extractive", "abstained"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved passage. `score` is the fused (RRF) score; the others are per retriever."""

    chunk: Chunk
    source: str  # the document's file name
    score: float
    dense: float | None = None  # cosine similarity to the question
    lexical: float | None = None  # BM25
    rerank: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk.id,
            "document_id": self.chunk.document_id,
            "source": self.source,
            "page": self.chunk.page,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "text": self.chunk.text,
            "score": self.score,
            "dense": self.dense,
            "lexical": self.lexical,
            "rerank": self.rerank,
        }


@dataclass(frozen=True, slots=True)
class Citation:
    """An inline marker [n] and the exact span of the corpus it points at.

    `start`/`end` index the normalized text of the cited document (`index.Document.text`);
    `quote == document.text[start:end]`. `verified` says the claim it backs is supported.
    """

    marker: int
    source: str
    document_id: str
    page: int | None
    start: int
    end: int
    quote: str
    verified: bool
    support: float  # 1 - the judge's probability that the passage does not support the claim
    claim: str  # the answer sentence this citation backs
    # Added by the verifier, not the model: the sentence cited nothing that supports it, and
    # this passage, one the model was given, does.
    attributed: bool = False

    @property
    def page_label(self) -> str:
        """Where in its file: "slide 3", "sheet 2", "chapter 4", "page 7", or "" (no pages)."""
        return page_label(self.source, self.page)

    def to_dict(self) -> dict[str, Any]:
        return {
            "marker": self.marker,
            "source": self.source,
            "document_id": self.document_id,
            "page": self.page,
            "page_unit": page_unit(self.source) if self.page is not None else None,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "verified": self.verified,
            "support": round(self.support, 4),
            "claim": self.claim,
            "attributed": self.attributed,
        }


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    """One sentence of a model's answer and what verification found."""

    text: str  # markers removed
    markers: tuple[int, ...]  # the valid passages it cites
    supported: bool  # some passage it cites supports it
    support: float  # the best of its passages' support; 0 when it cites none
    # Some passage the model was given supports it, cited or not (None: not checked). False
    # is a made-up sentence; True with `supported` False, a true one cited wrongly or not at all.
    grounded: bool | None = None
    # The passage the verifier found for it when what it cited does not support it (or it
    # cited nothing); it is then shown citing that passage, marked as the verifier's.
    attributed: int | None = None
    # Has a content word: "Here is the answer: [1]." has none, and the gate counts it neither
    # as supported nor as unsupported.
    says_something: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "markers": list(self.markers),
            "supported": self.supported,
            "support": round(self.support, 4),
            "grounded": self.grounded,
            "attributed": self.attributed,
            "says_something": self.says_something,
        }

    @property
    def shown(self) -> bool:
        """Is the sentence shown as part of the answer: supported by what it cites or by the
        passage the verifier attributed it to?"""
        return self.supported or self.attributed is not None


@dataclass(frozen=True, slots=True)
class Generated:
    """What the language model wrote and how it fared, kept whether or not the user is shown
    it (an answer that fails verification is replaced by quotes): evals count from this."""

    raw: str  # the model's text as it came out
    sentences: tuple[SentenceCheck, ...]
    markers: int  # citation markers it wrote, valid or not
    invalid_markers: tuple[int, ...]  # those pointing at no passage (removed from the answer)
    passed: bool  # the verification gate let it through
    tokens: int  # streamed pieces; llama.cpp streams one token each
    seconds: float  # from the request to the last token, its sentences' checks included
    shown: str = ""  # what of it was released to the reader, sentence by sentence
    cut: str = ""  # an unfinished last sentence (the token budget ran out), never shown
    echoed: int = 0  # sentences copied from the prompt's worked example, never shown

    def to_dict(self) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "sentences": [s.to_dict() for s in self.sentences],
            "markers": self.markers,
            "invalid_markers": list(self.invalid_markers),
            "passed": self.passed,
            "tokens": self.tokens,
            "seconds": round(self.seconds, 3),
            "shown": self.shown,
            "cut": self.cut,
            "echoed": self.echoed,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    mode: Mode
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    unsupported: tuple[str, ...] = ()  # answer sentences no cited passage supports
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds
    notice: str = ""  # what the user should know about how this answer was made
    question: str = ""  # the standalone question that was searched (after rewriting)
    dropped_markers: tuple[int, ...] = ()  # [n] that pointed at no passage, removed
    generated: Generated | None = None  # the model's own answer and its verdicts, if one wrote

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "mode": self.mode,
            "citations": [c.to_dict() for c in self.citations],
            "hits": [h.to_dict() for h in self.hits],
            "unsupported": list(self.unsupported),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "notice": self.notice,
            "question": self.question,
            "dropped_markers": list(self.dropped_markers),
            "generated": None if self.generated is None else self.generated.to_dict(),
        }
