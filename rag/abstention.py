"""When the corpus does not hold the answer: an evidence score for the retrieved passages.

Dense similarity alone separates on- from off-topic questions by a hair on the sample corpus
(0.165 vs 0.179): "Who painted the Mona Lisa?" is as close to an essay about AI as a real
question. Lexical evidence (how many of the question's content words the best passage holds)
separates them widely, so the score adds both.
"""

from __future__ import annotations

from collections.abc import Sequence

from .records import Hit
from .support import content_stems

LEXICAL_WEIGHT = 0.5


def evidence(question: str, hits: Sequence[Hit]) -> float:
    """max cosine(question, passage) + 0.5 * max share of the question's content words in one
    passage. 0 when nothing was retrieved."""
    if not hits:
        return 0.0
    dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
    wanted = content_stems(question)
    coverage = (
        max((len(wanted & content_stems(h.chunk.text)) / len(wanted) for h in hits), default=0.0)
        if wanted
        else 0.0
    )
    return dense + LEXICAL_WEIGHT * coverage
