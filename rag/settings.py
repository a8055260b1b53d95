"""The one `Settings` object of the assistant: nested sections, every field described, unknown
keys rejected."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from index import IndexSettings

_STRICT = ConfigDict(extra="forbid", frozen=True)


class RetrievalSettings(BaseModel):
    model_config = _STRICT
    k: int = Field(5, gt=0, le=50, description="Passages given to the answer.")
    candidates: int = Field(30, gt=0, description="Hits taken from each retriever before fusion.")
    rrf_k: int = Field(60, gt=0, description="Reciprocal rank fusion constant (60 is standard).")
    rerank: bool = Field(True, description="Rerank with the cross-encoder when one is installed.")


class GenerationSettings(BaseModel):
    model_config = _STRICT
    mode: Literal["auto", "llm", "extractive"] = Field(
        "auto", description="auto: the LLM when a GGUF is present, else extractive."
    )
    model_path: Path | None = Field(
        None, description="A GGUF file to use instead of the llm of models.txt."
    )
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="0 = deterministic answers.")
    max_answer_tokens: int = Field(384, gt=0, description="Room kept for the answer in n_ctx.")
    n_ctx: int = Field(4096, ge=512, description="llama.cpp context window, in tokens.")
    n_threads: int | None = Field(None, description="CPU threads for llama.cpp (None: auto).")
    seed: int = Field(0, description="Sampling seed, for repeatable answers.")
    extractive_sentences: int = Field(3, gt=0, le=10, description="Sentences quoted.")


class AbstentionSettings(BaseModel):
    model_config = _STRICT
    min_evidence: float = Field(
        0.48,
        description="Abstain when the retrieved passages' evidence (best cosine + 0.5 x best "
        "share of question words, rag/abstention.py) is below this. Calibrated on the eval "
        "set's answerable vs unanswerable questions: benchmarks/calibrate_abstention.py.",
    )


class Settings(BaseModel):
    model_config = _STRICT
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    abstention: AbstentionSettings = Field(default_factory=AbstentionSettings)
    max_question_chars: int = Field(2000, gt=0, description="Longer questions are refused.")
