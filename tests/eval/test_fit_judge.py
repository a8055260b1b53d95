"""The fit script: deterministic, and honest about what it fits on. Runs on a small sample of
the shared dev data (../shared/data, present on every developer's machine and in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import fit_judge
from eval.judges import make_judge
from rag.verification.features import FEATURES
from rag.verification.judge import JudgeWeights


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    for file in fit_judge.DATASETS.values():
        lines = (fit_judge.SHARED_DATA / file).read_text().splitlines()[:40]
        (folder / file).write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.slow
def test_the_fit_is_deterministic_and_prints_the_baselines(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    fit_judge.main(["--data", str(sample), "--folds", "2", "--out", str(first)])
    printed = capsys.readouterr().out
    fit_judge.main(["--data", str(sample), "--folds", "2", "--out", str(second)])
    assert first.read_bytes() == second.read_bytes()
    assert capsys.readouterr().out.replace(str(second), str(first)) == printed
    for name in ("halueval", "ragtruth", "judge.jsonl"):
        assert name in printed
    assert "overlap AUROC" in printed and "cosine AUROC" in printed and "95% CI" in printed
    weights = JudgeWeights.read(first)
    assert weights.features == FEATURES and 0 < weights.threshold < 1
    provenance = json.loads(first.read_text())["fitted_on"]
    assert provenance["halueval"]["answers"] == 80 and len(provenance["ragtruth"]["sha256"]) == 64


def test_the_default_judge_needs_no_index_and_no_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "nowhere"))
    judge = make_judge("learned")
    judgment = judge.judge(["Trees beat nets on tables."], "Quantum computers beat trees.")
    assert judgment.unsupported and not (tmp_path / "nowhere").exists()
