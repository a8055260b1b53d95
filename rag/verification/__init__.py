"""Checking an answer against what it cites: `verify` scores every claim with the
faithfulness judge the settings name (judges.py; the default in judge.py, its signals in
features.py, its fitted weights and threshold in judge_weights.json; the model-made judges in
by_claim.py) and `passes` says whether a model's answer may be shown; a model's reply is
checked sentence by sentence as it streams (streaming.py); the answer gate's rule, one for the
Assistant and the eval, is in gate.py, and what a claim changes in its passage in
contradiction.py."""

from .by_claim import LLMJudge, NLIJudge
from .evidence import BUDGET, Evidence, evidence, passage_sentences
from .features import (
    CLAIM_FEATURES,
    FEATURES,
    ContextView,
    answer_features,
    claim_signals,
    strip_markers,
)
from .gate import Checked, addresses, enough, shows
from .judge import (
    CHANGED,
    EMPTY,
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
    gate_share,
    split_claims,
)
from .judges import judge_names, make_judge, register_judge
from .meaning import MeaningJudge
from .streaming import Released, SentenceGate, ends_a_sentence
from .verify import Verdict, passes, verify

__all__ = [
    "BUDGET",
    "CHANGED",
    "CLAIM_FEATURES",
    "EMPTY",
    "FEATURES",
    "WEIGHTS_FILE",
    "Checked",
    "ClaimVerdict",
    "ContextView",
    "Evidence",
    "Featurizer",
    "Judge",
    "JudgeWeights",
    "Judgment",
    "LLMJudge",
    "LearnedJudge",
    "MeaningJudge",
    "NLIJudge",
    "OverlapJudge",
    "Released",
    "SentenceGate",
    "Verdict",
    "addresses",
    "answer_features",
    "claim_signals",
    "context_text",
    "default_weights",
    "ends_a_sentence",
    "enough",
    "evidence",
    "gate_share",
    "judge_names",
    "make_judge",
    "passage_sentences",
    "passes",
    "register_judge",
    "shows",
    "split_claims",
    "strip_markers",
    "verify",
]
