"""The probe that scores a candidate signal on the judge's held-out folds: its claims line up
with the training Table's, each candidate reads what it should (real MiniLM, real SmolLM2
through llama.cpp), and one run prints the signal alone and the judge with and without it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from eval import probe_signals, train_judge
from eval.probe_signals import Alignment, ClaimInput, Likelihood, claim_inputs
from rag.errors import ModelMissingError

WINDOW = (
    "Gradient-boosted trees still win on tabular data. Neural networks dominate images, "
    "speech and text."
)
QUESTION = "Which models win on tabular data?"
COPIED = "Gradient-boosted trees still win on tabular data."
UNRELATED = "The Eiffel Tower was painted bright orange in 1962."


def _claim(text: str) -> ClaimInput:
    return ClaimInput(text, WINDOW, WINDOW, QUESTION, says_something=True)


def test_claims_line_up_with_the_tables(sample: Path) -> None:
    table = train_judge.load(sample, "qa")
    rows = train_judge.labelled(sample, "qa")
    claims = claim_inputs(rows)
    assert len(claims) == len(table.owner)
    assert [c.says_something for c in claims] == list(table.said)
    # Each claim's window is cut from its own answer's context.
    for c, owner in zip(claims, table.owner, strict=True):
        assert c.window in c.context
        assert c.question == (rows[owner].row.question or "")


def test_a_subset_keeps_each_answer_with_its_claims(sample: Path) -> None:
    table = train_judge.load(sample, "qa")
    keep = np.zeros(len(table), bool)
    keep[::3] = True
    part = table.subset(keep)
    assert len(part) == keep.sum()
    assert (part.label == table.label[keep]).all()
    kept_claims = keep[table.owner]
    assert (part.x == table.x[kept_claims]).all()
    # Claim k of the part belongs to the same answer as before, renumbered.
    assert (np.flatnonzero(keep)[part.owner] == table.owner[kept_claims]).all()


def test_a_missing_nli_model_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_signals, "find", lambda role: None)
    with pytest.raises(ModelMissingError, match="rag models download judge"):
        probe_signals.make_candidate("nli", "smol")
    with pytest.raises(ModelMissingError, match="rag models download smol"):
        probe_signals.make_candidate("likelihood", "smol")


@pytest.mark.slow
def test_alignment_matches_a_copied_claim_and_not_an_unrelated_one() -> None:
    rows = Alignment().score([_claim(COPIED), _claim(UNRELATED)])
    assert rows.shape == (2, len(Alignment.columns))
    copied, unrelated = rows
    assert copied[0] < 0.05 and unrelated[0] > 0.3  # window_mean: 1 - mean best cosine
    assert (copied < unrelated).all()


@pytest.mark.slow
def test_likelihood_gains_on_a_copied_claim_with_real_smollm2(smol: Path) -> None:
    """SmolLM2-135M (real weights): reading the window makes a claim copied from it far likelier,
    an unrelated one barely; the columns are negated gains, so the copy scores lower."""
    rows = Likelihood(smol).score([_claim(COPIED), _claim(UNRELATED)])
    columns = Likelihood.columns
    copied, unrelated = rows
    gain = columns.index("gain_mean")
    assert copied[gain] < -1.0 < unrelated[gain]
    assert copied[columns.index("nll_mean")] < unrelated[columns.index("nll_mean")]


@pytest.mark.slow
def test_likelihood_runs_llama_cpp_on_a_long_window(tiny_gguf: Path) -> None:
    """Random weights (tests/tiny_gguf.py): only that the code path runs, with a window longer
    than the model's context, and gives finite numbers; a claim that says nothing is skipped."""
    long = ClaimInput(COPIED, WINDOW * 200, WINDOW, QUESTION, says_something=True)
    empty = ClaimInput("Based on the passages:", WINDOW, WINDOW, QUESTION, says_something=False)
    rows = Likelihood(tiny_gguf, context_tokens=256).score([long, empty])
    assert np.isfinite(rows).all()
    assert rows[0].any() and not rows[1].any()


@pytest.mark.slow
def test_one_run_prints_the_signal_alone_and_the_judge_with_and_without_it(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["eval", "probe", "alignment", "--data", str(sample), "--folds", "2", "--limit", "40"])
        == 0
    )
    printed = capsys.readouterr().out
    assert "claims of 160 answers" in printed  # 40 of each of the 4 datasets
    for column in Alignment.columns:
        assert f"alignment.{column}" in printed
    assert probe_signals.LEXICAL_BEST in printed
    assert "+alignment AUROC" in printed and "grounding AUROC" in printed
    assert "supported shown" in printed
