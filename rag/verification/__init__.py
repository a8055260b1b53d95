"""Checking an answer against what it cites: `verify` scores every claim with the
faithfulness judge (judge.py, its signals in features.py, its fitted weights and threshold in
judge_weights.json) and `passes` says whether a model's answer may be shown; a model's reply
is checked sentence by sentence as it streams (streaming.py)."""

from .features import FEATURES, answer_features
from .judge import (
    WEIGHTS_FILE,
    ClaimVerdict,
    Featurizer,
    Judge,
    JudgeWeights,
    Judgment,
    LearnedJudge,
    OverlapJudge,
    context_text,
    default_weights,
    split_claims,
)
from .streaming import Released, SentenceGate, ends_a_sentence
from .verify import Verdict, passes, verify

__all__ = [
    "FEATURES",
    "WEIGHTS_FILE",
    "ClaimVerdict",
    "Featurizer",
    "Judge",
    "JudgeWeights",
    "Judgment",
    "LearnedJudge",
    "OverlapJudge",
    "Released",
    "SentenceGate",
    "Verdict",
    "answer_features",
    "context_text",
    "default_weights",
    "ends_a_sentence",
    "passes",
    "split_claims",
    "verify",
]
