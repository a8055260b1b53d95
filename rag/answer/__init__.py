"""Writing the answer from passages: the answer modes and the extractive `Draft` (answerer.py),
quotes (extractive.py) or a local model (llm.py, with its prompt in prompt.py), and the one
citation marker format both use (citations.py)."""

from .answerer import AnswerMode, Draft
from .citations import MARKER, Claim, claims
from .extractive import NO_MORE, ExtractiveAnswerer
from .llm import LLMAnswerer, declines

__all__ = [
    "MARKER",
    "NO_MORE",
    "AnswerMode",
    "Claim",
    "Draft",
    "ExtractiveAnswerer",
    "LLMAnswerer",
    "claims",
    "declines",
]
