"""The ONNX encoder (index/onnx_embedding.py) against sentence-transformers in torch."""

from pathlib import Path

import numpy as np
import pytest

from index.embedding import Embedder, SentenceTransformerEmbedder
from index.onnx_embedding import OnnxEmbedder, exportable
from index.settings import DEFAULT_EMBEDDING_MODEL

from ..conftest import CORPUS


def test_minilm_runs_in_onnxruntime_with_torchs_vectors(minilm: Embedder) -> None:
    assert isinstance(minilm, OnnxEmbedder)
    torch = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)
    texts = [p.read_text(encoding="utf-8")[:1500] for p in sorted(CORPUS.iterdir())]
    texts += ["What is the universal recipe for efficiency?", "Why not?", ""]
    cosine = (minilm.encode(texts) * torch.encode(texts)).sum(axis=1)
    assert cosine.min() >= 0.9999
    assert minilm.dimension == torch.dimension and minilm.max_tokens == torch.max_tokens
    assert minilm.count_tokens("Deep learning works.") == torch.count_tokens("Deep learning works.")
    assert minilm.weights_hash == torch.weights_hash  # an index built either way is the same


def test_a_text_is_encoded_alike_alone_and_in_a_batch(minilm: Embedder) -> None:
    texts = ["short", "a much longer sentence about deep learning and its limits"]
    alone = np.vstack([minilm.encode([t]) for t in texts])
    assert np.allclose(alone, minilm.encode(texts), atol=1e-5)


def test_a_model_that_is_not_mean_pooled_bert_stays_in_torch(tiny_model: Path) -> None:
    # The tiny model has no Normalize module: export() would change its vectors.
    assert not exportable(tiny_model)


def test_a_failed_export_falls_back_to_torch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import index.onnx_embedding as onnx

    def broken(model_dir: Path, out: Path) -> Path:
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(onnx, "export", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    torch = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)
    embedder = OnnxEmbedder(torch)
    assert embedder.session is None
    assert np.allclose(embedder.encode(["Why not?"]), torch.encode(["Why not?"]))
