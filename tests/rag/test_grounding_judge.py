"""The judge's known blind spots, each with several examples of our own: a claim that keeps the
words of its passage but changes what it says (a swapped role, a negation, a number or a date,
an opposite) is unsupported; a sentence that says nothing is not counted as support; a
faithful paraphrase is supported; and the answer gate wants a supported sentence that
addresses the question. The real judge with its shipped weights, no mocks."""

from __future__ import annotations

import pytest

from rag.verification import LearnedJudge
from rag.verification.gate import Checked, addresses, shows

TABULAR = (
    "Neural nets dominate unstructured data such as images, audio and text. Tree-based "
    "methods, often with boosting, remain superior on tabular data because of more suitable "
    "inductive biases."
)
ALEXNET = (
    "In 2012, AlexNet won the ImageNet competition by a wide margin. It was trained on two GPUs "
    "and had 60 million parameters."
)
MARCUS = (
    "Gary Marcus argues that deep learning is data hungry. Yann LeCun replied that "
    "self-supervised learning will reduce the need for labels."
)
BOOK = (
    "The committee approved the budget in March. The mayor vetoed the proposal in April. "
    "Engineers inspected the bridge every two years."
)


@pytest.fixture(scope="module")
def judge() -> LearnedJudge:
    return LearnedJudge()


def verdict(judge: LearnedJudge, passage: str, claim: str) -> tuple[bool, str]:
    v = judge.claim(passage, claim)
    return v.score < judge.threshold, v.reason


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        (TABULAR, "Tree-based methods dominate unstructured data."),
        (
            TABULAR,
            "Neural nets remain superior on tabular data because of suitable inductive biases.",
        ),
        (MARCUS, "Yann LeCun argues that deep learning is data hungry."),
        (BOOK, "The mayor approved the budget in March."),
    ],
)
def test_a_swapped_role_is_unsupported(judge: LearnedJudge, passage: str, claim: str) -> None:
    supported, _ = verdict(judge, passage, claim)
    assert not supported


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        (TABULAR, "Neural nets do not dominate unstructured data."),
        (TABULAR, "Tree-based methods, often with boosting, are not superior on tabular data."),
        (MARCUS, "Gary Marcus argues that deep learning is not data hungry."),
        (BOOK, "Engineers never inspected the bridge every two years."),
    ],
)
def test_a_negation_is_unsupported(judge: LearnedJudge, passage: str, claim: str) -> None:
    assert verdict(judge, passage, claim) == (False, "negation")


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        (ALEXNET, "In 2015, AlexNet won the ImageNet competition by a wide margin."),
        (ALEXNET, "AlexNet was trained on two GPUs and had 90 million parameters."),
        (BOOK, "Engineers inspected the bridge every five years."),
        (TABULAR + " The survey covered 45 datasets.", "The survey covered 12 datasets."),
    ],
)
def test_a_changed_number_or_date_is_unsupported(
    judge: LearnedJudge, passage: str, claim: str
) -> None:
    assert verdict(judge, passage, claim) == (False, "number")


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        (TABULAR, "Tree-based methods remain inferior on tabular data."),
        (
            MARCUS,
            "Yann LeCun replied that self-supervised learning will increase the need for labels.",
        ),
    ],
)
def test_an_opposite_is_unsupported(judge: LearnedJudge, passage: str, claim: str) -> None:
    assert verdict(judge, passage, claim) == (False, "opposite")


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        (TABULAR, "Neural nets dominate unstructured data, as a 2019 Stanford study showed."),
        (ALEXNET, "AlexNet won ImageNet in 2012, according to Google researchers."),
        (BOOK, "A 2020 report by Deloitte found the mayor vetoed the proposal."),
    ],
)
def test_a_source_the_context_never_names_is_unsupported(
    judge: LearnedJudge, passage: str, claim: str
) -> None:
    assert verdict(judge, passage, claim) == (False, "attribution")


def test_a_source_the_context_names_may_be_credited(judge: LearnedJudge) -> None:
    passage = "A 2019 Stanford study found that neural nets dominate unstructured data."
    claim = "A 2019 Stanford study found that neural nets dominate unstructured data."
    assert verdict(judge, passage, claim) == (True, "")


@pytest.mark.parametrize(
    "claim",
    [
        "The answer to the question is: [1].",
        "Based on the provided passages:",
        "Here is the answer according to the context [2].",
    ],
)
def test_a_sentence_that_says_nothing_is_not_support(judge: LearnedJudge, claim: str) -> None:
    v = judge.claim(TABULAR, claim)
    assert v.reason == "says nothing" and not v.says_something and v.score >= judge.threshold
    # An answer of nothing else is unsupported; as a preamble it neither sinks nor lifts one.
    assert judge.judge(TABULAR, claim).unsupported
    good = "Tree-based methods remain superior on tabular data."
    alone = judge.judge(TABULAR, good).score
    assert judge.judge(TABULAR, f"{claim}\n{good}").score == pytest.approx(alone)


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        (TABULAR, "On unstructured data such as images, audio and text, neural nets dominate."),
        (TABULAR, "Boosted tree-based methods remain superior on tabular data."),
        (ALEXNET, "AlexNet, trained on two GPUs, won the ImageNet competition in 2012."),
        (BOOK, "In April, the mayor vetoed the proposal."),
        (MARCUS, "According to Gary Marcus, deep learning is data hungry."),
    ],
)
def test_a_faithful_paraphrase_is_supported(judge: LearnedJudge, passage: str, claim: str) -> None:
    assert verdict(judge, passage, claim) == (True, "")


def test_a_yes_or_no_reply_says_something(judge: LearnedJudge) -> None:
    assert judge.claim(TABULAR, "No.").says_something


def test_the_gate_wants_a_supported_sentence_that_addresses_the_question() -> None:
    question = "Why do tree-based methods win on tabular data?"
    heading = "Deep Learning: A Critical Appraisal"  # copied from the passage, true to it
    assert not addresses(heading, question)
    assert not addresses("AlexNet was trained on two GPUs.", question)
    assert addresses("Tree-based methods remain superior on tabular data.", question)
    assert addresses("anything", "")  # no question: nothing to address
    # A direct answer need not repeat the question: the sentence supporting it does.
    reagan = "Ronald Reagan became president of the United States in 1981."
    assert addresses("Ronald Reagan.", "Who became president in 1981?", reagan)
    assert not addresses("Ronald Reagan.", "Who became president in 1981?")
    true_but_beside = [Checked(True, True, addresses(heading, question))]
    assert not shows(true_but_beside, 0.75)
    answer = [
        Checked(True, False, False),  # "Based on the passages:" counts neither way
        Checked(True, True, True),
        Checked(True, True, False),  # "Their inductive biases suit it." needs no question word
        Checked(False, True, True),
    ]
    assert shows(answer, 0.6) and not shows(answer, 0.75)
    assert not shows([Checked(True, False, True)], 0.0)  # nothing said: nothing shown
