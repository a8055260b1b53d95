"""The ONNX encoders (index/embedding/onnx_encoder.py) against sentence-transformers in torch."""

from pathlib import Path

import numpy as np
import pytest

import index
from eval.datasets import load_qa
from index.embedding import Embedder, SentenceTransformerEmbedder, load_embedder
from index.embedding.onnx_encoder import OnnxEmbedder, exportable
from index.errors import IndexMismatchError
from index.settings import DEFAULT_EMBEDDING_MODEL

from ..conftest import CORPUS

QUESTIONS = ["What is the universal recipe for efficiency?", "Why not?", ""]


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8")[:1500] for p in sorted(CORPUS.iterdir())] + QUESTIONS


def test_minilm_runs_in_onnxruntime_fp32_with_torchs_vectors() -> None:
    fp32 = load_embedder(DEFAULT_EMBEDDING_MODEL, "fp32")
    assert isinstance(fp32, OnnxEmbedder) and fp32.encoder == "fp32"
    torch = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)
    cosine = (fp32.encode(_texts()) * torch.encode(_texts())).sum(axis=1)
    assert cosine.min() >= 0.9999
    assert fp32.dimension == torch.dimension and fp32.max_tokens == torch.max_tokens
    assert fp32.count_tokens("Deep learning works.") == torch.count_tokens("Deep learning works.")
    assert fp32.weights_hash == torch.weights_hash


def test_int8_is_the_default_and_stays_within_cosine_099_of_fp32(
    minilm: Embedder, corpus_index: Path
) -> None:
    assert isinstance(minilm, OnnxEmbedder) and minilm.encoder == "int8"
    fp32 = load_embedder(DEFAULT_EMBEDDING_MODEL, "fp32")
    with index.open(corpus_index) as idx:
        chunks = [c.text for c in idx.chunks()]
        assert idx.manifest.encoder == "int8"
    # The bar, on the corpus's chunks and the eval set's questions. (A two-word
    # question like "Why not?" drifts further, 0.96: follow-ups are rewritten before search.)
    questions = [row.question for row in load_qa()]
    texts = chunks + questions
    cosine = (minilm.encode(texts) * fp32.encode(texts)).sum(axis=1)
    assert cosine.min() >= 0.99 and cosine.mean() >= 0.994
    assert cosine.min() < 0.9999  # really quantised: not fp32 under another name


def test_an_index_is_extended_and_searched_with_its_own_encoder(
    corpus_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "idx"
    index.build([corpus_copy], out, settings=index.IndexSettings(encoder="fp32"))
    (corpus_copy / "new.txt").write_text("Program synthesis searches for programs.")
    report = index.build([corpus_copy], out)  # default settings ask for int8
    assert report.added == 1
    with index.open(out) as idx:
        assert idx.manifest.encoder == "fp32" and idx.embedder.encoder == "fp32"
    (corpus_copy / "newer.txt").write_text("Another note.")
    with pytest.raises(IndexMismatchError, match="encoded in fp32"):
        index.build([corpus_copy], out, embedder=load_embedder(DEFAULT_EMBEDDING_MODEL, "int8"))


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
    import index.embedding.onnx_encoder as onnx

    def broken(model_dir: Path, out: Path) -> Path:
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(onnx, "export", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    torch = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)
    embedder = OnnxEmbedder(torch)
    assert embedder.session is None
    assert embedder.encoder == "fp32"  # what an index built now records
    assert np.allclose(embedder.encode(["Why not?"]), torch.encode(["Why not?"]))


def test_an_index_from_before_the_encoder_field_is_read_as_fp32(
    corpus_index: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    old = Path(shutil.copytree(corpus_index, tmp_path / "old"))
    with index.open(old) as idx:
        manifest = old / "snapshots" / idx.snapshot / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["encoder"]
    manifest.write_text(json.dumps(data))
    with index.open(old) as idx:
        assert idx.manifest.encoder == "fp32" and idx.embedder.encoder == "fp32"
