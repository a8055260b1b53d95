"""The shipped meaning judge (modelhome/meaning, trained by eval/train_crossencoder) on the
failures that motivated it: sentences whose words are all in the passage but whose meaning is
not, and true sentences a word-level judge rejected. Real model, real ONNX runtime."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.verification import MeaningJudge, make_judge

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


def test_it_is_the_default_judge() -> None:
    assert isinstance(make_judge("meaning"), MeaningJudge)
    from rag.settings import VerificationSettings

    assert VerificationSettings().judge == "meaning"
    assert make_judge("learned").name == "lexical"  # the former name still works


@pytest.mark.parametrize(
    ("passage", "sentence"),
    [
        (PRESLEY, "Navarone Garibaldi is the half-brother of Lisa Marie Presley."),
        (PRESLEY, "Navarone Garibaldi's mother is Priscilla Presley."),
        (HOUNDS, "Both the Drever and the Finnish Hound are bred for hunting."),
        (HOUNDS, "The Drever comes from Sweden."),
    ],
)
def test_supported_sentences_are_verified(judge: MeaningJudge, passage: str, sentence: str) -> None:
    verdict = judge.claim(passage, sentence)
    assert verdict.score < judge.threshold, verdict


@pytest.mark.parametrize(
    ("passage", "sentence"),
    [
        (PRESLEY, "Navarone Garibaldi is the half-brother of Priscilla Presley."),
        (PRESLEY, "Lisa Marie Presley is the son of Navarone Garibaldi."),
        (PRESLEY, "Priscilla Presley has been married four times."),
        (HOUNDS, "The Drever is a Finnish breed used for hunting hares."),
        (HOUNDS, "The Drever is not used for hunting deer."),
    ],
)
def test_sentences_the_passage_does_not_support_are_not(
    judge: MeaningJudge, passage: str, sentence: str
) -> None:
    verdict = judge.claim(passage, sentence)
    assert verdict.score >= judge.threshold, verdict


def test_a_quote_is_supported_without_the_model(judge: MeaningJudge) -> None:
    quote = "The Finnish Hound is a dog breed from Finland, bred to hunt hares and foxes."
    assert judge.claim(HOUNDS, quote).score == 0.0
    # Words of the passage that are not a run from a sentence's start are read by the model.
    assert judge.claim("It is not true that the moon is cheese.", "The moon is cheese.").score > 0


def test_an_answer_is_as_unsupported_as_its_worst_sentence(judge: MeaningJudge) -> None:
    answer = (
        "Navarone Garibaldi is the half-brother of Lisa Marie Presley. "
        "Priscilla Presley has been married four times."
    )
    judgment = judge.judge([PRESLEY], answer)
    assert [c.score >= judge.threshold for c in judgment.claims] == [False, True]
    assert judgment.unsupported


def test_threads_get_the_answers_one_thread_gets(judge: MeaningJudge) -> None:
    cases = [
        (PRESLEY, "Navarone Garibaldi is the half-brother of Lisa Marie Presley."),
        (PRESLEY, "Priscilla Presley has been married four times."),
        (HOUNDS, "The Drever comes from Sweden."),
        (HOUNDS, "The Drever is not used for hunting deer."),
    ] * 6
    alone = [judge.claim(p, s).score for p, s in cases]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda c: judge.claim(*c).score, cases))
    assert together == pytest.approx(alone, abs=1e-6)
