"""The one `Settings` object of the assistant: nested sections, every field described, unknown
keys rejected. Every threshold and weight of the answer stage lives here; the command line
takes its defaults from these fields (cli/options.py), so each default is written once."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from index import IndexSettings

_STRICT = ConfigDict(extra="forbid", frozen=True)

AskMode = Literal["auto", "llm", "extractive"]
ASK_MODES: tuple[AskMode, ...] = ("auto", "llm", "extractive")


class RetrievalSettings(BaseModel):
    model_config = _STRICT
    k: int = Field(5, gt=0, le=50, description="Passages given to the answer.")
    candidates: int = Field(
        30,
        gt=0,
        description="Hits taken from each retriever before fusion; also the most passages one "
        "retrieval can return. Fixed, so asking for more passages never reorders the first ones.",
    )
    rrf_k: int = Field(60, gt=0, description="Reciprocal rank fusion constant (60 is standard).")
    rerank: bool = Field(True, description="Rerank with the cross-encoder when one is installed.")
    rerank_pool: int = Field(
        10, gt=0, description="Passages the cross-encoder reorders (the best fused ones)."
    )

    @model_validator(mode="after")
    def _k_within_candidates(self) -> RetrievalSettings:
        if self.k > self.candidates:
            raise ValueError(f"k ({self.k}) cannot exceed candidates ({self.candidates})")
        return self


class GenerationSettings(BaseModel):
    model_config = _STRICT
    mode: AskMode = Field(
        "auto", description="auto: the LLM when a GGUF is present, else extractive."
    )
    backend: str = Field(
        "llama.cpp",
        description="What runs the language model: a backend of rag/models/backends.py.",
    )
    model_path: Path | None = Field(
        None,
        description="A GGUF file to use instead of the llm of models.txt, or the name of a "
        "language model of models.txt: llm, coder, tiny, smol.",
    )
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="0 = deterministic answers.")
    max_answer_tokens: int = Field(384, gt=0, description="Room kept for the answer in n_ctx.")
    passages: int = Field(3, gt=0, description="Most passages the model reads.")
    passage_chars: int | None = Field(
        500,
        gt=0,
        description="What the model reads of a passage: about this many characters of whole "
        "sentences around its best sentence (None: the whole passage). On a CPU, reading is "
        "most of an answer's time (benchmarks/llm_latency.py).",
    )
    repeat_penalty: float = Field(
        1.2,
        ge=1.0,
        description="llama.cpp's repeat penalty, for chat and base models alike: small models "
        "loop on their own phrases without it.",
    )
    grammar: bool = Field(
        True,
        description="Constrain the model with a grammar (llama.cpp GBNF): every sentence ends "
        "with a marker naming a passage it was given, or the reply is the decline phrase. "
        "SmolLM2-135M-Instruct wrote no marker in 562 sentences without it.",
    )
    n_ctx: int = Field(4096, ge=512, description="llama.cpp context window, in tokens.")
    n_threads: int | None = Field(
        None, description="CPU threads for llama.cpp (None: every CPU this process may use)."
    )
    n_batch: int = Field(
        512,
        ge=8,
        description="Prompt tokens llama.cpp reads at a time (benchmarks/llm_latency.py).",
    )
    keep_opening: bool = Field(
        True,
        description="Keep the KV state of the prompt's fixed opening (instructions, example) "
        "between questions, so the model reads only the passages and the question.",
    )
    seed: int = Field(0, description="Sampling seed, for repeatable answers.")
    template_slack: int = Field(
        64,
        ge=0,
        description="Tokens kept free beyond the counted prompt: llama-cpp-python renders a "
        "chat format it knows (ChatML, say) its own way, not always the GGUF template's.",
    )


class ExtractiveSettings(BaseModel):
    model_config = _STRICT
    sentences: int = Field(3, gt=0, le=10, description="Most sentences quoted in one answer.")
    passages: int = Field(4, gt=0, description="Top passages whose sentences are candidates.")
    min_words: int = Field(
        4, gt=0, description="Shorter lines are headings or fragments, never quoted."
    )
    similarity_weight: float = Field(
        0.7,
        ge=0.0,
        le=1.0,
        description="Weight of MiniLM similarity to the question in a sentence's score; the "
        "rest is the share of the question's content words it holds.",
    )
    relative_floor: float = Field(
        0.8, ge=0.0, le=1.0, description="Quote only sentences scoring this share of the best."
    )
    min_added: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Another sentence is quoted only when the question words it adds to the "
        "chosen ones carry this share of the question's weight (words weighted by rarity).",
    )
    asked_bonus: float = Field(
        0.1,
        ge=0.0,
        description="Added to a sentence's score when it gives what the question asks for: a "
        "reason for why, a number for how many, a date for when, a name for who.",
    )


class VerificationSettings(BaseModel):
    """When the judge (rag/verification/judge.py) counts a claim as unsupported by a passage."""

    model_config = _STRICT
    judge: str = Field(
        "lexical",
        description="The judge that verifies answers, by name (rag/verification/judges.py): "
        "lexical (the fitted word-level judge; 'learned' is its former name), meaning (the "
        "cross-encoder trained here, shipped in the wheel: not yet better on held-out answers, "
        "see modelhome/meaning/card.md), overlap, nli (the cross-encoder of models.txt, when "
        "installed) or llm.",
    )
    threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="A claim is unsupported (its citation not verified) when the judge's "
        "probability that the passage does not support it reaches this. None: the threshold "
        "fitted with the judge (rag eval train-judge), which the judge reads itself. rag "
        "eval and rag eval judge use it too.",
    )
    min_supported: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="A model's answer is shown only when at least this share of its sentences "
        "that say something is supported by the passages they cite, one of those addresses the "
        "question, and one citation is verified (rag/verification/gate.py). None: the share "
        "chosen with the judge's threshold (rag eval train-judge). Otherwise the "
        "extractive answer replaces it, with a notice (the model's text stays in the Answer).",
    )
    unsupported: Literal["hold", "mark"] = Field(
        "hold",
        description="A model's sentence that no passage supports, as its answer streams: held "
        "back (counted in the notice, kept in Answer.generated), or shown marked as not "
        "supported.",
    )


class AbstentionSettings(BaseModel):
    model_config = _STRICT
    min_evidence: float = Field(
        0.48,
        description="Abstain when the retrieved passages' evidence (best cosine + "
        "lexical_weight x best share of question words, rag/question/gate.py) is below this. "
        "Calibrated on the eval set's answerable vs unanswerable questions: "
        "benchmarks/calibrate_abstention.py.",
    )
    lexical_weight: float = Field(
        0.5,
        ge=0.0,
        description="Weight of the question-word share in the evidence: cosine alone barely "
        "separates on- from off-topic questions.",
    )


class FollowupSettings(BaseModel):
    model_config = _STRICT
    max_words: int = Field(
        3,
        ge=0,
        description='A question this short that does not open like one ("Any examples?") is a '
        "fragment of the conversation and is rewritten.",
    )
    history_messages: int = Field(
        6, gt=0, description="Messages of the conversation the LLM sees when rewriting."
    )
    max_tokens: int = Field(64, gt=0, description="Longest rewritten question, in tokens.")


class Settings(BaseModel):
    model_config = _STRICT
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    extractive: ExtractiveSettings = Field(default_factory=ExtractiveSettings)
    verification: VerificationSettings = Field(default_factory=VerificationSettings)
    abstention: AbstentionSettings = Field(default_factory=AbstentionSettings)
    followup: FollowupSettings = Field(default_factory=FollowupSettings)
    max_question_chars: int = Field(2000, gt=0, description="Longer questions are refused.")


def with_choices(
    base: Settings | None = None,
    *,
    mode: AskMode | None = None,
    model: Path | str | None = None,
    k: int | None = None,
    temperature: float | None = None,
    judge: str | None = None,
) -> Settings:
    """`base` (default: the defaults) with what a caller chose for answering, validated: the
    one place Settings are made from command-line flags and the eval's arguments. None keeps
    the base's value."""
    base = base or Settings()
    chosen: dict[str, dict[str, object]] = {
        "generation": {"mode": mode, "model_path": model, "temperature": temperature},
        "retrieval": {"k": k},
        "verification": {"judge": judge},
    }
    sections: dict[str, BaseModel] = {}
    for section, values in chosen.items():
        current: BaseModel = getattr(base, section)
        given = {name: value for name, value in values.items() if value is not None}
        # Each section validated on its own: an error names the field as its flag does ("k").
        sections[section] = type(current).model_validate({**current.model_dump(), **given})
    return base.model_copy(update=sections)
