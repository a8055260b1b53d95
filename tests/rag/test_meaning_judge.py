"""The shipped meaning judge (modelhome/meaning, trained by eval/train_crossencoder): real
model, real ONNX runtime. What it does well enough to rely on, and, marked as expected
failures, the cases that motivated it that it does not yet get right (its card has the
held-out figures): a stronger model turns those into passes, and strict xfails then say so."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from eval.datasets import SHARED_DATA
from eval.metrics import auroc
from eval.train_crossencoder.data import SUPPORTED, fold, nli_source
from rag.settings import VerificationSettings
from rag.verification import MeaningJudge, evidence, make_judge

PRESLEY = (
    "Navarone Garibaldi is the son of Priscilla Presley and Marco Garibaldi, and the "
    "half-brother of Lisa Marie Presley. Priscilla Presley has been married once, to Elvis."
)
HOUNDS = (
    "The Drever is a Swedish breed of dog used for hunting deer. The Finnish Hound is a dog "
    "breed from Finland, bred to hunt hares and foxes."
)


@pytest.fixture(scope="module")
def judge() -> MeaningJudge:
    return MeaningJudge()


def test_it_is_chosen_by_name_and_the_lexical_judge_stays_the_default() -> None:
    assert isinstance(make_judge("meaning"), MeaningJudge)
    assert VerificationSettings().judge == "lexical"
    assert make_judge("learned").name == "lexical"  # the former name still works


def test_it_separates_held_out_entailment_pairs(judge: MeaningJudge) -> None:
    """SNLI pairs of the held-out fold (premises it never saw in training)."""
    rows = [json.loads(line) for line in (SHARED_DATA / "nli" / "pairs.jsonl").open()]
    held = [
        r for r in rows if r["dataset"] == "snli" and fold(nli_source("snli", r["premise"])) == 0
    ][:300]
    scores = judge.classifier.probabilities(
        [(evidence(r["premise"], r["hypothesis"]).text, r["hypothesis"]) for r in held]
    )
    labels = [int(str(r["label"]).lower() in SUPPORTED) for r in held]
    assert auroc(list(scores), labels) >= 0.85


def test_a_quote_is_supported_without_the_model(judge: MeaningJudge) -> None:
    quote = "The Finnish Hound is a dog breed from Finland, bred to hunt hares and foxes."
    assert judge.claim(HOUNDS, quote).score == 0.0
    # After a short lead-in, as an abstention quotes, or from a sentence of a list.
    assert judge.claim(HOUNDS, f"What they do say: {quote}").score == 0.0
    listed = "Key breeds: the Drever (1953) and the Finnish Hound."
    assert judge.claim(f"{listed}\n{HOUNDS}", listed).score == 0.0
    # Words of the passage that are not a run from a sentence's start are read by the model.
    assert judge.claim("It is not true that the moon is cheese.", "The moon is cheese.").score > 0


def test_a_sentence_that_says_nothing_is_not_scored(judge: MeaningJudge) -> None:
    judgment = judge.judge([HOUNDS], "The Drever comes from Sweden. Based on the passages:")
    assert [c.reason for c in judgment.claims] == ["", "says nothing"]


# (passage, a sentence it supports, one it does not): the gate must show the first and hold
# the second.
MOTIVATING = [
    (
        PRESLEY,
        "Navarone Garibaldi is the half-brother of Lisa Marie Presley.",
        "Navarone Garibaldi is the half-brother of Priscilla Presley.",
    ),
    (
        HOUNDS,
        "Both the Drever and the Finnish Hound are bred for hunting.",
        "The Drever is not used for hunting deer.",
    ),
    (
        PRESLEY,
        "Navarone Garibaldi's mother is Priscilla Presley.",
        "Priscilla Presley has been married four times.",
    ),
]


@pytest.mark.xfail(strict=True, reason="the CPU-trained model does not yet read these right")
@pytest.mark.parametrize(("passage", "supported", "unsupported"), MOTIVATING)
def test_the_motivating_cases(
    judge: MeaningJudge, passage: str, supported: str, unsupported: str
) -> None:
    assert judge.claim(passage, supported).score < judge.threshold
    assert judge.claim(passage, unsupported).score >= judge.threshold


def test_threads_get_the_answers_one_thread_gets(judge: MeaningJudge) -> None:
    cases = [(p, s) for p, *sentences in MOTIVATING for s in sentences] * 4
    alone = [judge.claim(p, s).score for p, s in cases]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda c: judge.claim(*c).score, cases))
    assert together == pytest.approx(alone, abs=1e-6)
