"""The wheel works without the source tree: built, installed into a fresh virtualenv (no
editable install), and run from elsewhere, it indexes a small corpus and answers a question.

The fresh venv gets the project only from the wheel; its third-party dependencies (torch,
faiss, ...) are the test environment's, reached through a .pth file, because installing them
again would download gigabytes. A .pth line adds that folder to sys.path without running
the folder's own .pth files, so the editable install living there stays inactive."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


# What a clean clone holds; the copy keeps the link modelhome/models.txt -> models.txt.
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "reports", "*.egg-info", "__pycache__", ".*_cache"
)


def test_the_wheel_indexes_and_answers_without_the_source_tree(tmp_path: Path) -> None:
    # Built from a copy: setuptools writes build/ beside the sources it builds.
    source = Path(shutil.copytree(ROOT, tmp_path / "source", symlinks=True, ignore=LEFT_OUT))
    wheels = tmp_path / "wheels"
    pip = (sys.executable, "-m", "pip")
    _run(
        *pip,
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        wheels,
        source,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("rag_assistant-*.whl")

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).strip()
    )
    dependencies = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "dependencies.pth").write_text("\n".join(sorted(dependencies)) + "\n")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    corpus = Path(shutil.copytree(CORPUS, work / "docs"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"RAG_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    where = _run(
        python,
        "-c",
        "import cli, eval, index, modelhome, rag, ui; "
        "print(*(m.__file__ for m in (cli, eval, index, modelhome, rag, ui)))",
        cwd=work,
        env=env,
    )
    assert all(path.startswith(str(site)) for path in where.split()), where

    # The meaning judge's model ships in the wheel and runs from it.
    score = _run(
        python,
        "-c",
        "from rag.verification import MeaningJudge; "
        "print(MeaningJudge().claim('The Drever is a Swedish hound.', 'It is Finnish.').score)",
        cwd=work,
        env=env,
    )
    assert 0.0 < float(score) < 1.0

    rag = venv / "bin" / "rag"
    built = _run(rag, "index", "build", corpus, cwd=work, env=env)
    assert "4 added" in built
    shown = _run(rag, "models", "list", cwd=work, env=env)  # reads the packaged models.txt
    assert "qwen2.5-1.5b-instruct-q4_k_m.gguf" in shown
    answer = json.loads(
        _run(
            rag,
            "ask",
            "--json",
            "Why do tree-based methods still beat neural networks on tabular data?",
            cwd=work,
            env=env,
        )
    )
    assert answer["mode"] == "extractive"
    assert answer["citations"] and all(c["verified"] for c in answer["citations"])
    assert answer["citations"][0]["source"] == "001_a4dc316d66749b4e.txt"
