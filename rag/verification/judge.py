"""The faithfulness judge: the probability that an answer states something its context does
not support, and which claims and words it found unsupported.

One judge serves three callers with one threshold (`VerificationSettings.threshold`): the
Assistant marks each citation verified with it, `rag eval` counts unsupported claims with it,
and `rag eval judge` measures how far it can be trusted. It needs no model, no index and no
RAG_HOME: its signals are lexical (features.py), which is also why it is fast.

The default (`LearnedJudge`) is a logistic regression over the signals of features.py,
fitted on public labeled data by `python -m eval.fit_judge`, which writes judge_weights.json.
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


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    claim: str
    score: float  # probability that the context does not support the claim
    best: tuple[int, int]  # the context sentence closest to the claim (offsets into it)
    unsupported_words: tuple[str, ...]  # the claim's content words the context lacks


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
    name: str
    threshold: float  # a score at or above it means "unsupported"

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment: ...


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

    @classmethod
    def read(cls, path: Path = WEIGHTS_FILE) -> JudgeWeights:
        data = json.loads(path.read_text())
        features = tuple(data["features"])
        if features != FEATURES:
            raise ValueError(
                f"{path} was fitted on other features; refit it: python -m eval.fit_judge"
            )
        by_name = data["weights"]
        return cls(
            features=features,
            mean=np.array([by_name[f]["mean"] for f in features]),
            scale=np.array([by_name[f]["scale"] for f in features]),
            coef=np.array([by_name[f]["coef"] for f in features]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
        )

    def probability(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


@functools.cache
def default_weights() -> JudgeWeights:
    return JudgeWeights.read()


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

    name = "learned"

    def __init__(self, threshold: float | None = None, weights: JudgeWeights | None = None) -> None:
        self.weights = weights or default_weights()
        self.threshold = self.weights.threshold if threshold is None else threshold
        self.featurizer = Featurizer()

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        claims = split_claims(answer)
        signals = self.featurizer.signals(context, claims, question)
        rows = np.stack([answer_features([s]) for s in signals] + [answer_features(signals)])
        scores = self.weights.probability(rows)
        verdicts = tuple(
            _verdict(c, s, float(p)) for c, s, p in zip(claims, signals, scores, strict=False)
        )
        return Judgment(float(scores[-1]), verdicts, self.threshold)

    def claim(self, passage: str, claim: str, question: str | None = None) -> ClaimVerdict:
        """One claim against one passage: what verifies a citation."""
        (signals,) = self.featurizer.signals(passage, [claim], question)
        score = float(self.weights.probability(answer_features([signals])[None, :])[0])
        return _verdict(claim, signals, score)


def _verdict(claim: str, signals: ClaimSignals, score: float) -> ClaimVerdict:
    return ClaimVerdict(claim, score, signals.best, signals.novel)


class OverlapJudge:
    """The one-line baseline: the share of the answer's words that the context lacks."""

    name = "overlap"

    def __init__(self, threshold: float = 0.25) -> None:
        self.threshold = threshold

    def judge(
        self, context: str | Sequence[str], answer: str, question: str | None = None
    ) -> Judgment:
        view = ContextView.of(context_text(context))
        claims = split_claims(answer)
        verdicts = tuple(
            _verdict(c, s, s.values["novel_words"])
            for c, s in ((c, claim_signals(c, view, "")) for c in claims)
        )
        words = lexicon.words(answer)
        novel = sum(w not in view.words for w in words) / len(words) if words else 0.0
        return Judgment(novel, verdicts, self.threshold)
