"""Tiny, random, real BERT models with MiniLM's tokenizer: stand-ins for models that cannot be
downloaded here (a second embedder, a reranker, an NLI judge). They run the real loading and
inference code; their outputs mean nothing."""

from __future__ import annotations

from pathlib import Path


def save_tiny_bert(out: Path, tokenizer_dir: Path, *, labels: list[str] | None = None) -> Path:
    """A 1-layer, 32-wide BERT; with `labels`, a sequence classifier (a cross-encoder)."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, BertModel

    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    extra = {}
    if labels:
        extra = {
            "num_labels": len(labels),
            "id2label": dict(enumerate(labels)),
            "label2id": {name: i for i, name in enumerate(labels)},
        }
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        **extra,
    )
    model = BertForSequenceClassification(config) if labels else BertModel(config)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
