"""The judge that reads meaning: a cross-encoder trained here (eval/train_crossencoder) gives
P(the passage supports the sentence), read on the passage's sentences closest to the claim
(evidence.py). It sees what words cannot: who did what to whom, a dropped or added "not", a
changed number, a clause the passage never states.

One claim costs one pass of a 6-layer MiniLM over ~150 word pieces; an answer's claims go in
one batch. The model ships in the wheel (modelhome/meaning) with the threshold and gate share
validated with it on held-out sources and models.
"""

from __future__ import annotations

from collections.abc import Sequence

from modelhome.pair_classifier import PairClassifier

from ..text import lexicon
from .evidence import evidence, passage_sentences
from .features import says_something
from .judge import EMPTY, ClaimVerdict, Judgment, answer_score, context_text, split_claims

LEAD_WORDS = 5  # "What they do say:", "According to the report:" before a quote


class MeaningJudge:
    name = "meaning"

    def __init__(
        self,
        threshold: float | None = None,
        min_supported: float | None = None,
        classifier: PairClassifier | None = None,
    ) -> None:
        self.classifier = classifier or PairClassifier()
        config = self.classifier.config
        self.threshold = float(config["threshold"]) if threshold is None else threshold
        self.min_supported = (
            float(config["min_supported"]) if min_supported is None else min_supported
        )

    def warm_up(self) -> None:
        """Load the model now, not on the first sentence it judges."""
        self.classifier.warm_up()

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        verdicts = self.claims(context_text(context), split_claims(answer))
        return Judgment(answer_score(verdicts), verdicts, self.threshold)

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        return self.claims(passage, [claim])[0]

    def claims(self, passage: str, claims: Sequence[str]) -> tuple[ClaimVerdict, ...]:
        """Every claim against one passage, in one batch. A claim that is a quote, a run of
        the passage's text from the start of one of its sentences, is supported without asking
        the model: nothing is cheaper or surer. (Not any substring: "X is Y" inside "it is not
        true that X is Y" is no quote.)"""
        cut = [evidence(passage, c) for c in claims]
        said = [i for i, c in enumerate(claims) if says_something(c)]
        quoted = {i for i in said if _quotes(passage, claims[i])}
        asked = [i for i in said if i not in quoted]
        supported = self.classifier.probabilities([(cut[i].text, claims[i]) for i in asked])
        scores = dict(zip(asked, (1.0 - float(p) for p in supported), strict=True))
        scores.update(dict.fromkeys(quoted, 0.0))
        stems = lexicon.content_stems(passage)
        return tuple(
            ClaimVerdict(c, scores[i], cut[i].best, _novel(c, stems))
            if i in scores
            else ClaimVerdict(c, EMPTY, cut[i].best, (), "says nothing")
            for i, c in enumerate(claims)
        )


def _flat(text: str) -> str:
    """Lower case, single spaces, no closing full stop: how a quote is found in its passage."""
    return " ".join(text.lower().split()).rstrip(".")


def _quotes(passage: str, claim: str) -> bool:
    head, colon, tail = claim.partition(": ")
    candidates = [claim]
    if colon and len(head.split()) <= LEAD_WORDS:  # a lead-in: "What they do say: <quote>"
        candidates.append(tail)
    starts = [start for (start, _), _ in passage_sentences(passage)]
    for wanted in map(_flat, candidates):
        reach = len(wanted) + 64  # whitespace may shrink when flattened; never grow
        if any(_flat(passage[s : s + reach]).startswith(wanted) for s in starts):
            return True
    return False


def _novel(claim: str, passage_stems: set[str]) -> tuple[str, ...]:
    """The claim's content words the passage lacks: shown beside a verdict, not scored."""
    found = [w for w in lexicon.words(claim) if w not in lexicon.STOPWORDS]
    return tuple(dict.fromkeys(w for w in found if lexicon.stem(w) not in passage_stems))
