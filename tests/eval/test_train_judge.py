"""The training script: deterministic, grouped by source and model, and honest about what it
fits on. Runs on a small sample of the shared data (../shared/data, present on every
developer's machine and in CI)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from eval import train_judge
from rag.verification.features import FEATURES
from rag.verification.judge import JudgeWeights


def test_folds_never_share_a_source_or_a_model(sample: Path) -> None:
    table = train_judge.load(sample, "qa")
    by_source, by_model = train_judge.folds_of(table, 3)
    tested = np.zeros(len(table), int)
    for i in range(3):
        for j in range(3):
            test = (by_source == i) & (by_model == j)
            train = (by_source != i) & (by_model != j)
            tested += test
            assert not set(table.source[test]) & set(table.source[train])
            assert not set(table.model[test]) & set(table.model[train])
    assert (tested == 1).all()  # every answer is judged once
    # RAGTruth's human-labelled answers share their sources' group with the grounding ones.
    ragtruth, grounding = (table.source[table.dataset == d] for d in ("ragtruth", "grounding-qa"))
    assert set(ragtruth) & set(grounding)


@pytest.mark.slow
def test_the_training_is_deterministic_and_prints_the_baselines_and_the_gate(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a" / "w.json", tmp_path / "b" / "w.json"
    first.parent.mkdir(), second.parent.mkdir()
    assert (
        main(["eval", "train-judge", "--data", str(sample), "--folds", "2", "--out", str(first)])
        == 0
    )
    printed = capsys.readouterr().out
    train_judge.train(sample, "qa", 2, second)
    assert first.read_bytes() == second.read_bytes()
    assert capsys.readouterr().out.replace(str(second.parent), str(first.parent)) == printed
    for name in ("grounding-qa", "halueval", "ragtruth", "judge.jsonl"):
        assert name in printed
    assert "lexical AUROC" in printed and "overlap AUROC" in printed and "95% CI" in printed
    assert "supported shown" in printed and "unsupported shown" in printed
    # ... and how the gate, chosen on QA answers, carries over to the short answers.
    assert "halueval (not chosen on)" in printed and "judge.jsonl (not chosen on)" in printed
    weights = JudgeWeights.read(first)
    assert weights.features == FEATURES and 0 < weights.threshold < 1
    assert 0 < weights.min_supported <= 1
    card = first.with_name("judge_card.md").read_text()
    assert "Data" in card and "Recipe" in card and "Time" in card and "AUROC" in card
