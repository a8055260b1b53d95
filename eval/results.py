"""What an eval run produces: per claim, per question, per conversation, and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from rag.records import Generated


@dataclass(frozen=True, slots=True)
class ClaimResult:
    text: str
    markers: tuple[int, ...]
    support: float  # 1 - the judge's score against the cited passages together (0: none cited)
    supported: bool
    cited_supporting: int  # how many of its citations support it on their own
    unsupported_words: tuple[str, ...] = ()  # its content words the cited passages lack


@dataclass(frozen=True, slots=True)
class QuestionResult:
    id: str
    question: str
    answerable: bool
    mode: str
    answer: str
    citations: tuple[dict[str, Any], ...]
    claims: tuple[ClaimResult, ...]
    first_relevant_rank: int | None  # retrieval: rank of the first passage holding a gold quote
    faithfulness: float | None  # None when nothing was claimed (abstained)
    citation_precision: float | None
    citation_recall: float | None
    correctness: float | None
    ms: float
    generated: Generated | None = None  # the model's own answer and the gate's verdicts
    verified_unsupported: int = 0  # shown claims with a "verified" badge the judge rejects
    group: str = "answerable"  # or off_topic, near_miss (eval.datasets.QARow.group)
    correctness_reference: float | None = None  # against the written reference alone

    @property
    def abstained(self) -> bool:
        return self.mode == "abstained"


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """A question asked after earlier turns: was it rewritten before it was searched?"""

    id: str
    history: tuple[str, ...]
    question: str
    followup: bool  # the label: it cannot stand on its own
    searched: str  # what was searched: the question itself, or its rewrite
    gold_rank: int | None  # rank of the first passage holding a gold quote, among those used
    mode: str
    answer: str
    graded: bool = False  # a follow-up with gold quotes: its answer is scored
    correctness: float | None = None  # a follow-up's answer against its gold quotes
    no_more: bool = False  # the label: the documents give no more than the earlier answer
    said_no_more: bool = False  # the answer said so
    # A model's rewrite that is no question, copies an earlier answer or brings nothing of
    # the conversation in (rag.question.good_rewrite): searched, it would have missed.
    bad_rewrite: bool = False

    @property
    def rewritten(self) -> bool:
        return self.searched != self.question


@dataclass(frozen=True)
class EvalReport:
    dataset: str
    judge: str
    mode: str
    k: int
    questions: tuple[QuestionResult, ...]
    metrics: dict[str, float | None]
    recall_curve: dict[int, float]
    timings: dict[str, float]
    model: str | None = None  # the GGUF that answered, in llm mode
    conversations: tuple[ConversationResult, ...] = ()
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["recall_curve"] = {str(k): v for k, v in self.recall_curve.items()}
        return data
