"""Settings of the index stage: one validated object, unknown keys rejected."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from modelhome.environment import rag_home

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
Encoder = Literal["int8", "fp32"]  # index/embedding/onnx_encoder.py; torch is fp32
ENCODERS: tuple[Encoder, ...] = get_args(Encoder)
DEFAULT_ENCODER: Encoder = "int8"  # twice fp32's speed, cosine >= 0.99 with it


def default_index_dir() -> Path:
    return rag_home() / "index"


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="Sentence-transformers model name or local path used to embed chunks.",
    )
    encoder: Encoder = Field(
        DEFAULT_ENCODER,
        description="How a new or rebuilt index encodes, when the model runs in onnxruntime: "
        "'int8' (quantised weights, about twice as fast, cosine >= 0.99 with fp32) or 'fp32' "
        "(torch's own vectors). An existing index keeps the encoder it was built with.",
    )
    chunk_tokens: int = Field(
        200,
        gt=16,
        description="Largest chunk, in the embedding model's own tokens (special tokens "
        "excluded); must leave room for them under the model's max sequence length.",
    )
    chunk_overlap: int = Field(
        32, ge=0, description="Tokens shared by neighbouring chunks so no sentence is cut blind."
    )
    batch_size: int = Field(64, gt=0, description="Chunks per encoder batch.")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> IndexSettings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError("chunk_overlap must be smaller than chunk_tokens")
        return self
