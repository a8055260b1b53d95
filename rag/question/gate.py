"""When the corpus does not hold the answer: an evidence gate on the retrieved passages.

Dense similarity alone separates on- from off-topic questions by a hair on the sample corpus
(0.165 vs 0.179): "Who painted the Mona Lisa?" is as close to an essay about AI as a real
question. Lexical evidence (how many of the question's content words the best passage holds)
separates them widely, so the score adds both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from ..records import Hit
from ..settings import AbstentionSettings
from ..text import lexicon


class EvidenceGate:
    def __init__(self, settings: AbstentionSettings) -> None:
        self.settings = settings

    def evidence(self, question: str, hits: Sequence[Hit]) -> float:
        """max cosine(question, passage) + lexical_weight * the best share of the question's
        content words in one passage. 0 when nothing was retrieved."""
        if not hits:
            return 0.0
        dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
        wanted = lexicon.content_stems(question)
        # A question of stopwords only ("What is it?") has no words to find: no evidence.
        lexical = max(lexicon.coverage(wanted, _stems(h)) for h in hits) if wanted else 0.0
        return dense + self.settings.lexical_weight * lexical

    def admits(self, question: str, hits: Sequence[Hit]) -> bool:
        """Is the evidence strong enough to answer from these passages?"""
        return self.evidence(question, hits) >= self.settings.min_evidence


def _stems(hit: Hit) -> set[str]:
    """The content words of a passage and of its file's name: a table's rows do not repeat
    what the table is about ("Place: 1; Runner: Keiko Tanaka" in city_marathon_2024.csv)."""
    name = re.sub(r"[\W_]+", " ", PurePath(hit.source).stem)
    return lexicon.content_stems(f"{hit.chunk.text} {name}")
