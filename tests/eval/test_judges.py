from pathlib import Path

import pytest

from eval.datasets import load_judge
from eval.judge_validation import validate_judge
from eval.judges import LLMJudge, MiniLMJudge, NLIJudge, OverlapJudge
from index.embedding import SentenceTransformerEmbedder
from rag.generation import LlamaGenerator


def test_minilm_judge_beats_token_overlap_on_subtle_errors(
    minilm: SentenceTransformerEmbedder,
) -> None:
    rows = load_judge()
    ours = validate_judge(MiniLMJudge(minilm), rows)
    baseline = validate_judge(OverlapJudge(), rows)
    assert ours.auroc >= baseline.auroc + 0.1  # 0.901 vs 0.691 when written
    assert ours.balanced_accuracy > baseline.balanced_accuracy
    assert ours.auroc >= 0.85
    c = ours.confusion
    assert c.tp + c.fp + c.tn + c.fn == len(rows)


def test_minilm_judge_on_clear_cases(minilm: SentenceTransformerEmbedder) -> None:
    judge = MiniLMJudge(minilm)
    passage = [
        "Key inflection points cited: AlexNet (2012) for vision, then attention and "
        "transformers for language."
    ]
    assert (
        judge.support("AlexNet in 2012 was an inflection point for vision.", passage)
        >= judge.threshold
    )
    for wrong in (
        "AlexNet in 2015 was an inflection point for vision.",
        "ResNet in 2012 was an inflection point for vision.",
        "The capital of Australia is Canberra.",
    ):
        assert judge.support(wrong, passage) < judge.threshold, wrong
    assert judge.support("anything", []) == 0.0


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory: pytest.TempPathFactory, minilm: SentenceTransformerEmbedder) -> Path:
    """A real, tiny, untrained NLI-shaped cross-encoder: no NLI model can be downloaded here."""
    from ..tiny_bert import save_tiny_bert

    return save_tiny_bert(
        tmp_path_factory.mktemp("tiny-nli"),
        minilm.path,
        labels=["contradiction", "entailment", "neutral"],
    )


def test_nli_judge_reads_the_entailment_label(tiny_nli: Path) -> None:
    judge = NLIJudge(tiny_nli)
    score = judge.support("a claim", ["a passage", "another passage"])
    assert 0.0 <= score <= 1.0 and judge._entailment == 1
    assert judge.support("a claim", []) == 0.0


def test_llm_judge_runs_through_llama_cpp(tiny_gguf: Path) -> None:
    judge = LLMJudge(LlamaGenerator(tiny_gguf, n_ctx=2048))
    assert judge.support("Trees win on tabular data.", ["Trees win on tabular data."]) in (
        0.0,
        0.5,
        1.0,
    )
