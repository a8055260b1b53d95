"""The question, before anything is written: a follow-up rewritten to stand alone
(followup.py), the evidence gate that declines what the passages don't cover (gate.py), and
what kind of thing the question asks for, which near misses are declined by (asks.py)."""

from .asks import KIND_NAMES, Asks, asks
from .followup import FollowupRewriter, Message, good_rewrite
from .gate import EvidenceGate

__all__ = [
    "KIND_NAMES",
    "Asks",
    "EvidenceGate",
    "FollowupRewriter",
    "Message",
    "asks",
    "good_rewrite",
]
