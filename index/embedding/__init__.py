"""Embedding: text -> unit vectors. The `Embedder` protocol and the choice of encoder
(embedder.py), the onnxruntime encoder, int8 or fp32 (onnx_encoder.py), and torch's
(torch_encoder.py). The weights themselves are found and loaded by the model home
(modelhome)."""

from .embedder import Embedder, SentenceTransformerEmbedder, load_embedder, one_thread_per_encode
from .onnx_encoder import OnnxEmbedder

__all__ = [
    "Embedder",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "load_embedder",
    "one_thread_per_encode",
]
