"""The question, before anything is written: a follow-up rewritten to stand alone
(followup.py), the evidence gate that declines what the passages don't cover (gate.py), what
kind of thing the question asks for, which near misses are declined by (asks.py), and the
language it is in, when the index's embedding model cannot read it (language.py)."""

from .asks import KIND_NAMES, Asks, asks
from .followup import FollowupRewriter, Message, good_rewrite
from .gate import EvidenceGate
from .language import (
    MULTILINGUAL_EXAMPLE,
    Language,
    LanguageCheck,
    english_only,
)

__all__ = [
    "KIND_NAMES",
    "MULTILINGUAL_EXAMPLE",
    "Asks",
    "EvidenceGate",
    "FollowupRewriter",
    "Language",
    "LanguageCheck",
    "Message",
    "asks",
    "english_only",
    "good_rewrite",
]
