"""The model home, on the ground floor: every stage finds and loads its models here.

- catalogue.py: models.txt, which model plays each role, and where each is on this machine;
- files.py: finding, downloading, assembling and checking model files, never on the network
  unless asked to;
- loading.py: the one place a model is constructed, once per process, thread-safe;
- cross_encoder.py: the one cross-encoder wrapper (reranker, NLI judge);
- environment.py: every environment variable the library reads.

It imports no stage: index/ (the embedder) and rag/ (language models, judges, the reranker)
both stand on it, so neither needs the other to load a model.
"""

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
from .cross_encoder import CrossEncoderModel
from .errors import DownloadError, ModelError, ModelMissingError, ModelNotFoundError

__all__ = [
    "LLM_ROLES",
    "ROLES",
    "CrossEncoderModel",
    "DownloadError",
    "ModelError",
    "ModelMissingError",
    "ModelNotFoundError",
    "ModelSpec",
    "Role",
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
