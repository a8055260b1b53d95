"""Checking an answer against what it cites: `verify` scores every claim with the
faithfulness judge (judge.py, its signals in features.py, its fitted weights and threshold in
judge_weights.json) and `passes` says whether a model's answer may be shown."""

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
from .verify import NO_CLAIMS, Verdict, passes, verify

__all__ = [
    "FEATURES",
    "NO_CLAIMS",
    "WEIGHTS_FILE",
    "ClaimVerdict",
    "Featurizer",
    "Judge",
    "JudgeWeights",
    "Judgment",
    "LearnedJudge",
    "OverlapJudge",
    "Verdict",
    "answer_features",
    "context_text",
    "default_weights",
    "passes",
    "split_claims",
    "verify",
]
