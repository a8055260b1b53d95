"""The judges: the learned default on labeled rows and clear cases, with no index; the NLI and
LLM judges on tiny real models (none can be downloaded here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.datasets import load_judge
from eval.judge_validation import gate_figures, shown, validate_judge
from index.embedding import SentenceTransformerEmbedder
from rag.errors import ModelMissingError
from rag.models.llama import LlamaModel
from rag.verification import ClaimVerdict, Judgment, LLMJudge, NLIJudge, make_judge
from rag.verification.judge import LearnedJudge, OverlapJudge

PASSAGE = (
    "Key inflection points cited: AlexNet (2012) for vision, then attention and "
    "transformers for language."
)


@pytest.fixture(scope="module")
def judge(minilm: SentenceTransformerEmbedder) -> LearnedJudge:
    return LearnedJudge()


def test_learned_judge_beats_token_overlap_on_the_projects_pairs(judge: LearnedJudge) -> None:
    # judge.jsonl is part of the fit: this checks the shipped weights, not generalisation
    # (rag eval train-judge prints the cross-validated figures).
    result = validate_judge(judge, load_judge().rows)
    assert result.judge.auroc >= result.baseline.auroc + 0.05
    assert result.judge.balanced_accuracy > result.baseline.balanced_accuracy
    c = result.judge.confusion
    assert c.tp + c.fp + c.tn + c.fn == result.rows


def test_learned_judge_on_clear_cases(judge: LearnedJudge) -> None:
    quoted = judge.judge(PASSAGE, "AlexNet (2012) was a key inflection point for vision.")
    assert not quoted.unsupported and quoted.unsupported_claims == ()
    paraphrase = judge.judge(PASSAGE, "AlexNet in 2012 was an inflection point for vision.")
    for wrong in (
        "AlexNet in 2015 was an inflection point for vision.",
        "ResNet in 2012 was an inflection point for vision.",
        "The capital of Australia is Canberra.",
    ):
        judgment = judge.judge(PASSAGE, wrong)
        assert judgment.unsupported and judgment.score > paraphrase.score, wrong


def test_a_long_answer_is_judged_claim_by_claim_and_names_what_is_unsupported(
    judge: LearnedJudge,
) -> None:
    answer = (
        "AlexNet (2012) was a key inflection point for vision. "
        "Then attention and transformers were key for language. "
        "The Eiffel Tower was painted green by Napoleon in 1999."
    )
    judgment = judge.judge(PASSAGE, answer)
    assert [c.claim for c in judgment.claims] == [
        "AlexNet (2012) was a key inflection point for vision.",
        "Then attention and transformers were key for language.",
        "The Eiffel Tower was painted green by Napoleon in 1999.",
    ]
    assert judgment.unsupported
    (bad,) = judgment.unsupported_claims
    assert bad.claim.startswith("The Eiffel Tower")
    assert {"eiffel", "tower", "napoleon"} <= set(bad.unsupported_words)


def test_passages_as_a_list_or_one_string_score_alike(judge: LearnedJudge) -> None:
    passages = ["AlexNet (2012) changed vision.", "Transformers changed language."]
    answer = "AlexNet changed vision in 2012."
    assert judge.judge(passages, answer).score == judge.judge("\n\n".join(passages), answer).score


def test_overlap_baseline_is_the_share_of_novel_words() -> None:
    judgment = OverlapJudge().judge("the cat sat", "the dog sat")
    assert judgment.score == pytest.approx(1 / 3)


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
    judgment = judge.judge(["a passage", "another passage"], "A claim. Another claim.")
    assert len(judgment.claims) == 2 and judge._entailment == 1
    assert 0.0 <= judgment.score <= 1.0
    assert judgment.score == max(c.score for c in judgment.claims)


def test_nli_judge_without_weights_says_how_to_get_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RAG_HOME", str(tmp_path))
    with pytest.raises(ModelMissingError, match="rag models download judge"):
        make_judge("nli")


def test_llm_judge_runs_through_llama_cpp(tiny_gguf: Path) -> None:
    judge = LLMJudge(LlamaModel(tiny_gguf, n_ctx=2048))
    score = judge.judge(["Trees win on tabular data."], "Trees win on tabular data.").score
    assert score in (0.0, 0.5, 1.0)


def test_the_report_marks_the_words_a_judge_found_unsupported(judge: LearnedJudge) -> None:
    from eval.report import _highlight

    (verdict,) = judge.judge(PASSAGE, "AlexNet beat Napoleon in 2015.").claims
    assert set(verdict.unsupported_words) == {"beat", "napoleon", "2015"}
    marked = _highlight("AlexNet beat <b>Napoleon</b> in 2015.", verdict.unsupported_words)
    assert marked == (
        "AlexNet <mark>beat</mark> &lt;b&gt;<mark>Napoleon</mark>&lt;/b&gt; in <mark>2015</mark>."
    )


def _judgment(*scores: float) -> Judgment:
    claims = tuple(ClaimVerdict(f"claim {i}", s, (0, 1), ()) for i, s in enumerate(scores))
    return Judgment(max(scores, default=0.0), claims, 0.5)


def test_the_gate_shows_an_answer_when_enough_of_its_sentences_are_supported() -> None:
    assert shown(_judgment(0.1, 0.2, 0.3, 0.9), 0.75)  # 3 of 4 supported
    assert not shown(_judgment(0.1, 0.9), 0.75)  # 1 of 2
    assert not shown(_judgment(0.1, 0.9), 1.0) and shown(_judgment(0.1, 0.9), 0.5)
    assert not shown(_judgment(), 0.75)  # no sentence: nothing to show
    figures = gate_figures(
        [_judgment(0.1), _judgment(0.9), _judgment(0.1), _judgment(0.2, 0.9), _judgment(0.7)],
        [0, 0, 1, 1, 1],
        0.75,
    )
    assert (figures.supported, figures.unsupported) == (2, 3)
    assert figures.supported_shown == 0.5 and figures.unsupported_shown == 1 / 3


def test_validation_reports_the_gate_for_the_judge_and_the_baseline(judge: LearnedJudge) -> None:
    rows = load_judge().rows
    result = validate_judge(judge, rows, min_supported=0.75)
    gate = result.judge.gate
    assert gate.supported == sum(r.label == 0 for r in rows) and gate.min_supported == 0.75
    assert gate.supported_shown > gate.unsupported_shown  # the project's own pairs
    assert result.baseline.gate.supported == gate.supported
