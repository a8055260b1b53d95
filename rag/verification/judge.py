"""The faithfulness judge: the probability that an answer states something its context does
not support, and which claims and words it found unsupported.

One judge serves three callers with one threshold (`VerificationSettings.threshold`): the
Assistant marks each citation verified with it, `rag eval` counts unsupported claims with it,
and `rag eval judge` measures how far it can be trusted. It needs no model, no index and no
RAG_HOME: its signals are lexical (features.py), which is also why it is fast.

The default (`LearnedJudge`) is a logistic regression over the signals of features.py,
fitted on public labeled data by `rag eval train-judge`, which writes judge_weights.json.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..text import lexicon
from ..text.sentences import sentence_spans
from .features import FEATURES, ClaimSignals, ContextView, answer_features, claim_signals

WEIGHTS_FILE = Path(__file__).with_name("judge_weights.json")
CACHE_SIZE = 1024
# The score of a claim that changes what its window says (a negation, an opposite, a number,
# a swap: contradiction.py), whatever its words score, and of a claim that says nothing.
CHANGED = 0.99
EMPTY = 1.0


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    claim: str
    score: float  # probability that the context does not support the claim
    best: tuple[int, int]  # the context sentence closest to the claim (offsets into it)
    unsupported_words: tuple[str, ...]  # the claim's content words the context lacks
    # Why it is unsupported beyond its words: what it changes in its window ("negation",
    # "opposite", "number", "role swap"), a source the context never names ("attribution"),
    # "says nothing" (no content word), or "".
    reason: str = ""

    @property
    def says_something(self) -> bool:
        return self.reason != "says nothing"


@dataclass(frozen=True, slots=True)
class Judgment:
    score: float  # probability that the answer states something the context does not support
    claims: tuple[ClaimVerdict, ...]
    threshold: float

    @property
    def unsupported(self) -> bool:
        return self.score >= self.threshold

    @property
    def unsupported_claims(self) -> tuple[ClaimVerdict, ...]:
        return tuple(c for c in self.claims if c.score >= self.threshold)


class Judge(Protocol):
    """What verification needs of a judge; judges are chosen by name (judges.py)."""

    name: str
    threshold: float  # a score at or above it means "unsupported"
    min_supported: float  # the answer gate's share of supported sentences (gate.py)

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        """Every claim of `answer` against the whole `context`, and the answer's score."""
        ...

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        """One claim against one passage: what verifies a citation."""
        ...


def context_text(context: str | Sequence[str]) -> str:
    """Passages as one text, so a list and its joined string are judged alike."""
    return context if isinstance(context, str) else "\n\n".join(context)


def split_claims(answer: str) -> list[str]:
    """The sentences of an answer, each judged on its own: nothing is cut at a model's limit."""
    return [answer[s:e] for s, e in sentence_spans(answer)] or [answer]


@dataclass(frozen=True)
class JudgeWeights:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    min_supported: float  # the answer gate's share, chosen with the threshold

    @classmethod
    def read(cls, path: Path = WEIGHTS_FILE) -> JudgeWeights:
        data = json.loads(path.read_text())
        features = tuple(data["features"])
        if features != FEATURES:
            raise ValueError(f"{path} was fitted on other features; refit it: rag eval train-judge")
        by_name = data["weights"]
        return cls(
            features=features,
            mean=np.array([by_name[f]["mean"] for f in features]),
            scale=np.array([by_name[f]["scale"] for f in features]),
            coef=np.array([by_name[f]["coef"] for f in features]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            min_supported=float(data["min_supported"]),
        )

    def probability(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


@functools.cache
def default_weights() -> JudgeWeights:
    return JudgeWeights.read()


def gate_share(min_supported: float | None) -> float:
    """`min_supported`, or when None the gate's share fitted with the default judge."""
    return default_weights().min_supported if min_supported is None else min_supported


class Featurizer:
    """The judge's signals for (context, claims, question), with contexts prepared once: the
    same passages are judged against many claims (each citation of an answer, then the eval).
    Thread-safe: the cache holds immutable values."""

    def __init__(self) -> None:
        self._context = functools.lru_cache(maxsize=CACHE_SIZE)(ContextView.of)

    def signals(
        self, context: str | Sequence[str], claims: Sequence[str], question: str | None = None
    ) -> list[ClaimSignals]:
        view = self._context(context_text(context))
        return [claim_signals(c, view, question or "") for c in claims]


class LearnedJudge:
    """Scores each claim and the whole answer with the fitted model."""

    name = "lexical"

    def __init__(
        self,
        threshold: float | None = None,
        weights: JudgeWeights | None = None,
        min_supported: float | None = None,
    ) -> None:
        self.weights = weights or default_weights()
        self.threshold = self.weights.threshold if threshold is None else threshold
        # The answer gate's share (gate.py), fitted with the threshold unless set.
        self.min_supported = self.weights.min_supported if min_supported is None else min_supported
        self.featurizer = Featurizer()

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        claims = split_claims(answer)
        signals = self.featurizer.signals(context, claims, question)
        scores = self.weights.probability(np.stack([answer_features([s]) for s in signals]))
        verdicts = tuple(
            _verdict(c, s, float(p)) for c, s, p in zip(claims, signals, scores, strict=True)
        )
        return Judgment(answer_score(verdicts), verdicts, self.threshold)

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        """One claim against one passage: what verifies a citation."""
        (signals,) = self.featurizer.signals(passage, [claim], question)
        score = float(self.weights.probability(answer_features([signals])[None, :])[0])
        return _verdict(claim, signals, score)


def answer_score(verdicts: Sequence[ClaimVerdict]) -> float:
    """An answer is as unsupported as its worst claim that says something: a preamble ("Based
    on the passages:") neither sinks a good answer nor lifts a bad one. An answer that says
    nothing at all is unsupported."""
    said = [v.score for v in verdicts if v.says_something]
    return max(said) if said else EMPTY


def _verdict(claim: str, signals: ClaimSignals, score: float) -> ClaimVerdict:
    if signals.says_nothing:
        return ClaimVerdict(claim, EMPTY, signals.best, (), "says nothing")
    if signals.contradiction:
        score = max(score, CHANGED)
    return ClaimVerdict(claim, score, signals.best, signals.novel, signals.contradiction)


class OverlapJudge:
    """The one-line baseline: the share of the answer's words that the context lacks."""

    name = "overlap"

    def __init__(self, threshold: float = 0.25, min_supported: float | None = None) -> None:
        self.threshold = threshold
        self.min_supported = gate_share(min_supported)  # none was fitted with it

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        view = ContextView.of(context_text(context))
        claims = split_claims(answer)
        verdicts = tuple(
            ClaimVerdict(c, s.values["novel_words"], s.best, s.novel)
            for c, s in ((c, claim_signals(c, view, "")) for c in claims)
        )
        words = lexicon.words(answer)
        novel = sum(w not in view.words for w in words) / len(words) if words else 0.0
        return Judgment(novel, verdicts, self.threshold)

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        """The share of the claim's words that the passage lacks."""
        signals = claim_signals(claim, ContextView.of(passage), "")
        return ClaimVerdict(claim, signals.values["novel_words"], signals.best, signals.novel)
