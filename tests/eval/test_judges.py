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
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    out = tmp_path_factory.mktemp("tiny-nli")
    tokenizer = AutoTokenizer.from_pretrained(str(minilm.path))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=3,
        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
        label2id={"contradiction": 0, "entailment": 1, "neutral": 2},
    )
    BertForSequenceClassification(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


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
