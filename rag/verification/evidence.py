"""The part of a passage a claim is read against by the cross-encoder judge.

A cross-encoder reads a few hundred tokens, and costs grow with the square of them, so a long
passage is cut to the sentences that share most content words with the claim, kept in the
passage's order (a claim that joins two sentences of a passage sees both). Training
(eval/train_crossencoder) cuts its passages with this same function, so the model is trained on
what it is shown at run time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..text import lexicon
from ..text.sentences import sentence_spans

BUDGET = 100  # words of evidence: with a claim, under the 192 word pieces the model reads


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str  # what the model reads: the chosen sentences in the passage's order
    best: tuple[int, int]  # offsets into the passage of the sentence closest to the claim


@functools.lru_cache(maxsize=512)
def passage_sentences(passage: str) -> tuple[tuple[tuple[int, int], frozenset[str]], ...]:
    """Each sentence's span and content stems: one passage is read against every claim that
    cites it (lru_cache is safe under threads)."""
    spans = sentence_spans(passage) or [(0, len(passage))]
    return tuple((span, frozenset(lexicon.content_stems(passage[slice(*span)]))) for span in spans)


def evidence(passage: str, claim: str, budget: int = BUDGET) -> Evidence:
    """The sentences of `passage` closest to `claim`, at most `budget` words (whole passage
    when it fits), and the closest one's offsets."""
    sentences = passage_sentences(passage)
    spans = [span for span, _ in sentences]
    wanted = lexicon.content_stems(claim)
    scores = [lexicon.coverage(wanted, stems) for _, stems in sentences]
    order = sorted(range(len(spans)), key=lambda i: (-scores[i], i))
    best = spans[order[0]]
    if len(passage.split()) <= budget:
        return Evidence(passage, best)
    chosen: list[int] = []
    used = 0
    for i in order:
        size = len(passage[spans[i][0] : spans[i][1]].split())
        if chosen and used + size > budget:
            continue
        chosen.append(i)
        used += size
        if used >= budget:
            break
    text = " ".join(passage[spans[i][0] : spans[i][1]] for i in sorted(chosen))
    return Evidence(_clip(text, budget), best)


def _clip(text: str, budget: int) -> str:
    """A single sentence longer than the budget (a table row, a run-on line) is cut to it."""
    words = text.split()
    return text if len(words) <= budget else " ".join(words[:budget])
