"""One verification step for every answerer: quotes cite their own span, written claims the
best-supporting sentence of the passage; unsupported claims are listed."""

from rag import Assistant
from rag.answer.citations import Claim
from rag.text.sentences import sentence_spans
from rag.verification.verify import verify

QUESTION = "Why do tree-based methods still beat neural networks on tabular data?"


def test_a_quote_cites_its_own_span_and_a_written_claim_the_best_sentence(
    assistant: Assistant,
) -> None:
    hits = assistant.retrieve(QUESTION)
    hit = hits[0]
    docs = {d.id: d for d in assistant.index.documents()}
    text = docs[hit.chunk.document_id].text
    s, e = next(
        (s, e) for s, e in sentence_spans(hit.chunk.text) if "tabular" in hit.chunk.text[s:e]
    )
    start, end = hit.chunk.start + s, hit.chunk.start + e
    quote = text[start:end]
    written = "Tree-based methods beat neural networks on tabular data."
    invented = "Tabular data is best handled by quantum computers."
    verdict = verify(
        [
            Claim(quote, (1,), (start, end)),
            Claim(written, (1,)),
            Claim(invented, (1,)),
        ],
        hits,
        assistant.judge,
    )
    quoted, paraphrase, made_up = verdict.citations
    assert (quoted.start, quoted.end, quoted.quote) == (start, end, quote) and quoted.verified
    assert paraphrase.verified and "tabular" in paraphrase.quote
    assert text[paraphrase.start : paraphrase.end] == paraphrase.quote
    assert not made_up.verified and verdict.unsupported == (invented,)
    assert all(c.source == hit.source and c.marker == 1 for c in verdict.citations)


def test_a_claim_is_supported_when_any_of_its_passages_supports_it(assistant: Assistant) -> None:
    hits = assistant.retrieve(QUESTION)
    tabular = next(i for i, h in enumerate(hits, 1) if "tabular" in h.chunk.text)
    other = next(i for i, h in enumerate(hits, 1) if "tabular" not in h.chunk.text)
    claim = Claim("Tree-based methods beat neural networks on tabular data.", (other, tabular))
    verdict = verify([claim], hits, assistant.judge)
    assert [c.verified for c in verdict.citations] == [False, True]
    assert verdict.unsupported == ()
