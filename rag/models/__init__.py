"""The models the answer stage runs: which ones (catalogue.py reads models.txt and finds each
on this machine), what a language model is to the rest of the stage (text_model.py), llama.cpp
running a GGUF (llama.py), and the cross-encoder reranker (rerank.py). Model files themselves
are found, downloaded and checked by index.model_files."""

from .catalogue import (
    LLM_ROLES,
    ROLES,
    ModelSpec,
    Role,
    download,
    find,
    find_llm,
    llm_missing_message,
    local_path,
    models_file,
    packaged,
    read_models,
    spec_for,
)
from .llama import LlamaModel
from .text_model import Prompt, TextModel

__all__ = [
    "LLM_ROLES",
    "ROLES",
    "LlamaModel",
    "ModelSpec",
    "Prompt",
    "Role",
    "TextModel",
    "download",
    "find",
    "find_llm",
    "llm_missing_message",
    "local_path",
    "models_file",
    "packaged",
    "read_models",
    "spec_for",
]
