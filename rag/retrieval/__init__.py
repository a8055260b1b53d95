"""Passages for a question: dense (FAISS) and BM25 (SQLite FTS5) search fused by rank,
neighbouring chunks merged, and a cross-encoder rerank when one is installed."""

from .retriever import Reranker, Retriever, reciprocal_rank_fusion

__all__ = ["Reranker", "Retriever", "reciprocal_rank_fusion"]
