"""Language models to the answer stage: what one is (text_model.py: a `Prompt` in, text
deltas out), the backends that run one, by name (backends.py), and llama.cpp's (llama.py).
Which model file to run, and loading it, is the model home's (modelhome)."""

from .backends import backends, open_text_model, register_backend
from .llama import LlamaModel
from .text_model import Prompt, TextModel

__all__ = [
    "LlamaModel",
    "Prompt",
    "TextModel",
    "backends",
    "open_text_model",
    "register_backend",
]
