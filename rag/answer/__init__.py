"""Writing the answer from passages: the `Answerer` protocol and its `Draft` (answerer.py),
quotes (extractive.py) or a local model (llm.py, with its prompt in prompt.py), and the one
citation marker format both use (citations.py)."""

from .answerer import Answerer, AnswerMode, Draft
from .citations import MARKER, Claim, claims
from .extractive import NO_MORE, ExtractiveAnswerer
from .llm import LLMAnswerer

__all__ = [
    "MARKER",
    "NO_MORE",
    "AnswerMode",
    "Answerer",
    "Claim",
    "Draft",
    "ExtractiveAnswerer",
    "LLMAnswerer",
    "claims",
]
