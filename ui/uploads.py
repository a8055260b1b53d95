"""Uploaded files: allowed types only, size-limited, names sanitised, stored only under the
app's data directory."""

from __future__ import annotations

import re
import shutil
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from index import SUPPORTED

ALLOWED = SUPPORTED
MAX_BYTES = 20 * 1024 * 1024


class UploadError(ValueError):
    pass


def safe_name(name: str) -> str:
    """A plain file name: no directories, no traversal, no control or odd characters."""
    base = unicodedata.normalize("NFKC", Path(name.replace("\\", "/")).name)
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" ._")[:120] or "upload"
    return f"{stem}{suffix}"


def store(source: Path, original_name: str, folder: Path, max_bytes: int = MAX_BYTES) -> Path:
    """Copy an uploaded temp file into `folder` under a safe name; refuse what is not allowed."""
    name = safe_name(original_name)
    if Path(name).suffix not in ALLOWED:
        raise UploadError(f"{original_name}: only {', '.join(ALLOWED)} files can be added")
    size = source.stat().st_size
    if size > max_bytes:
        raise UploadError(
            f"{original_name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit"
        )
    if size == 0:
        raise UploadError(f"{original_name}: the file is empty")
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / name).resolve()
    if target.parent != folder.resolve():  # belt and braces: safe_name already forbids this
        raise UploadError(f"{original_name}: not a valid file name")
    tmp = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return target


def discard(paths: Iterable[str | Path], folder: Path) -> None:
    """Delete received files that lie inside `folder`, and the folders Gradio made for them
    once empty; never anything outside `folder`."""
    root = folder.resolve()
    for given in paths:
        path = Path(given).resolve()
        if root not in path.parents:
            continue
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == root:
                break
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break


def sweep(folder: Path, older_than: float) -> None:
    """Delete what lies in `folder` longer than `older_than` seconds: uploads Gradio refused
    itself (too large) and the empty temp files it makes for each upload never reach the app's
    handler, so they are collected here."""
    if not folder.is_dir():
        return
    cutoff = time.time() - older_than
    for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):  # files before dirs
        try:
            if path.lstat().st_mtime > cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                path.rmdir()  # only when emptied above
            else:
                path.unlink()
        except OSError:
            continue
